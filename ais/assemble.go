package ais

import (
	"bytes"
	"time"
)

// The assembler's bounds: at most maxOpenGroups incomplete messages are kept, each
// for at most maxGroupAge sentences; older or excess groups are evicted as orphans.
const (
	maxOpenGroups = 256
	maxGroupAge   = 4096
)

// groupKey identifies the sentences of one multi-sentence message: the source,
// channel, sequence id and fragment count, and the tag block g: group id when
// there is one. The source keeps two receivers that use the same sequence or
// group id apart; the sentence fields keep apart messages of one source under a
// constant group id (Kystverket's feed tags every group 9999).
type groupKey struct {
	source  string
	channel byte
	seqID   int16
	count   uint8
	groupID uint32
	tagged  bool
}

// fragGroup is one incomplete message.
type fragGroup struct {
	key     groupKey
	have    uint16    // bit i set when fragment i+1 is held
	lines   [9][]byte // raw line of each fragment, copied; buffers reused
	payload [9][2]int // payload span in lines[i]
	lineNo  [9]int64  // input line of each fragment
	fill    uint8     // fill bits of the last fragment
	opened  int64     // sentence count when the group was opened
	time    time.Time // time of the first fragment
	hasTime bool
	source  string
	used    bool
	unnamed bool // opened by a tag-block fragment that names no source (s:)
}

// assembler joins multi-sentence messages. It is robust to sentences of other
// messages between the parts, duplicated parts (dropped) and lost parts (evicted
// after maxGroupAge sentences or when more than maxOpenGroups are open).
// It is not safe for concurrent use.
type assembler struct {
	groups [maxOpenGroups]fragGroup
	open   int
	seq    int64
	buf    []byte // the joined payload of the last completed message
	orphan func(lineNo int64, text []byte)
}

// fragment is what the assembler needs of one sentence.
type fragment struct {
	s       *sentence
	line    []byte // the raw line; s.payload is a subslice of it
	lineNo  int64
	source  string // interned source of the sentence
	time    time.Time
	hasTime bool
}

// add takes one fragment of a multi-sentence message. When it completes a message,
// add returns the joined payload (valid until the next call), its fill bits and the
// time, source and first line of the message.
func (a *assembler) add(f fragment) (payload []byte, fill uint8, g *fragGroup, ok bool) {
	a.seq++
	if a.seq%64 == 0 {
		a.evictOld()
	}
	s := f.s
	key := groupKey{source: f.source, channel: s.channel, seqID: s.seqID, count: s.fragCount, groupID: s.group.id, tagged: s.group.ok}
	i := s.fragNum - 1
	unnamed := s.group.ok && s.source == nil
	g = a.find(key, unnamed)
	if g != nil && g.have&(1<<i) != 0 {
		if bytes.Equal(g.part(i), s.payload) {
			return nil, 0, nil, false // a duplicated part
		}
		a.evict(g) // a new message reusing the key of one that lost a part
		g = nil
	}
	if g != nil && !key.tagged && g.have>>(i+1) != 0 && a.seq-g.opened >= int64(s.fragCount) {
		// A later part held since before other fragments came: its message lost
		// this part, and this one is the next message of the key (aishub). A tag
		// block g: id tells messages apart, so its parts may come in any order.
		a.evict(g)
		g = nil
	}
	if g == nil {
		g = a.slot()
		g.key, g.used, g.have, g.opened, g.unnamed = key, true, 0, a.seq, unnamed
		g.time, g.hasTime, g.source = f.time, f.hasTime, f.source
		a.open++
	}
	if i == 0 && (f.hasTime || !g.hasTime) {
		g.time, g.hasTime, g.source = f.time, f.hasTime, f.source
	}
	g.have |= 1 << i
	g.lines[i] = append(g.lines[i][:0], f.line...)
	off := cap(f.line) - cap(s.payload) // the payload is a subslice of the line
	g.payload[i] = [2]int{off, off + len(s.payload)}
	g.lineNo[i] = f.lineNo
	if s.fragNum == s.fragCount {
		g.fill = s.fill
	}
	if g.have != 1<<s.fragCount-1 {
		return nil, 0, nil, false
	}
	a.buf = a.buf[:0]
	for k := uint8(0); k < s.fragCount; k++ {
		a.buf = append(a.buf, g.part(k)...)
	}
	g.used = false
	a.open--
	return a.buf, g.fill, g, true
}

// part returns the payload of fragment i+1.
func (g *fragGroup) part(i uint8) []byte { return g.lines[i][g.payload[i][0]:g.payload[i][1]] }

// find returns the open group of key, nil when there is none.
//
// NMEA 4.10 names the source (s:) in the first sentence of a tag-block group
// only, so a tag-block fragment naming none (unnamed) may join a group of any
// source, and a named one a group opened by unnamed fragments (which then takes
// its source); of several such groups the latest opened wins.
func (a *assembler) find(key groupKey, unnamed bool) *fragGroup {
	if a.open == 0 {
		return nil
	}
	var found *fragGroup
	for i := range a.groups {
		g := &a.groups[i]
		if !g.used {
			continue
		}
		if g.key == key {
			return g
		}
		k := g.key
		k.source = key.source
		if key.tagged && k == key && (unnamed || g.unnamed) && (found == nil || g.opened > found.opened) {
			found = g
		}
	}
	if found != nil && found.unnamed && !unnamed {
		found.key.source, found.unnamed = key.source, false
	}
	return found
}

// slot returns a free group, evicting the oldest when all are open.
func (a *assembler) slot() *fragGroup {
	var oldest *fragGroup
	for i := range a.groups {
		g := &a.groups[i]
		if !g.used {
			return g
		}
		if oldest == nil || g.opened < oldest.opened {
			oldest = g
		}
	}
	a.evict(oldest)
	return oldest
}

// evictOld evicts the groups opened more than maxGroupAge sentences ago.
func (a *assembler) evictOld() {
	if a.open == 0 {
		return
	}
	for i := range a.groups {
		if g := &a.groups[i]; g.used && a.seq-g.opened > maxGroupAge {
			a.evict(g)
		}
	}
}

// flush evicts every open group, at the end of input.
func (a *assembler) flush() {
	for i := range a.groups {
		if g := &a.groups[i]; g.used {
			a.evict(g)
		}
	}
}

// evict drops an incomplete group, reporting each fragment it held as an orphan,
// in input order.
func (a *assembler) evict(g *fragGroup) {
	var idx [9]int
	n := 0
	for i := range g.lines {
		if g.have&(1<<i) != 0 {
			j := n
			for j > 0 && g.lineNo[idx[j-1]] > g.lineNo[i] {
				idx[j] = idx[j-1]
				j--
			}
			idx[j] = i
			n++
		}
	}
	for _, i := range idx[:n] {
		if a.orphan != nil {
			a.orphan(g.lineNo[i], g.lines[i])
		}
	}
	g.used, g.have = false, 0
	a.open--
}
