package detect

import "github.com/stswatch/stswatch/ais"

// The inbox. Push does not touch a vessel's state: with thousands of vessels
// that state is out of the CPU cache, and looking it up per record cost more
// than the rest of Push together. Positions wait in the inbox instead, and are
// added to their vessels in MMSI order (each vessel looked up once) at the
// next step, or when the inbox is full. A vessel's fixes keep their arrival
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
	if len(d.inbox) == 0 {
		return
	}
	keys := d.sortInbox()
	c := &d.s.Counts
	var v *vessel
	for _, k := range keys {
		in := &d.inbox[uint32(k)]
		if v == nil || v.Ident.MMSI != in.MMSI {
			v = d.vessel(in.MMSI)
		}
		if in.Class != ais.ClassUnknown && v.Ident.Class == "" {
			v.Ident.Class = in.Class.String()
		}
		v.add(in.F, c)
	}
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
