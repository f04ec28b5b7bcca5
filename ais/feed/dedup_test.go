package feed

import (
	"bufio"
	"bytes"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSentence(t *testing.T) {
	tests := []struct {
		line, want string
	}{
		{`\s:rx1,c:1700000000*5A\!AIVDM,1,1,,B,15M67FC000G?ufbE` + "`FepT@3n00Sa,0*5C\r\n", "!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C"},
		{"!AIVDM,1,1,,A,15M67F,0*00,s12345,d-100,T12,1700000000\n", "!AIVDM,1,1,,A,15M67F,0*00"},
		{"2024-01-01 00:00:00 $AIVDO,1,1,,,B,0*1F\n", "$AIVDO,1,1,,,B,0*1F"},
		{"!AIVDM,2,1,7,A,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E\n", ""}, // multipart fragment
		{"!AIVDM,1,1,,A,15M67F,0*5", ""}, // cut checksum
		{"no sentence here\n", ""},
		{"!AIVDM,1\n", ""},
		{"$PGHP,1,2024,1,1,0,0,0,0,,,,*00\n", ""},
	}
	for _, tt := range tests {
		got := Sentence([]byte(tt.line))
		assert.Equal(t, tt.want, string(got), tt.line)
	}
}

func TestDedupWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := []byte(`\s:rx1,c:1*00\!AIVDM,1,1,,A,AAA,0*11` + "\n")
	aOther := []byte(`\s:rx2,c:2*00\!AIVDM,1,1,,A,AAA,0*11` + "\n")
	b := []byte("!AIVDM,1,1,,A,BBB,0*22\n")
	steps := []struct {
		line  []byte
		feed  string
		at    time.Duration
		dup   bool
		about string
	}{
		{a, "f1", 0, false, "first copy"},
		{aOther, "f2", 500 * time.Millisecond, true, "same sentence from another feed"},
		{a, "f1", 600 * time.Millisecond, false, "a repeat on the same feed passes"},
		{b, "f1", time.Second, false, "another sentence"},
		{a, "f3", 2500 * time.Millisecond, true, "still within the previous window"},
		{b, "f2", 7 * time.Second, false, "two windows later, forgotten"},
		{a, "f2", 7 * time.Second, false, "forgotten too"},
	}
	d := NewDedup(2 * time.Second)
	for _, s := range steps {
		assert.Equal(t, s.dup, d.Seen(Sentence(s.line), t0.Add(s.at), s.feed), s.about)
	}
}

func TestDedupAcrossFeeds(t *testing.T) {
	d := NewDedup(time.Minute)
	in1 := "!AIVDM,1,1,,A,X1,0*00\n!AIVDM,1,1,,A,X2,0*00\n"
	in2 := "\\s:b*00\\!AIVDM,1,1,,A,X2,0*00\n!AIVDM,1,1,,A,X3,0*00\n"
	r1 := Open(t.Context(), Source{Name: "one", Scheme: "stdin"}, Options{Stdin: strings.NewReader(in1), Dedup: d})
	r2 := Open(t.Context(), Source{Name: "two", Scheme: "stdin"}, Options{Stdin: strings.NewReader(in2), Dedup: d})
	b1, err := io.ReadAll(r1)
	require.NoError(t, err)
	b2, err := io.ReadAll(r2)
	require.NoError(t, err)
	assert.Equal(t, in1, string(b1))
	assert.Equal(t, "!AIVDM,1,1,,A,X3,0*00\n", string(b2))
	assert.Equal(t, int64(1), r2.Duplicates())
	assert.Equal(t, int64(2), r2.Lines(), "a dropped line counts as consumed, so a replay skips it")
}

func TestDedupMultipart(t *testing.T) {
	d := NewDedup(time.Minute)
	in1 := "!AIVDM,2,1,7,A,P1,0*00\n!AIVDM,2,2,7,A,P2,0*00\n"
	in2 := "\\s:b*00\\!AIVDM,2,1,4,B,Q1,0*00\n" + // another group: kept whole
		"\\s:b*00\\!AIVDM,2,1,7,A,P1,0*00\n" + // feed one's group again: dropped whole
		"!AIVDM,1,1,,A,S,0*00\n" + // interleaved
		"\\s:b*00\\!AIVDM,2,2,7,A,P2,0*00\n" +
		"\\s:b*00\\!AIVDM,2,2,4,B,Q2,0*00\n"
	r1 := Open(t.Context(), Source{Name: "one", Scheme: "stdin"}, Options{Stdin: strings.NewReader(in1), Dedup: d})
	b1, err := io.ReadAll(r1)
	require.NoError(t, err)
	assert.Equal(t, in1, string(b1))
	r2 := Open(t.Context(), Source{Name: "two", Scheme: "stdin"}, Options{Stdin: strings.NewReader(in2), Dedup: d})
	b2, err := io.ReadAll(r2)
	require.NoError(t, err)
	assert.Equal(t, "\\s:b*00\\!AIVDM,2,1,4,B,Q1,0*00\n!AIVDM,1,1,,A,S,0*00\n\\s:b*00\\!AIVDM,2,2,4,B,Q2,0*00\n", string(b2))
	assert.Equal(t, int64(2), r2.Duplicates())
	assert.Equal(t, int64(5), r2.Lines())
}

// TestDedupMultipartUDPSenders: on a UDP feed a group dropped as a duplicate
// is one sender's; another sender's group of the same sequence id and
// channel, interleaved with it, neither ends the drop nor is dropped with it.
func TestDedupMultipartUDPSenders(t *testing.T) {
	a := netip.MustParseAddrPort("127.0.0.1:4001")
	b := netip.MustParseAddrPort("127.0.0.1:4002")
	const (
		x1, x2 = "!AIVDM,2,1,3,A,X1,0*00\n", "!AIVDM,2,2,3,A,X2,0*00\n"
		y1, y2 = "!AIVDM,2,1,3,A,Y1,0*00\n", "!AIVDM,2,2,3,A,Y2,0*00\n"
	)
	tests := []struct {
		name  string
		from  []netip.AddrPort
		lines []string
		want  []bool // dropped
	}{
		{"interleaved senders", []netip.AddrPort{a, b, a, b}, []string{x1, y1, x2, y2}, []bool{true, false, true, false}},
		{"other sender's last part first", []netip.AddrPort{a, b, b, a}, []string{x1, y1, y2, x2}, []bool{true, false, false, true}},
		{"one sender", []netip.AddrPort{a, a, a, a}, []string{x1, x2, y1, y2}, []bool{true, true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			d := NewDedup(time.Minute)
			require.False(t, d.Seen([]byte(strings.TrimSpace(x1)), now, "other"), "another feed delivers message X")
			r := Open(t.Context(), Source{Name: "udp", Scheme: "udp"}, Options{Dedup: d})
			var got []bool
			for i, line := range tt.lines {
				r.udpFrom = tt.from[i]
				got = append(got, r.duplicate([]byte(line), now))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzSentence(f *testing.F) {
	f.Add([]byte(`\s:rx1,c:1700000000*5A\!AIVDM,1,1,,B,15M67FC000G?ufbE,0*5C`))
	f.Add([]byte("!AIVDM,2,1,7,A,55P5,0*3E"))
	f.Add([]byte("$PGHP,1,2024,1,1*00 !AIVDM,1,1,,A,1,0*00\n"))
	f.Fuzz(func(t *testing.T, line []byte) {
		if s := Sentence(line); s != nil && (!bytes.Contains(line, s) || (s[0] != '!' && s[0] != '$') || s[len(s)-3] != '*') {
			t.Fatalf("Sentence(%q) = %q", line, s)
		}
		for _, l := range splitLines(nil, line) {
			if len(l) == 0 || bytes.IndexByte(l, '\n') >= 0 {
				t.Fatalf("splitLines kept an empty line or an end: %q", l)
			}
		}
	})
}

func TestSafeOffset(t *testing.T) {
	// Line numbers are 1-based; Safe is checked after each line is read.
	lines := []struct {
		text string
		safe int64
	}{
		{"!AIVDM,1,1,,A,s1,0*00", 1},
		{`\g:1-2-7*00\!AIVDM,2,1,7,A,p1,0*00`, 1}, // a multipart message begins on line 2
		{"!AIVDM,1,1,,B,s2,0*00", 1},              // interleaved: not past line 2
		{"!AIVDM,2,1,8,B,q1,0*00", 1},             // a second group opens
		{"!AIVDM,2,2,7,A,p2,0*00", 3},             // the first closes: the second still pins
		{"!AIVDM,2,2,8,B,q2,0*00", 6},
		{"!AIVDM,3,1,9,A,r1,0*00", 6},
		{"!AIVDM,3,2,9,A,r2,0*00", 6},
		{"!AIVDM,3,3,9,A,r3,0*00", 9},
		{"!AIVDM,2,1,3,A,orphan,0*00", 9}, // its last fragment never comes
	}
	var in strings.Builder
	for _, l := range lines {
		in.WriteString(l.text + "\n")
	}
	for range maxFragmentSpan {
		in.WriteString("!AIVDM,1,1,,A,s,0*00\n")
	}
	r := Open(t.Context(), Source{Name: "-", Scheme: "stdin"}, Options{Stdin: strings.NewReader(in.String())})
	br := bufio.NewReader(r)
	for i, l := range lines {
		_, err := br.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, l.safe, r.Safe(), "after line %d %s", i+1, l.text)
	}
	_, err := io.Copy(io.Discard, br)
	require.NoError(t, err)
	assert.Equal(t, r.Lines(), r.Safe(), "an orphan fragment is forgotten after maxFragmentSpan lines")
}
