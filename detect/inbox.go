package detect

import "github.com/stswatch/stswatch/ais"

// The inbox. Push does not touch a vessel's state: with thousands of vessels
// that state is out of the CPU cache, and looking it up per record cost more
// than the rest of Push together. Positions wait in the inbox instead, and are
// added to their vessels in MMSI order by the next step's walk, which visits
// each vessel anyway, or when the inbox is full. A vessel's fixes keep their arrival
// order, so what add keeps and counts is the same as adding them at once.
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
	inboxMin       = 1 << 16
	inboxPerVessel = 8
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
func (d *Detector) drain() {
	for keys := d.takeInbox(); len(keys) > 0; {
		keys = d.addQueued(d.s.Vessels[uint32(keys[0]>>32)], keys)
	}
	d.resetInbox()
}

// takeInbox sorts the inbox and makes sure every MMSI in it has a vessel,
// without touching the vessels' state: a step's walk adds the positions
// while it visits each vessel anyway (see addQueued).
func (d *Detector) takeInbox() []uint64 {
	if len(d.inbox) == 0 {
		return nil
	}
	keys := d.sortInbox()
	for i, k := range keys {
		if i == 0 || k>>32 != keys[i-1]>>32 {
			d.vessel(uint32(k >> 32))
		}
	}
	return keys
}

// addQueued adds to v the leading positions of the sorted keys that are its
// own and returns the rest.
func (d *Detector) addQueued(v *vessel, keys []uint64) []uint64 {
	mmsi := uint64(v.Ident.MMSI)
	if len(keys) == 0 || keys[0]>>32 != mmsi {
		return keys
	}
	classed := v.Ident.Class != ""
	n := 0
	for ; n < len(keys) && keys[n]>>32 == mmsi; n++ {
		in := &d.inbox[uint32(keys[n])]
		if !classed && in.Class != ais.ClassUnknown {
			v.Ident.Class, classed = in.Class.String(), true
		}
		v.add(in.F, &d.s.Counts)
	}
	return keys[n:]
}

// resetInbox empties the inbox once every position in it has been added.
func (d *Detector) resetInbox() {
	clear(d.inbox)
	d.inbox = d.inbox[:0]
}

// sortInbox returns the inbox's keys (MMSI << 32 | index) sorted: an LSD
// radix sort on the MMSI bytes, stable, so each MMSI's indices stay in
// arrival order. Bytes that every MMSI shares need no pass.
func (d *Detector) sortInbox() []uint64 {
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
	return keys
}
