package detect

import (
	"slices"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo/radix"
)

// The inbox. Push does not touch a vessel's state: with thousands of vessels
// that state is out of the CPU cache, and looking it up per record cost more
// than the rest of Push together. Positions wait in the inbox instead, and are
// added to their vessels in MMSI order by the next step's walk, which visits
// each vessel anyway, or when the inbox is full. A vessel's fixes keep their
// arrival order, so what add keeps and counts is the same as adding them at once.
// Hand-written because it is the hot path: measured in BenchmarkScan.

// inboxFix is a position accepted by Push, not yet added to its vessel.
type inboxFix struct {
	MMSI  uint32
	Class ais.Class
	F     fix
}

// inboxMin is the least number of positions the inbox holds before it is
// drained early; it also holds up to inboxPerVessel per known vessel, so
// memory stays proportional to the vessels.
const (
	inboxMin       = 1 << 14
	inboxPerVessel = 4
)

// queue puts a position into the inbox, draining it when full.
func (d *Detector) queue(mmsi uint32, class ais.Class, f fix) {
	d.inbox = append(d.inbox, inboxFix{MMSI: mmsi, Class: class, F: f})
	if len(d.inbox) >= max(inboxMin, inboxPerVessel*len(d.s.Vessels)) {
		d.drain()
	}
}

// drain adds the waiting positions to their vessels, grouped by MMSI, each
// vessel's in arrival order.
// It is shared out as a step's walk is, each share a contiguous run of MMSIs.
func (d *Detector) drain() {
	q := d.takeInbox()
	n := min(sharesPerWorker*d.workers, max(1, len(q)/(inboxPerVessel*d.walkMin)))
	ws := d.shares(n)
	lo := 0
	for i, w := range ws {
		hi := shareEnd(i, n, lo, len(q), func(j int) bool { return q[j].Key == q[j-1].Key })
		w.queued, lo = q[lo:hi], hi
	}
	d.each(ws, func(w *walker) {
		for q := w.queued; len(q) > 0; {
			q = w.addQueued(d.s.Vessels[uint32(q[0].Key)], uint32(q[0].Key), q)
		}
		w.queued = nil
	})
	for _, w := range ws {
		d.mergeFound(w)
	}
	d.resetInbox()
}

// takeInbox returns the inbox's order by MMSI (stable; see sortInbox) and
// makes sure every MMSI in it has a vessel, without touching the vessels'
// state: a step's walk adds the positions while it visits each vessel anyway
// (see addQueued).
func (d *Detector) takeInbox() []radix.Key {
	if len(d.inbox) == 0 {
		return nil
	}
	q := d.sortInbox()
	for i := range q {
		if i == 0 || q[i].Key != q[i-1].Key {
			d.vessel(uint32(q[i].Key))
		}
	}
	return q
}

// addQueued adds to v, of MMSI mmsi, the leading positions of the sorted
// queue that are its own and returns the rest.
func (w *walker) addQueued(v *vessel, mmsi uint32, q []radix.Key) []radix.Key {
	if len(q) == 0 || uint32(q[0].Key) != mmsi {
		return q
	}
	classed := v.Ident.Class != ""
	n := 0
	for ; n < len(q) && uint32(q[n].Key) == mmsi; n++ {
		p := &w.d.inbox[q[n].Idx]
		if !classed && p.Class != ais.ClassUnknown {
			v.Ident.Class, classed = p.Class.String(), true
		}
		v.add(p.F, &w.counts)
	}
	return q[n:]
}

// resetInbox empties the inbox once every position in it has been added.
func (d *Detector) resetInbox() {
	clear(d.inbox)
	d.inbox = d.inbox[:0]
}

// sortInbox returns the inbox's order by MMSI, stable (see package radix):
// its MMSIs with their indexes in the inbox. The positions stay where they
// are: the walk reads each from the inbox as it visits its vessel, on the
// walkers' goroutines, instead of the step's goroutine gathering them in that
// order first (that gather was a third of the inbox sort's cache misses at
// 10 k vessels, cachegrind).
func (d *Detector) sortInbox() []radix.Key {
	n := len(d.inbox)
	d.inboxKeys = slices.Grow(d.inboxKeys[:0], n)[:n]
	d.inboxTmp = slices.Grow(d.inboxTmp[:0], n)[:n]
	for i := range d.inbox {
		d.inboxKeys[i] = radix.Key{Key: uint64(d.inbox[i].MMSI), Idx: int32(i)}
	}
	return radix.Sort(d.inboxKeys, d.inboxTmp)
}
