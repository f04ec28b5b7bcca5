package detect

import "github.com/stswatch/stswatch/ais"

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
	for i, w := range ws {
		w.queued = q
		if i < n-1 {
			k := len(q) / (n - i)
			for k < len(q) && k > 0 && q[k].MMSI == q[k-1].MMSI {
				k++
			}
			w.queued, q = q[:k], q[k:]
		}
	}
	d.each(ws, func(w *walker) {
		for q := w.queued; len(q) > 0; {
			q = w.addQueued(d.s.Vessels[q[0].MMSI], q)
		}
		w.queued = nil
	})
	for _, w := range ws {
		d.mergeFound(w)
	}
	d.resetInbox()
}

// takeInbox returns the inbox sorted by MMSI (stable) and makes sure every
// MMSI in it has a vessel, without touching the vessels' state: a step's
// walk adds the positions while it visits each vessel anyway (see addQueued).
func (d *Detector) takeInbox() []inboxFix {
	if len(d.inbox) == 0 {
		return nil
	}
	q := d.sortInbox()
	for i := range q {
		if i == 0 || q[i].MMSI != q[i-1].MMSI {
			d.vessel(q[i].MMSI)
		}
	}
	return q
}

// addQueued adds to v the leading positions of the sorted queue that are its
// own and returns the rest.
func (w *walker) addQueued(v *vessel, q []inboxFix) []inboxFix {
	if len(q) == 0 || q[0].MMSI != v.Ident.MMSI {
		return q
	}
	classed := v.Ident.Class != ""
	n := 0
	for ; n < len(q) && q[n].MMSI == q[0].MMSI; n++ {
		if !classed && q[n].Class != ais.ClassUnknown {
			v.Ident.Class, classed = q[n].Class.String(), true
		}
		v.add(q[n].F, &w.counts)
	}
	return q[n:]
}

// resetInbox empties the inbox once every position in it has been added.
func (d *Detector) resetInbox() {
	clear(d.inbox)
	d.inbox = d.inbox[:0]
}

// sortInbox returns the inbox's positions sorted by MMSI, stable: an LSD
// radix sort of keys (MMSI << 32 | index) on the MMSI bytes (bytes that every
// MMSI shares need no pass), then one gather, so the walk reads the
// positions in sequence rather than jumping around the inbox.
func (d *Detector) sortInbox() []inboxFix {
	n := len(d.inbox)
	keys, tmp := d.inboxKeys[:0], d.inboxTmp[:0]
	var and, or uint32 = ^uint32(0), 0
	for i := range d.inbox {
		m := d.inbox[i].MMSI
		and, or = and&m, or|m
		keys = append(keys, uint64(m)<<32|uint64(i))
	}
	tmp = append(tmp, keys...)
	for shift := uint(32); shift < 64; shift += 8 {
		if (and^or)>>(shift-32)&0xff == 0 {
			continue
		}
		var count [257]int
		for _, k := range keys {
			count[k>>shift&0xff+1]++
		}
		for b := 1; b < 257; b++ {
			count[b] += count[b-1]
		}
		for _, k := range keys {
			b := k >> shift & 0xff
			tmp[count[b]] = k
			count[b]++
		}
		keys, tmp = tmp[:n], keys[:n]
	}
	d.inboxKeys, d.inboxTmp = keys, tmp
	sorted := d.inboxSorted[:0]
	for _, k := range keys {
		sorted = append(sorted, d.inbox[uint32(k)])
	}
	d.inboxSorted = sorted
	return sorted
}
