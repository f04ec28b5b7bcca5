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
// Multipart fragments pass through: dropping one feed's copy of a fragment
// could orphan the other fragments of that feed; the detector drops the
// duplicate records they decode to (same MMSI, time and position).
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

// Seen reports whether line's sentence arrived from a feed other than feed
// within the window before now, and remembers it.
func (d *Dedup) Seen(line []byte, now time.Time, feed string) bool {
	body := Sentence(line)
	if body == nil {
		return false
	}
	h := maphash.Bytes(d.seed, body)
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
	s = s[:star+3]
	// !AIVDM,<count>,<number>,...: only count "1" is a whole message.
	c := bytes.IndexByte(s, ',')
	if c < 0 || c+2 >= len(s) || s[c+1] != '1' || s[c+2] != ',' {
		return nil
	}
	return s
}
