package feed

import (
	"bytes"
	"io"
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
	frag := []byte("!AIVDM,2,1,3,A,CCC,0*33\n")
	steps := []struct {
		line  []byte
		at    time.Duration
		dup   bool
		about string
	}{
		{a, 0, false, "first copy"},
		{aOther, 500 * time.Millisecond, true, "same sentence from another receiver"},
		{b, time.Second, false, "another sentence"},
		{frag, time.Second, false, "fragment"},
		{frag, time.Second, false, "fragments are never dropped"},
		{a, 2500 * time.Millisecond, true, "still within the previous window"},
		{b, 7 * time.Second, false, "two windows later, forgotten"},
		{a, 7 * time.Second, false, "forgotten too"},
	}
	d := NewDedup(2 * time.Second)
	for _, s := range steps {
		assert.Equal(t, s.dup, d.Seen(s.line, t0.Add(s.at)), s.about)
	}
}

func TestDedupAcrossFeeds(t *testing.T) {
	d := NewDedup(time.Minute)
	in1 := "!AIVDM,1,1,,A,X1,0*00\n!AIVDM,1,1,,A,X2,0*00\n"
	in2 := "\\s:b*00\\!AIVDM,1,1,,A,X2,0*00\n!AIVDM,1,1,,A,X3,0*00\n"
	r1 := Open(t.Context(), Source{Name: "-", Scheme: "stdin"}, Options{Stdin: strings.NewReader(in1), Dedup: d})
	r2 := Open(t.Context(), Source{Name: "-", Scheme: "stdin"}, Options{Stdin: strings.NewReader(in2), Dedup: d})
	b1, err := io.ReadAll(r1)
	require.NoError(t, err)
	b2, err := io.ReadAll(r2)
	require.NoError(t, err)
	assert.Equal(t, in1, string(b1))
	assert.Equal(t, "!AIVDM,1,1,,A,X3,0*00\n", string(b2))
	assert.Equal(t, int64(1), r2.Duplicates())
	assert.Equal(t, int64(1), r2.Lines(), "dropped lines are not counted as read")
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
