package detect

import "slices"

// Gaps ("going dark"): a used segment silent for at least Gap.MinDuration
// while another vessel was at some step within Gap.CoverageRadiusM of where it
// went dark (segment.Covered, answered by the step grid only while the segment
// is dark and not yet covered, so it stays cheap). Judged when the segment's
// next fix arrives, or as still dark on eviction and at the end of input.

// gapEnded judges the gap between a segment's last fix and the fix that ends
// it; the event waits for its padding and for the vessels near its end.
func (w *walker) gapEnded(v *vessel, s *segment, last, next fix, distM float64) {
	if !s.Covered || v.NotVessel {
		return
	}
	ev := w.d.gapEvent(v, s, last, next.T)
	ev.EndLat, ev.EndLon = ptr(next.LatDeg), ptr(next.LonDeg)
	ev.GapDistanceM = ptr(distM)
	ev.ImpliedSOGKn = ptr(distM / (float64(next.T-last.T) / 1000) / mpsPerKn)
	wait(&w.waiting, ev, next.T+w.d.p.pad, true, segKey(v.Ident.MMSI, s.Sub))
}

// gapOpen judges a segment still dark at t (eviction or end of input): an
// event without end fields, emitted at once.
func (w *walker) gapOpen(v *vessel, s *segment, t int64) {
	l := *s.last()
	if t-l.T < w.d.p.gapMin || !s.Covered || v.NotVessel {
		return
	}
	ev := w.d.gapEvent(v, s, l, t)
	w.d.fillTracks(&ev, segKey(v.Ident.MMSI, s.Sub))
	w.out = append(w.out, ev)
}

// gapEvent is the gap from a segment's last fix to end (Unix ms), recorded on the vessel for DarkBefore.
func (d *Detector) gapEvent(v *vessel, s *segment, last fix, end int64) Event {
	v.Gaps = append(v.Gaps, span{last.T, end})
	start := msTime(last.T)
	return Event{
		ID:        eventID(TypeGap, []uint32{v.Ident.MMSI}, start, ""),
		Type:      TypeGap,
		Status:    StatusClosed,
		Start:     start,
		End:       msTime(end),
		DurationS: (end - last.T) / 1000,
		Lat:       last.LatDeg,
		Lon:       last.LonDeg,
		Vessels:   []Vessel{v.Ident},
		NearStart: slices.Clone(s.NearDark),
	}
}
