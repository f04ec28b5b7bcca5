package detect

// waitingEvent is a closed event held until EvidencePadding has passed after
// it, so its evidence tracks cover both sides.
type waitingEvent struct {
	Ev      Event
	Segs    []uint64 // segments whose fixes become the event's tracks
	Due     int64    // emit at the first step at or after this (Unix ms)
	NearEnd bool     // Ev.NearEnd is still to be found at the first step at or after Ev.End
}

// wait adds an event to the list of those held until due.
func wait(list *[]*waitingEvent, ev Event, due int64, nearEnd bool, segs ...uint64) {
	*list = append(*list, &waitingEvent{Ev: ev, Segs: segs, Due: due, NearEnd: nearEnd})
}

// release queues the waiting events that are due at step t (all of them at the end of input).
func (d *Detector) release(t int64, all bool) {
	keep := d.s.Waiting[:0]
	for _, w := range d.s.Waiting {
		if w.NearEnd && (all || t >= w.Ev.End.UnixMilli()) {
			w.Ev.NearEnd = d.near(&d.nearBuf, *w.Ev.EndLat, *w.Ev.EndLon, w.Ev.Vessels[0].MMSI)
			w.NearEnd = false
		}
		if all || t >= w.Due {
			d.fillTracks(&w.Ev, w.Segs...)
			d.collect(w.Ev)
			continue
		}
		keep = append(keep, w)
	}
	clear(d.s.Waiting[len(keep):])
	d.s.Waiting = keep
}

// pinRuns keeps the history that open runs and waiting events will need as evidence.
func (d *Detector) pinRuns() {
	pin := func(key uint64, fromMs int64) {
		if _, s := d.segment(key); s != nil {
			s.Pin = min(s.Pin, fromMs-d.p.pad)
		}
	}
	for k, r := range d.s.Runs {
		pin(k.A, r.Start)
		pin(k.B, r.Start)
	}
	for _, w := range d.s.Waiting {
		for _, k := range w.Segs {
			pin(k, w.Ev.Start.UnixMilli())
		}
	}
}

// fillTracks attaches the segments' fixes over the event plus EvidencePadding either side.
func (d *Detector) fillTracks(ev *Event, segs ...uint64) {
	from, to := ev.Start.UnixMilli()-d.p.pad, ev.End.UnixMilli()+d.p.pad
	ev.Tracks = nil
	for _, k := range segs {
		if _, s := d.segment(k); s != nil {
			if pts := s.points(from, to); len(pts) > 0 {
				ev.Tracks = append(ev.Tracks, Track{MMSI: uint32(k >> 8), Points: pts})
			}
		}
	}
}

// ptr returns a pointer to a copy of x, for the optional event fields.
func ptr(x float64) *float64 { return &x }
