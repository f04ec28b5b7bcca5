package ais

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A real two-part type 5 (pyais/mixed.txt): MMSI 351759000, name "EVER DIADEM".
const (
	part1 = "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"
	part2 = "!AIVDM,2,2,1,A,88888888880,2*25"
)

// frag builds a fragment sentence with its checksum.
func frag(n, count, seq int, ch, payload string, fill int) string {
	return withChecksum("!", fmt.Sprintf("AIVDM,%d,%d,%d,%s,%s,%d", count, n, seq, ch, payload, fill))
}

func TestAssembler(t *testing.T) {
	p1 := "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8"
	tests := []struct {
		name    string
		lines   []string
		statics int
		orphans int64
	}{
		{name: "in order", lines: []string{part1, part2}, statics: 1},
		{name: "other sentences between", lines: []string{part1, pos1, pos1, part2}, statics: 1},
		{name: "parts reversed", lines: []string{part2, part1}, statics: 1},
		{name: "duplicated first part", lines: []string{part1, part1, part2}, statics: 1},
		{name: "duplicated second part after completion", lines: []string{part1, part2, part2}, statics: 1, orphans: 1},
		{name: "lost second part", lines: []string{part1, pos1}, orphans: 1},
		{name: "lost first part", lines: []string{part2, pos1}, orphans: 1},
		{name: "same key, new message after a lost part", lines: []string{frag(1, 2, 1, "A", p1[:40], 0), part1, part2}, statics: 1, orphans: 1},
		{name: "other channel does not mix", lines: []string{part1, frag(2, 2, 1, "B", "88888888880", 2)}, orphans: 2},
		{name: "other source does not mix", lines: []string{part1 + ",r1,1325394060", part2 + ",r2,1325394060"}, orphans: 2},
		{name: "same source by trailer", lines: []string{part1 + ",r1,1325394060", pos1 + ",r2,1", part2 + ",r1,1325394061"}, statics: 1},
		{name: "tag block group across sources", lines: []string{tag("g:1-2-27300,s:b003669710,c:1428621738") + part1, tag("g:2-2-27300,n:636995") + part2}, statics: 1},
		{name: "tag block groups of two sources, one id", lines: []string{tag("g:1-2-5,s:r1") + part1, tag("g:1-2-5,s:r2") + part1, tag("g:2-2-5,s:r1") + part2, tag("g:2-2-5,s:r2") + part2}, statics: 2},
		{name: "tag block groups of two sources, later parts unnamed", lines: []string{tag("g:1-2-5,s:r1") + part1, tag("g:1-2-5,s:r2") + frag(1, 2, 1, "B", p1, 0), tag("g:2-2-5") + part2, tag("g:2-2-5") + frag(2, 2, 1, "B", "88888888880", 2)}, statics: 2},
		{name: "tag block group, unnamed part first", lines: []string{tag("g:2-2-27300,n:636995") + part2, tag("g:1-2-27300,s:b003669710,c:1428621738") + part1}, statics: 1},
		{name: "constant group id, interleaved messages", lines: []string{tag("g:1-2-9999") + part1, tag("g:1-2-9999") + frag(1, 2, 2, "B", p1, 0), tag("g:2-2-9999") + part2, tag("g:2-2-9999") + frag(2, 2, 2, "B", "88888888880", 2)}, statics: 2},
		{name: "three parts", lines: []string{frag(1, 3, 4, "A", p1[:20], 0), frag(3, 3, 4, "A", "88888888880", 2), frag(2, 3, 4, "A", p1[20:], 0)}, statics: 1},
		// aishub: a second part whose first was lost waits under its key; the next
		// message of that key, parts in order after other messages' fragments, is not joined to it.
		{name: "stale later part, next message of its key", lines: []string{frag(2, 2, 1, "A", "1111", 2), frag(1, 2, 2, "B", p1, 0), frag(2, 2, 2, "B", "88888888880", 2), part1, part2}, statics: 2, orphans: 1},
		{name: "tag block group, parts reversed around another message", lines: []string{tag("g:2-2-1605") + part2, tag("g:1-2-1604") + frag(1, 2, 2, "B", p1, 0), tag("g:2-2-1604") + frag(2, 2, 2, "B", "88888888880", 2), tag("g:1-2-1605") + part1}, statics: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, workers := range []int{1, 2} {
				var rej Rejects
				recs := readString(t, strings.Join(tc.lines, "\n"), Options{Rejects: &rej, Workers: workers})
				statics := 0
				for _, r := range recs {
					if r.Kind == KindStatic {
						statics++
						assert.Equal(t, uint32(351759000), r.MMSI)
						assert.Equal(t, "EVER DIADEM", r.Static.Name)
						assert.Equal(t, "3FOF8", r.Static.Callsign)
						assert.Equal(t, "NEW YORK", r.Static.Destination)
						assert.Equal(t, uint32(9134270), r.Static.IMO)
					}
				}
				assert.Equal(t, tc.statics, statics)
				assert.Equal(t, tc.orphans, rej.Counts()[OrphanFragment])
			}
		})
	}
}

// TestAssemblerTimeAndSource: a message takes the time and source of its first
// part, whichever order the parts come in.
func TestAssemblerTimeAndSource(t *testing.T) {
	first := tag("g:1-2-27300,s:b003669710,c:1428621738") + part1
	second := tag("g:2-2-27300,c:1428621739") + part2
	for _, lines := range [][]string{{first, second}, {second, first}} {
		recs := readString(t, strings.Join(lines, "\n"), Options{})
		require.Len(t, recs, 1)
		assert.Equal(t, "b003669710", recs[0].Source)
		assert.Equal(t, int64(1428621738), recs[0].Time.Unix())
	}
}

// TestAssemblerBounded: open groups are evicted by count and by age, so memory stays bounded.
func TestAssemblerBounded(t *testing.T) {
	var orphans int64
	a := assembler{orphan: func(int64, []byte) { orphans++ }}
	var s sentence
	for i := range 10 * maxOpenGroups {
		line := []byte(frag(1, 2, i%10, "A", "55?MbV02", 0) + fmt.Sprintf(",r%d", i))
		k, r := frameLine(line, &s)
		require.Equal(t, lineSentence, k)
		require.Empty(t, r)
		_, _, _, ok := a.add(fragment{s: &s, line: line, lineNo: int64(i), source: fmt.Sprint(i)})
		require.False(t, ok)
		require.LessOrEqual(t, a.open, maxOpenGroups)
	}
	assert.Equal(t, int64(9*maxOpenGroups), orphans)
	a.flush()
	assert.Zero(t, a.open)
	assert.Equal(t, int64(10*maxOpenGroups), orphans)

	// An incomplete group is evicted after maxGroupAge fragments of other, complete messages.
	orphans = 0
	add := func(line string) bool {
		var s sentence
		_, _ = frameLine([]byte(line), &s)
		_, _, _, ok := a.add(fragment{s: &s, line: []byte(line), source: "x"})
		return ok
	}
	require.False(t, add(frag(1, 2, 5, "B", "55?MbV02", 0)))
	for range maxGroupAge / 2 {
		require.False(t, add(frag(1, 2, 1, "A", "55?MbV02", 0)))
		require.True(t, add(frag(2, 2, 1, "A", "88", 2)))
	}
	assert.Zero(t, orphans)
	for range 64 {
		require.False(t, add(frag(1, 2, 1, "A", "55?MbV02", 0)))
		require.True(t, add(frag(2, 2, 1, "A", "88", 2)))
	}
	assert.Equal(t, int64(1), orphans)
	assert.Zero(t, a.open)
}

// FuzzAssembler feeds fragments in any order: no panic, bounded state, and a
// completed message is always the concatenation of parts it was given.
func FuzzAssembler(f *testing.F) {
	f.Add([]byte{1, 2, 1, 0, 2, 2, 1, 0}, "55?MbV02;H;s<HtKR20EHE", "88888888880")
	f.Add([]byte{2, 2, 3, 1, 1, 2, 3, 1, 1, 2, 3, 1}, "5", "8")
	f.Add([]byte{1, 3, 0, 0, 3, 3, 0, 0, 2, 3, 0, 0, 1, 1, 0, 0}, "abc", "def")
	f.Fuzz(func(t *testing.T, ops []byte, pa, pb string) {
		if len(pa) == 0 || len(pb) == 0 || strings.ContainsAny(pa+pb, ",*\n") {
			return
		}
		var a assembler
		for i := 0; i+3 < len(ops); i += 4 {
			count := ops[i+1]%3 + 1
			num := ops[i]%count + 1
			payload := pa
			if ops[i+3]%2 == 1 {
				payload = pb
			}
			line := []byte(fmt.Sprintf("!AIVDM,%d,%d,%d,A,%s,0", count, num, ops[i+2]%3, payload))
			s := sentence{fragCount: count, fragNum: num, seqID: int16(ops[i+2] % 3), channel: 'A'}
			start := strings.LastIndex(string(line), payload+",0")
			s.payload = line[start : start+len(payload)]
			joined, _, _, ok := a.add(fragment{s: &s, line: line, lineNo: int64(i), source: "src"})
			if ok {
				if len(joined) < int(count) || len(joined) > int(count)*max(len(pa), len(pb)) {
					t.Fatalf("joined %q from %d parts of %q/%q", joined, count, pa, pb)
				}
				if !strings.HasSuffix(string(joined), payload) && num == count {
					t.Fatalf("last part %q not at the end of %q", payload, joined)
				}
			}
			if a.open < 0 || a.open > maxOpenGroups {
				t.Fatalf("open groups %d", a.open)
			}
		}
		a.flush()
		if a.open != 0 {
			t.Fatalf("open after flush: %d", a.open)
		}
	})
}

// TestAssemblerAcrossChunks: a message whose parts fall in two chunks of the
// parallel reader still assembles, with the same records as one worker.
func TestAssemblerAcrossChunks(t *testing.T) {
	var b strings.Builder
	for b.Len()+len(pos1)+1 <= chunkBytes-len(part1)-1 {
		b.WriteString(pos1 + "\n")
	}
	if pad := chunkBytes - len(part1) - 1 - b.Len(); pad > 0 {
		b.WriteString(strings.Repeat(" ", pad-1) + "\n") // a blank line to pad
	}
	b.WriteString(part1 + "\n")
	require.Equal(t, chunkBytes, b.Len(), "part 1 ends the first chunk")
	b.WriteString(part2 + "\n" + pos1 + "\n")
	one := readString(t, b.String(), Options{})
	many := readString(t, b.String(), Options{Workers: 2})
	require.Equal(t, one, many)
	last := many[len(many)-2]
	assert.Equal(t, KindStatic, last.Kind)
	assert.Equal(t, "EVER DIADEM", last.Static.Name)
}
