package feed

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Source
		wantErr string
	}{
		{in: "-", want: Source{Name: "-", Scheme: "stdin"}},
		{in: "tcp://127.0.0.1:5631", want: Source{Name: "tcp://127.0.0.1:5631", Scheme: "tcp", Addr: "127.0.0.1:5631"}},
		{in: "tcp://ais.example:5631?replay=true", want: Source{Name: "tcp://ais.example:5631?replay=true", Scheme: "tcp", Addr: "ais.example:5631", Replay: true}},
		{in: "udp://:10110", want: Source{Name: "udp://:10110", Scheme: "udp", Addr: ":10110"}},
		{in: "http://x:1", wantErr: "scheme must be"},
		{in: "tcp://nohost", wantErr: "host:port"},
		{in: "tcp://h:1/path", wantErr: "unexpected path"},
		{in: "udp://:1?replay=true", wantErr: "tcp feeds only"},
		{in: "tcp://h:1?replay=maybe", wantErr: "replay"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// testLines are n distinct single-fragment sentences.
func testLines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("\\c:%d*00\\!AIVDM,1,1,,A,line%06d,0*00", 1700000000+i, i)
	}
	return out
}

// server serves lines over TCP on loopback. Each connection gets the lines
// from start (replay) or from where the last connection stopped; a connection
// is closed after dropAfter lines when dropAfter > 0 (once).
type server struct {
	t         *testing.T
	ln        net.Listener
	lines     []string
	replay    bool
	dropAfter int

	mu    sync.Mutex
	next  int
	conns int
}

func newServer(t *testing.T, lines []string, replay bool, dropAfter int) *server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &server{t: t, ln: ln, lines: lines, replay: replay, dropAfter: dropAfter}
	t.Cleanup(func() { ln.Close() })
	go s.serve()
	return s
}

func (s *server) url(replay bool) string {
	u := "tcp://" + s.ln.Addr().String()
	if replay {
		u += "?replay=true"
	}
	return u
}

func (s *server) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		from := s.next
		if s.replay {
			from = 0
		}
		drop := s.dropAfter
		s.dropAfter = 0
		s.mu.Unlock()
		go s.send(c, from, drop)
	}
}

func (s *server) send(c net.Conn, from, drop int) {
	defer c.Close()
	w := bufio.NewWriter(c)
	for i := from; i < len(s.lines); i++ {
		if drop > 0 && i-from == drop {
			w.Flush()
			return
		}
		if _, err := w.WriteString(s.lines[i] + "\r\n"); err != nil {
			return
		}
		s.mu.Lock()
		s.next = i + 1
		s.mu.Unlock()
	}
	w.Flush()
	// Hold the connection open like a live feed that has gone quiet.
	_, _ = io.Copy(io.Discard, c)
}

// readN reads n lines from r, each through a small buffer, with a deadline.
func readN(t *testing.T, r *Reader, n int) []string {
	t.Helper()
	out := make([]string, 0, n)
	br := bufio.NewReaderSize(r, 16) // smallest bufio size: lines come in pieces
	done := make(chan struct{})
	go func() {
		defer close(done)
		for len(out) < n {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			out = append(out, strings.TrimRight(line, "\r\n"))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		r.Close()
		<-done
		t.Fatalf("read %d of %d lines before the deadline", len(out), n)
	}
	return out
}

func TestTCPReconnect(t *testing.T) {
	lines := testLines(500)
	tests := []struct {
		name         string
		serverReplay bool
		clientReplay bool
		offset       int64
		want         []string
	}{
		{name: "live server resumes", want: lines},
		{name: "replaying server, lines skipped", serverReplay: true, clientReplay: true, want: lines},
		{name: "replaying server, restart from checkpoint", serverReplay: true, clientReplay: true, offset: 120, want: lines[120:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, lines, tt.serverReplay, 200)
			src, err := Parse(s.url(tt.clientReplay))
			require.NoError(t, err)
			var states []bool
			var mu sync.Mutex
			r := Open(t.Context(), src, Options{Offset: tt.offset, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond,
				OnState: func(up bool) { mu.Lock(); states = append(states, up); mu.Unlock() }})
			defer r.Close()
			got := readN(t, r, len(tt.want))
			assert.Equal(t, tt.want, got)
			assert.Equal(t, int64(len(lines)), r.Lines())
			assert.Equal(t, int64(1), r.Reconnects())
			assert.True(t, r.Up())
			mu.Lock()
			assert.Equal(t, []bool{true, false, true}, states)
			mu.Unlock()
		})
	}
}

func TestTCPWaitsForServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens: dials fail and back off

	r := Open(t.Context(), Source{Name: "t", Scheme: "tcp", Addr: addr}, Options{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	defer r.Close()
	go func() {
		time.Sleep(100 * time.Millisecond)
		ln2, err := net.Listen("tcp", addr)
		if err != nil {
			return // port taken meanwhile: the read below times out and fails
		}
		defer ln2.Close()
		c, err := ln2.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		fmt.Fprint(c, "hello\n")
		time.Sleep(time.Second)
	}()
	assert.Equal(t, []string{"hello"}, readN(t, r, 1))
}

func TestCancelEndsRead(t *testing.T) {
	s := newServer(t, testLines(1), false, 0)
	ctx, cancel := context.WithCancel(t.Context())
	src, err := Parse(s.url(false))
	require.NoError(t, err)
	r := Open(ctx, src, Options{})
	require.Len(t, readN(t, r, 1), 1)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = r.Read(make([]byte, 10)) // the server is quiet: blocks until cancel
	assert.ErrorIs(t, err, io.EOF)
	assert.False(t, r.Up())
}

func TestUDP(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := pc.LocalAddr().String()
	require.NoError(t, pc.Close())

	r := Open(t.Context(), Source{Name: "udp", Scheme: "udp", Addr: addr}, Options{})
	defer r.Close()
	got := make(chan []string, 1)
	go func() { got <- readN(t, r, 4) }()

	c, err := net.Dial("udp", addr)
	require.NoError(t, err)
	defer c.Close()
	deadline := time.After(5 * time.Second)
	for {
		// Datagrams sent before the listener is up are lost: send until read.
		_, _ = c.Write([]byte("!AIVDM,1,1,,A,a,0*00\r\n!AIVDM,1,1,,A,b,0*00"))
		_, _ = c.Write([]byte("!AIVDM,1,1,,A,c,0*00\n\n!AIVDM,1,1,,A,d,0*00\n"))
		select {
		case lines := <-got:
			// Repeated sends may start mid-sequence; check the pairs stay whole and ordered.
			require.Len(t, lines, 4)
			for _, l := range lines {
				assert.Regexp(t, `^!AIVDM,1,1,,A,[a-d],0\*00$`, l)
			}
			assert.NotEqual(t, lines[0], lines[1])
			return
		case <-deadline:
			t.Fatal("no UDP lines read")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestStdin(t *testing.T) {
	in := strings.NewReader("a\nb\r\n" + strings.Repeat("x", MaxLineBytes+10) + "\nlast")
	r := Open(t.Context(), Source{Name: "-", Scheme: "stdin"}, Options{Stdin: in})
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	require.Len(t, lines, 5)
	assert.Equal(t, []string{"a", "b\r"}, lines[:2])
	assert.Len(t, lines[2], MaxLineBytes, "a long line is cut, its rest dropped")
	assert.Equal(t, []string{"last", ""}, lines[3:])
	assert.Equal(t, int64(4), r.Lines())
	assert.False(t, r.Up())
}

func TestArrivalStampsLine(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Second); return now }
	r := Open(t.Context(), Source{Name: "-", Scheme: "stdin"}, Options{Stdin: strings.NewReader("a\nb\n"), Clock: clock})
	p := make([]byte, 1)
	var arrivals []time.Time
	for {
		_, err := r.Read(p)
		if err != nil {
			break
		}
		if p[0] == '\n' {
			arrivals = append(arrivals, r.Arrival())
		}
	}
	require.Len(t, arrivals, 2)
	assert.Equal(t, time.Second, arrivals[1].Sub(arrivals[0]), "each line keeps its own arrival time while read in pieces")
}

func TestBackoff(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	for _, ceil := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		ceil *= time.Millisecond
		d := b.Next()
		require.GreaterOrEqual(t, d, ceil/2)
		require.LessOrEqual(t, d, ceil)
	}
	b.Reset()
	assert.LessOrEqual(t, b.Next(), 100*time.Millisecond)
}

// TestCloseEndsFeed: after Close, Read returns io.EOF at once, also while it
// was waiting on the network or on standard input, and the feed does not reconnect.
func TestCloseEndsFeed(t *testing.T) {
	s := newServer(t, testLines(10), false, 0)
	src, err := Parse(s.url(false))
	require.NoError(t, err)
	stdin, w := io.Pipe() // standard input that never sends
	t.Cleanup(func() { w.Close() })
	for _, src := range []Source{src, {Name: "-", Scheme: "stdin"}} {
		t.Run(src.Scheme, func(t *testing.T) {
			r := Open(t.Context(), src, Options{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Stdin: stdin})
			if src.Scheme == "tcp" {
				require.Len(t, readN(t, r, 10), 10)
			}
			ended := make(chan error, 1)
			go func() {
				_, err := r.Read(make([]byte, 100)) // the feed is quiet: this waits
				ended <- err
			}()
			time.Sleep(50 * time.Millisecond)
			require.NoError(t, r.Close())
			select {
			case err := <-ended:
				assert.ErrorIs(t, err, io.EOF)
			case <-time.After(5 * time.Second):
				t.Fatal("Read still waiting after Close")
			}
			_, err := r.Read(make([]byte, 100))
			assert.ErrorIs(t, err, io.EOF)
			assert.Zero(t, r.Reconnects())
			assert.False(t, r.Up())
		})
	}
}

// TestTCPDropMidLine: a connection that ends in the middle of a line (the
// server restarted, the link broke) leaves a partial line. A replaying
// server sends that line again whole on the next connection, and it must be
// read then, not skipped as consumed; a live server's partial line is passed
// on (the NMEA reader rejects it) and the stream resumes after it.
func TestTCPDropMidLine(t *testing.T) {
	lines := testLines(20)
	const cut = 7 // the first connection ends halfway through lines[cut]
	for _, replay := range []bool{false, true} {
		t.Run(fmt.Sprintf("replay=%v", replay), func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { ln.Close() })
			go func() {
				for conn := 0; ; conn++ {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					if conn == 0 {
						fmt.Fprint(c, strings.Join(lines[:cut], "\r\n")+"\r\n"+lines[cut][:len(lines[cut])/2])
						c.Close()
						continue
					}
					from := cut + 1
					if replay {
						from = 0
					}
					fmt.Fprint(c, strings.Join(lines[from:], "\r\n")+"\r\n")
					go func() { _, _ = io.Copy(io.Discard, c); c.Close() }()
				}
			}()
			u := "tcp://" + ln.Addr().String()
			if replay {
				u += "?replay=true"
			}
			src, err := Parse(u)
			require.NoError(t, err)
			r := Open(t.Context(), src, Options{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
			defer r.Close()
			want := lines
			if !replay {
				want = append(append(append([]string(nil), lines[:cut]...), lines[cut][:len(lines[cut])/2]), lines[cut+1:]...)
			}
			assert.Equal(t, want, readN(t, r, len(want)))
			assert.Equal(t, int64(len(want)), r.Lines())
		})
	}
}

// TestTCPDropBacksOff: a server that accepts and at once closes (a proxy
// whose backend is down, a hub over its connection limit) is reconnected to
// with the backoff, not in a tight loop. So is a replaying server that
// closes at the end of its stream (a file server): skipping the lines
// already consumed is no progress, so the stream is not fetched again every
// minimum delay.
func TestTCPDropBacksOff(t *testing.T) {
	lines := testLines(5)
	tests := []struct {
		name  string
		send  []string // what each connection gets before it is closed
		query string
	}{
		{name: "closed at once"},
		{name: "replaying server closes at the end", send: lines, query: "?replay=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { ln.Close() })
			var conns atomic.Int64
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					conns.Add(1)
					for _, l := range tt.send {
						fmt.Fprint(c, l+"\n")
					}
					c.Close()
				}
			}()
			src, err := Parse("tcp://" + ln.Addr().String() + tt.query)
			require.NoError(t, err)
			r := Open(t.Context(), src, Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: time.Hour})
			if len(tt.send) > 0 {
				require.Equal(t, tt.send, readN(t, r, len(tt.send)))
			}
			ended := make(chan error, 1)
			go func() { _, err := r.Read(make([]byte, 100)); ended <- err }()
			// Delays of at least 10, 20, 40, 80, 160 ms: some six connections in 500 ms.
			time.Sleep(500 * time.Millisecond)
			require.NoError(t, r.Close())
			assert.ErrorIs(t, <-ended, io.EOF)
			assert.LessOrEqual(t, conns.Load(), int64(10), "connections in 500 ms")
			assert.GreaterOrEqual(t, conns.Load(), int64(2), "it did reconnect")
			assert.Equal(t, int64(len(tt.send)), r.Lines(), "nothing read twice")
		})
	}
}

// TestTCPIdleTimeoutWhileDataFlows: a feed whose writes end mid-line (the
// next line's start goes out with the previous burst) never leaves the read
// buffer empty; the idle deadline must still move on with every burst, so a
// slow but live feed is not dropped as silent. The bursts come 50 ms apart
// against a 1 s timeout, a margin a loaded machine's scheduling does not eat.
func TestTCPIdleTimeoutWhileDataFlows(t *testing.T) {
	lines := testLines(40)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		stream := strings.Join(lines, "\n") + "\n"
		// Bursts of one line's length, the first of half of one: each ends mid-line.
		step := len(lines[0]) + 1
		for i, end := 0, step/2; i < len(stream); i, end = end, min(len(stream), end+step) {
			if _, err := io.WriteString(c, stream[i:end]); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond) // 40 lines over some 2 s: twice the idle timeout
		}
		_, _ = io.Copy(io.Discard, c)
	}()
	r := Open(t.Context(), Source{Name: "t", Scheme: "tcp", Addr: ln.Addr().String()}, Options{IdleTimeout: time.Second, MinBackoff: time.Millisecond})
	defer r.Close()
	assert.Equal(t, lines, readN(t, r, len(lines)))
	assert.Zero(t, r.Reconnects())
}

// TestUDPSendersKeptApart: several senders to one UDP port, each numbering its
// multi-sentence messages on its own, have them joined apart; a line naming its
// source (tag block s:) is keyed by that source as before, whoever sent it.
// Each datagram is sent once the one before it has been read, so the order the
// lines are decoded in is the order of sends.
func TestUDPSendersKeptApart(t *testing.T) {
	const (
		x1  = "!AIVDM,2,1,3,A,56K8@vh2:w;D`OG??R0dTq9UF0l59F222222221@:HE694o`0@ORT80j0`<r3PDR,0*0D"
		x2  = "!AIVDM,2,2,3,A,E0JH882,2*52"
		y1  = "!AIVDM,2,1,3,A,53ca9G02<PA<T85`000lDL60EQ18E=>1@Q8DD0154jf,0*5B"
		y2  = "!AIVDM,2,2,3,A,E44ijN@ThESkP@00000000000000,2*0E"
		end = "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23" // MMSI 227006760, sent last
		x   = "431100155 KINRYU MARU"
		y   = "247089500 MEGA EXPRESS THREE"
	)
	const endMMSI = 227006760
	type send struct {
		from int // sender 0 or 1
		line string
	}
	tests := []struct {
		name  string
		sends []send
		want  []string // "<mmsi> <name> from <source>", the source "0"/"1" for a sender
	}{
		{
			name:  "interleaved, same sequence id and channel",
			sends: []send{{0, x1}, {1, y1}, {0, x2}, {1, y2}},
			want:  []string{x + " from 0", y + " from 1"},
		},
		{
			name:  "interleaved, second parts first",
			sends: []send{{0, x1}, {1, y1}, {1, y2}, {0, x2}},
			want:  []string{y + " from 1", x + " from 0"},
		},
		{
			name:  "one sender, parts in two datagrams",
			sends: []send{{1, x1}, {1, x2}},
			want:  []string{x + " from 1"},
		},
		{
			name:  "one sender, parts in one datagram",
			sends: []send{{0, x1 + "\r\n" + x2}},
			want:  []string{x + " from 0"},
		},
		{
			name:  "parts from two senders are not joined",
			sends: []send{{0, x1}, {1, x2}},
		},
		{
			name:  "tag block s: keys the parts whoever sent them",
			sends: []send{{0, tagged("s:R1", x1)}, {1, tagged("s:R2", y1)}, {1, tagged("s:R1", x2)}, {0, tagged("s:R2", y2)}},
			want:  []string{x + " from R1", y + " from R2"},
		},
		{
			name:  "tag block group naming its source in the first part only",
			sends: []send{{0, tagged("s:R1,g:1-2-7", x1)}, {1, y1}, {0, tagged("g:2-2-7", x2)}, {1, y2}},
			want:  []string{x + " from R1", y + " from 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			require.NoError(t, err)
			addr := pc.LocalAddr().(*net.UDPAddr).AddrPort()
			require.NoError(t, pc.Close())

			up := make(chan struct{})
			var once sync.Once
			r := Open(t.Context(), Source{Name: "udp", Scheme: "udp", Addr: addr.String()},
				Options{OnState: func(ok bool) {
					if ok {
						once.Do(func() { close(up) })
					}
				}})
			defer r.Close()
			var senders [2]*net.UDPConn
			names := map[string]string{}
			for i := range senders {
				c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
				require.NoError(t, err)
				defer c.Close()
				senders[i] = c
				names[c.LocalAddr().String()] = fmt.Sprint(i)
			}

			got := make(chan []string, 1)
			go func() {
				var recs []string
				defer func() { got <- recs }()
				nr := ais.NewNMEAReader(r, r.Name(), ais.Options{Clock: r.Arrival, Source: r.Sender})
				for {
					rec, err := nr.Next()
					if err != nil || rec.MMSI == endMMSI {
						if err == nil {
							assert.Equal(t, "0", names[rec.Source], "the last line's sender")
						}
						return
					}
					src := rec.Source
					if n, ok := names[src]; ok {
						src = n
					}
					recs = append(recs, fmt.Sprintf("%d %s from %s", rec.MMSI, rec.Static.Name, src))
				}
			}()
			deadline := time.After(10 * time.Second) // a fail-safe against a hang, not a timing check
			select {
			case <-up:
			case <-deadline:
				t.Fatal("the UDP feed did not start listening")
			}
			sends := append(tt.sends, send{0, end})
			var lines int64
			for _, s := range sends {
				_, err := senders[s.from].WriteToUDPAddrPort([]byte(s.line), addr)
				require.NoError(t, err)
				lines += int64(strings.Count(s.line, "\n") + 1)
				for r.Lines() < lines { // read before the next is sent
					select {
					case <-deadline:
						r.Close()
						t.Fatalf("read %d of %d lines", r.Lines(), lines)
					case <-time.After(time.Millisecond):
					}
				}
			}
			select {
			case recs := <-got:
				assert.Equal(t, tt.want, recs)
			case <-deadline:
				r.Close()
				t.Fatal("the last line was not decoded")
			}
		})
	}
}

// tagged puts an NMEA 4.10 tag block holding fields in front of sentence.
func tagged(fields, sentence string) string {
	var sum byte
	for i := range len(fields) {
		sum ^= fields[i]
	}
	return fmt.Sprintf("\\%s*%02X\\%s", fields, sum, sentence)
}

// BenchmarkUDPSenders reads datagrams from two senders in turn through the
// NMEA reader, the sender as each line's source: once warmed no allocation
// per datagram (the sender changes every time).
func BenchmarkUDPSenders(b *testing.B) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(b, err)
	addr := pc.LocalAddr().(*net.UDPAddr).AddrPort()
	require.NoError(b, pc.Close())
	r := Open(b.Context(), Source{Name: "udp", Scheme: "udp", Addr: addr.String()}, Options{})
	defer r.Close()
	var senders [2]*net.UDPConn
	for i := range senders {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		require.NoError(b, err)
		defer c.Close()
		senders[i] = c
	}
	nr := ais.NewNMEAReader(r, r.Name(), ais.Options{Clock: r.Arrival, Source: r.Sender})
	line := []byte("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23")
	first := make(chan error, 1)
	go func() { _, err := nr.Next(); first <- err }() // opens the listener
	for waiting := true; waiting; {
		// Datagrams sent before the listener is up are lost: send until one is read.
		_, err := senders[0].WriteToUDPAddrPort(line, addr)
		require.NoError(b, err)
		select {
		case err := <-first:
			require.NoError(b, err)
			waiting = false
		case <-time.After(time.Millisecond):
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := senders[i%2].WriteToUDPAddrPort(line, addr); err != nil {
			b.Fatal(err)
		}
		rec, err := nr.Next()
		if err != nil || rec.Source == "udp" {
			b.Fatalf("record from %q: %v", rec.Source, err)
		}
	}
}
