package feed

import (
	"bytes"
	"hash/maphash"
	"sync"
	"time"
)

// Dedup drops a sentence already delivered by another feed within a window of
// arrival time. It keys on the sentence itself (from '!' or '$' to the
// checksum), not on the tag block or trailers, which differ between receivers.
// A repeat on the same feed passes: a moored ship can send the same bytes
// again minutes later, which a fast replay would squeeze into the window, and
// same-feed duplicates are the detector's to judge in event time.
// A multipart message is judged on its first fragment (see Reader).
// Memory is bounded by the sentences of two windows. Safe for concurrent use.
type Dedup struct {
	window time.Duration
	seed   maphash.Seed

	mu        sync.Mutex
	cur, prev map[uint64]string // sentence hash -> feed that delivered it
	rotated   time.Time
}

// NewDedup returns a Dedup remembering sentences for at least window.
func NewDedup(window time.Duration) *Dedup {
	return &Dedup{window: window, seed: maphash.MakeSeed(), cur: map[uint64]string{}, prev: map[uint64]string{}}
}

// Seen reports whether sentence arrived from a feed other than feed within
// the window before now, and remembers it.
func (d *Dedup) Seen(sentence []byte, now time.Time, feed string) bool {
	h := maphash.Bytes(d.seed, sentence)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.rotated.IsZero() {
		d.rotated = now
	}
	if now.Sub(d.rotated) >= d.window {
		d.prev, d.cur = d.cur, d.prev
		clear(d.cur)
		if now.Sub(d.rotated) >= 2*d.window {
			clear(d.prev)
		}
		d.rotated = now
	}
	if from, ok := d.cur[h]; ok {
		return from != feed
	}
	if from, ok := d.prev[h]; ok && from != feed {
		return true
	}
	d.cur[h] = feed
	return false
}

// Sentence returns the single-fragment AIS sentence (VDM or VDO) in line, from
// its '!' or '$' through the two checksum digits, or nil when there is none
// (or it is a fragment of a multipart message).
func Sentence(line []byte) []byte {
	s := vdm(line)
	// !AIVDM,<count>,<number>,...: only count "1" is a whole message.
	c := bytes.IndexByte(s, ',')
	if c < 0 || c+2 >= len(s) || s[c+1] != '1' || s[c+2] != ',' {
		return nil
	}
	return s
}

// vdm returns the VDM or VDO sentence in line, from its '!' (or '$') through
// the two checksum digits, or nil.
func vdm(line []byte) []byte {
	start := bytes.IndexByte(line, '!')
	if start < 0 {
		start = bytes.IndexByte(line, '$')
	}
	if start < 0 || len(line) < start+7 {
		return nil
	}
	s := line[start:]
	if kind := s[3:6]; !bytes.Equal(kind, []byte("VDM")) && !bytes.Equal(kind, []byte("VDO")) {
		return nil
	}
	star := bytes.IndexByte(s, '*')
	if star < 0 || star+3 > len(s) {
		return nil
	}
	return s[:star+3]
}

// fragmentInfo is what identifies a fragment of a multipart message.
type fragmentInfo struct {
	sentence   []byte // from '!' through the checksum
	count, num byte   // '2', '1' in !AIVDM,2,1,...
	key        uint32 // fragment count, sequential message id and channel
}

// parseFragment reads a fragment of a multipart VDM/VDO message
// (!AIVDM,<count>,<number>,<seq id>,<channel>,...*hh); false for anything
// else, a whole message included.
func parseFragment(line []byte) (fragmentInfo, bool) {
	// Most lines are whole messages: look at the fragment count first.
	if i := bytes.IndexByte(line, '!'); i < 0 || i+7 >= len(line) || line[i+7] < '2' || line[i+7] > '9' {
		return fragmentInfo{}, false
	}
	f := fragmentInfo{sentence: vdm(line)}
	rest := f.sentence
	var fld [5][]byte
	for i := range fld {
		c := bytes.IndexByte(rest, ',')
		if c < 0 {
			return fragmentInfo{}, false
		}
		fld[i], rest = rest[:c], rest[c+1:]
	}
	if len(fld[1]) != 1 || len(fld[2]) != 1 || len(fld[3]) > 1 || len(fld[4]) > 1 || fld[1][0] <= '1' || fld[1][0] > '9' {
		return fragmentInfo{}, false
	}
	f.count, f.num = fld[1][0], fld[2][0]
	f.key = uint32(f.count)<<16 | uint32(byteOr0(fld[3]))<<8 | uint32(byteOr0(fld[4]))
	return f, true
}

func byteOr0(b []byte) byte {
	if len(b) == 0 {
		return 0
	}
	return b[0]
}
