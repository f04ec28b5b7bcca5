// Package feed reads live AIS feeds — a TCP client that reconnects with
// exponential backoff and jitter, a UDP listener, standard input — as a
// stream of lines, each stamped with its arrival time (and, from UDP, its
// sender), ready for ais.NewNMEAReader. Identical sentences arriving from several feeds within a
// short window are dropped by a shared Dedup.
package feed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// MaxLineBytes is the longest line passed on whole; longer lines are cut here
// (the NMEA reader then rejects them) so a garbage stream cannot grow memory.
// It is also the read buffer, so that one read from the socket brings
// hundreds of lines.
const MaxLineBytes = 64 << 10

// udpReadBuffer is the socket receive buffer asked for a UDP feed.
const udpReadBuffer = 4 << 20

// Source is a feed address parsed from its URL.
type Source struct {
	Name   string // the URL as given, used as the feed's label
	Scheme string // "tcp", "udp" or "stdin"
	Addr   string // host:port for tcp, [host]:port for udp
	// Replay says the server sends its whole stream from the start on every
	// connection (a file server, a test feed): after a reconnect or a restart
	// the lines already consumed are skipped. Set by "?replay=true".
	Replay bool
}

// Parse reads a feed URL: tcp://host:port[?replay=true], udp://[host]:port or "-".
func Parse(raw string) (Source, error) {
	if raw == "-" {
		return Source{Name: raw, Scheme: "stdin"}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Source{}, fmt.Errorf("feed %q: %w", raw, err)
	}
	src := Source{Name: raw, Scheme: u.Scheme, Addr: u.Host}
	switch u.Scheme {
	case "tcp", "udp":
	default:
		return Source{}, fmt.Errorf("feed %q: scheme must be tcp, udp or \"-\" for stdin", raw)
	}
	if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
		return Source{}, fmt.Errorf("feed %q: address needs host:port", raw)
	}
	if u.Path != "" && u.Path != "/" {
		return Source{}, fmt.Errorf("feed %q: unexpected path %q", raw, u.Path)
	}
	if v := u.Query().Get("replay"); v != "" {
		if src.Scheme != "tcp" {
			return Source{}, fmt.Errorf("feed %q: replay applies to tcp feeds only", raw)
		}
		if src.Replay, err = strconv.ParseBool(v); err != nil {
			return Source{}, fmt.Errorf("feed %q: replay: %w", raw, err)
		}
	}
	return src, nil
}

// Options tune a feed. The zero value works.
type Options struct {
	// Offset is the number of lines consumed before (from a checkpoint). For a
	// replaying TCP feed that many lines are skipped on every connection.
	Offset int64
	// MinBackoff and MaxBackoff bound the reconnect delay (defaults 100 ms, 30 s).
	MinBackoff, MaxBackoff time.Duration
	// IdleTimeout reconnects a TCP feed silent that long (default 2 min).
	IdleTimeout time.Duration
	// Dedup, when set, drops sentences another feed delivered within its window.
	Dedup *Dedup
	// Clock gives arrival times (default time.Now, in UTC).
	Clock func() time.Time
	// OnState is called with true when the feed connects and false when it drops.
	OnState func(up bool)
	// Stdin replaces os.Stdin for the "-" feed (tests).
	Stdin io.Reader
	// Logger receives connection events (default slog.Default()).
	Logger *slog.Logger
}

// Reader is a feed as an io.Reader that returns at most one line per Read, so
// a line-oriented decoder on top never reads ahead of the line it is working
// on: Arrival and Lines then describe exactly the line being decoded.
// Read returns io.EOF when the context ends (or standard input does).
type Reader struct {
	src   Source
	opt   Options
	ctx   context.Context    // Open's, ended also by Close
	close context.CancelFunc // ends ctx
	log   *slog.Logger
	next  func() ([]byte, error) // the next raw line of the current connection
	ready func() bool            // whether next has a whole line without waiting

	conn     io.Closer // current connection, nil while disconnected
	udpBuf   []byte
	udpLines [][]byte       // the lines of the current datagram; reused
	udpNext  int            // index of the next of udpLines to return
	udpFrom  netip.AddrPort // sender of the datagram udpLines come from
	sender   []byte         // udpFrom as host:port, for Sender; nil for TCP and stdin
	pending  []byte         // rest of the current line not yet returned by Read
	lineBuf  []byte

	arrival    atomic.Int64 // unix nanoseconds of the line last returned
	lines      atomic.Int64 // lines consumed, including Offset
	dups       atomic.Int64
	reconnects atomic.Int64
	up         atomic.Bool

	groups    fragments
	dropping  []dropped // multipart groups whose first fragment was a duplicate
	skip      int64     // lines still to skip on this connection (replay)
	backoff   Backoff
	connected bool       // a connection was made before: the next one is a reconnect
	mu        sync.Mutex // guards conn against the context's AfterFunc
}

// Open starts reading src; the first connection is made by the first Read.
func Open(ctx context.Context, src Source, opt Options) *Reader {
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = 100 * time.Millisecond
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = max(30*time.Second, opt.MinBackoff)
	}
	if opt.IdleTimeout <= 0 {
		opt.IdleTimeout = 2 * time.Minute
	}
	if opt.Clock == nil {
		opt.Clock = func() time.Time { return time.Now().UTC() }
	}
	if opt.Stdin == nil {
		opt.Stdin = os.Stdin
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &Reader{src: src, opt: opt, ctx: ctx, close: cancel, log: opt.Logger.With("feed", src.Name), backoff: Backoff{Min: opt.MinBackoff, Max: opt.MaxBackoff}}
	r.lines.Store(opt.Offset)
	context.AfterFunc(ctx, r.closeConn)
	return r
}

// Name is the feed's label (its URL).
func (r *Reader) Name() string { return r.src.Name }

// Arrival is the arrival time of the line last returned by Read; it serves as
// ais.Options.Clock for lines that carry no time of their own.
func (r *Reader) Arrival() time.Time { return time.Unix(0, r.arrival.Load()).UTC() }

// Sender is the address (host:port, an IPv4 one unmapped) of the UDP datagram
// the line last returned by Read came in; nil for TCP and standard input. It
// serves as ais.Options.Source, so that a line naming no source of its own
// (tag block s:, USCG station) has its sender as source: several receivers or
// forwarders sending to one port then each have their multi-sentence messages
// joined apart, as tag-block sources are, although their sequence ids and
// channels coincide. A line that names its source keeps it (forwarders of one
// receiver's tagged stream still join). The bytes are reused: valid until the
// next Read; call it from the goroutine that reads.
func (r *Reader) Sender() []byte { return r.sender }

// Lines is the number of lines consumed: returned by Read or dropped as
// duplicates, counting Options.Offset.
func (r *Reader) Lines() int64 { return r.lines.Load() }

// Safe is the offset to checkpoint once every record decoded so far is in
// the detector: Lines, or the line before the first fragment of a multipart
// message still incomplete (its record is not out yet, so a replay must read
// that fragment again). Call it from the goroutine that reads.
func (r *Reader) Safe() int64 { return r.groups.safe(r.lines.Load()) }

// Duplicates is the number of lines dropped as already seen on another feed.
func (r *Reader) Duplicates() int64 { return r.dups.Load() }

// Reconnects is the number of connections made after the first.
func (r *Reader) Reconnects() int64 { return r.reconnects.Load() }

// Up reports whether the feed is connected (UDP: listening; stdin: open).
func (r *Reader) Up() bool { return r.up.Load() }

// Read copies the rest of the current line, or the next line, into p.
func (r *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(r.pending) == 0 {
		line, err := r.nextLine()
		if err != nil {
			return 0, err
		}
		if r.skip > 0 {
			r.skip--
			continue
		}
		r.backoff.Reset() // a new line: the feed works (lines replayed and skipped are no sign of it)
		now := r.opt.Clock()
		if r.opt.Dedup != nil && r.duplicate(line, now) {
			r.dups.Add(1)
			r.lines.Add(1) // consumed all the same: a replay skips it
			continue
		}
		r.groups.track(line, r.lines.Load()+1)
		r.pending = line
		r.arrival.Store(now.UnixNano())
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	if len(r.pending) == 0 {
		r.lines.Add(1)
	}
	return n, nil
}

// Buffered reports whether the next Read can return a line without waiting
// on the network: a reader may batch the records of buffered lines and hand
// the batch on once Buffered is false, without delaying a quiet feed.
func (r *Reader) Buffered() bool {
	return len(r.pending) > 0 || (r.next != nil && r.ready())
}

// duplicate reports whether line repeats what another feed delivered within
// the dedup window. A multipart message goes or stays whole: its first
// fragment is judged (it holds the MMSI and most of the message) and the
// rest of a dropped group is dropped with it.
func (r *Reader) duplicate(line []byte, now time.Time) bool {
	if s := Sentence(line); s != nil {
		return r.opt.Dedup.Seen(s, now, r.src.Name)
	}
	frag, ok := parseFragment(line)
	if !ok {
		return false
	}
	key := dropped{key: frag.key, from: r.udpFrom} // UDP: parts of one sender only
	i := slices.Index(r.dropping, key)
	if frag.num == '1' {
		dup := r.opt.Dedup.Seen(frag.sentence, now, r.src.Name)
		switch {
		case dup && i < 0:
			r.dropping = append(r.dropping, key)
		case !dup && i >= 0:
			r.dropping = slices.Delete(r.dropping, i, i+1)
		}
		return dup
	}
	if i < 0 {
		return false
	}
	if frag.num == frag.count {
		r.dropping = slices.Delete(r.dropping, i, i+1)
	}
	return true
}

// dropped is a multipart group being dropped as a duplicate: its fragment key
// and, on a UDP feed, its sender (the zero AddrPort otherwise).
type dropped struct {
	key  uint32
	from netip.AddrPort
}

// Close releases the connection and ends the feed: Read then returns io.EOF
// instead of reconnecting. It may be called while another goroutine is in Read.
func (r *Reader) Close() error {
	r.close()
	r.closeConn() // now, not only in the context's AfterFunc
	return nil
}

// nextLine returns the next complete line ending in '\n', connecting and
// reconnecting as needed.
func (r *Reader) nextLine() ([]byte, error) {
	for {
		// The context (ended by Close too) is looked at between connections
		// only: its end closes the connection, which ends the reads on it.
		if r.next == nil {
			if r.ctx.Err() != nil {
				r.setUp(false)
				return nil, io.EOF
			}
			if err := r.connect(); err != nil {
				if errors.Is(err, io.EOF) {
					return nil, io.EOF
				}
				if !r.retry("feed connect failed", err) {
					return nil, io.EOF
				}
				continue
			}
		}
		line, err := r.next()
		if err == nil {
			return line, nil
		}
		r.closeConn()
		r.next = nil
		r.setUp(false)
		if r.src.Scheme == "stdin" || r.ctx.Err() != nil {
			return nil, io.EOF
		}
		if !r.retry("feed dropped", err) { // a server that accepts and closes at once is not hammered
			return nil, io.EOF
		}
	}
}

// retry logs why the feed is down and waits the next backoff delay; false
// when the context ended meanwhile.
func (r *Reader) retry(msg string, err error) bool {
	wait := r.backoff.Next()
	r.log.Warn(msg, "err", err, "retry_in", wait)
	return r.sleep(wait)
}

// connect opens the source and sets r.next.
func (r *Reader) connect() error {
	switch r.src.Scheme {
	case "stdin":
		if r.connected {
			return io.EOF // standard input is read once
		}
		r.next, r.ready = r.stdinLines()
	case "udp":
		pc, err := net.ListenPacket("udp", r.src.Addr)
		if err != nil {
			return fmt.Errorf("listen %s: %w", r.src.Addr, err)
		}
		uc, ok := pc.(*net.UDPConn)
		if !ok {
			_ = pc.Close()
			return fmt.Errorf("listen %s: not a UDP socket (%T)", r.src.Addr, pc)
		}
		_ = uc.SetReadBuffer(udpReadBuffer) // absorb bursts; the kernel may cap it
		r.setConn(uc)
		r.udpBuf = make([]byte, 64<<10)
		r.next = func() ([]byte, error) { return r.datagramLine(uc) }
		r.ready = func() bool { return r.udpNext < len(r.udpLines) }
	default:
		d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: 15 * time.Second}
		c, err := d.DialContext(r.ctx, "tcp", r.src.Addr)
		if err != nil {
			return fmt.Errorf("dial %s: %w", r.src.Addr, err)
		}
		if r.connected {
			r.reconnects.Add(1)
		}
		r.setConn(c)
		br := bufio.NewReaderSize(c, MaxLineBytes)
		r.ready = func() bool {
			b, _ := br.Peek(br.Buffered())
			return bytes.IndexByte(b, '\n') >= 0
		}
		r.next = func() ([]byte, error) {
			// Refresh the idle deadline when the next read may wait on the
			// socket: no whole line is buffered (a buffer holding the start
			// of one waits too). A line from the buffer needs none (it is not free).
			if !r.ready() {
				_ = c.SetReadDeadline(time.Now().Add(r.opt.IdleTimeout))
			}
			return r.frame(br)
		}
		if r.src.Replay {
			r.skip = r.lines.Load()
		}
	}
	if r.ctx.Err() != nil { // cancelled or closed while connecting: AfterFunc already ran
		r.closeConn()
		return io.EOF
	}
	r.log.Info("feed connected", "skip", r.skip)
	r.setUp(true)
	return nil
}

// frame returns the next line of br ending in '\n'; a line longer than
// MaxLineBytes is cut there and the rest discarded. A last line without its
// end is passed on, but for a replaying feed: there it is a line cut short by
// the drop, which the next connection sends again whole.
func (r *Reader) frame(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	switch {
	case err == nil:
		return line, nil // valid until the next read of br, after Read has passed it on
	case errors.Is(err, bufio.ErrBufferFull):
		r.lineBuf = append(append(r.lineBuf[:0], line...), '\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
		return r.lineBuf, err
	case len(line) > 0 && errors.Is(err, io.EOF) && !r.src.Replay:
		r.lineBuf = append(append(r.lineBuf[:0], line...), '\n')
		return r.lineBuf, nil
	}
	return nil, err
}

// stdinLines reads standard input on a goroutine of its own, since a read
// from it cannot be interrupted, and returns a next that also ends with the
// context. Lines are copied: standard input is not a hot path.
func (r *Reader) stdinLines() (next func() ([]byte, error), ready func() bool) {
	type result struct {
		line []byte
		err  error
	}
	ch := make(chan result, 64)
	go func() {
		br := bufio.NewReaderSize(r.opt.Stdin, MaxLineBytes)
		for {
			line, err := r.frame(br)
			select {
			case ch <- result{bytes.Clone(line), err}:
			case <-r.ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	next = func() ([]byte, error) {
		select {
		case res := <-ch:
			return res.line, res.err
		case <-r.ctx.Done():
			return nil, io.EOF
		}
	}
	return next, func() bool { return len(ch) > 0 }
}

// datagramLine returns the next line of the current or next datagram; a
// datagram may hold several lines and its last line needs no '\n'. It notes
// the datagram's sender for Sender (no allocation: the address is a value,
// written out again only when the sender changes).
func (r *Reader) datagramLine(uc *net.UDPConn) ([]byte, error) {
	for r.udpNext == len(r.udpLines) {
		n, from, err := uc.ReadFromUDPAddrPort(r.udpBuf)
		if err != nil {
			return nil, fmt.Errorf("receive datagram: %w", err)
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if from != r.udpFrom || r.sender == nil {
			r.udpFrom, r.sender = from, from.AppendTo(r.sender[:0])
		}
		r.udpLines, r.udpNext = splitLines(r.udpLines[:0], r.udpBuf[:n]), 0 // [:0] keeps the backing array
	}
	line := r.udpLines[r.udpNext]
	r.udpNext++
	if len(line) > MaxLineBytes {
		line = line[:MaxLineBytes]
	}
	r.lineBuf = append(append(r.lineBuf[:0], line...), '\n')
	return r.lineBuf, nil
}

// splitLines appends the non-empty lines of b, without their ends, to dst.
func splitLines(dst [][]byte, b []byte) [][]byte {
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		line := b[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) > 0 {
			dst = append(dst, line)
		}
		if i == len(b) {
			break
		}
		b = b[i+1:]
	}
	return dst
}

func (r *Reader) setConn(c io.Closer) {
	r.mu.Lock()
	r.conn = c
	r.mu.Unlock()
}

func (r *Reader) closeConn() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn != nil {
		_ = r.conn.Close()
		r.conn = nil
	}
}

func (r *Reader) setUp(up bool) {
	if up {
		r.connected = true
	}
	if r.up.Swap(up) != up && r.opt.OnState != nil {
		r.opt.OnState(up)
	}
}

// sleep waits d or until the context ends; false when it ended.
func (r *Reader) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// Backoff is an exponential backoff with jitter, for reconnects and retries.
// The zero value is not usable: set Min and Max.
type Backoff struct {
	Min, Max time.Duration
	cur      time.Duration
}

// Next returns the delay before the next attempt, spread uniformly over
// [d/2, d] so that many clients dropped at once do not retry in lockstep, and
// doubles d up to Max.
func (b *Backoff) Next() time.Duration {
	d := min(max(b.cur, b.Min), b.Max)
	b.cur = min(2*d, b.Max)
	half := d / 2
	return half + rand.N(d-half+1)
}

// Reset starts the delays again from Min, after a success.
func (b *Backoff) Reset() { b.cur = 0 }

// fragments tracks the multipart messages begun but not finished, by the line
// of their first fragment, so that Safe never points past one.
type fragments struct{ open []fragment }

type fragment struct {
	key   uint32 // sequential message id and channel
	first int64  // line of the first fragment
}

// maxFragmentSpan is how many lines a multipart message may take; a group
// open longer is an orphan (its last fragment lost) and is forgotten.
const maxFragmentSpan = 64

// track notes line number n: a first fragment opens a group, a last one closes it.
func (f *fragments) track(line []byte, n int64) {
	f.open = slices.DeleteFunc(f.open, func(g fragment) bool { return n-g.first >= maxFragmentSpan })
	frag, ok := parseFragment(line)
	if !ok {
		return
	}
	i := slices.IndexFunc(f.open, func(g fragment) bool { return g.key == frag.key })
	switch {
	case frag.num == '1':
		if i >= 0 {
			f.open[i].first = n
		} else {
			f.open = append(f.open, fragment{key: frag.key, first: n})
		}
	case frag.num == frag.count && i >= 0:
		f.open = slices.Delete(f.open, i, i+1)
	}
}

// safe is lines, or the line before the oldest open group.
func (f *fragments) safe(lines int64) int64 {
	for _, g := range f.open {
		lines = min(lines, g.first-1)
	}
	return lines
}
