package detect

import "github.com/stswatch/stswatch/geo"

// loiterRun is an open loitering run of one segment: consecutive steps under
// Loiter.MaxSpeedKn (and, when asked, away from ports).
type loiterRun struct {
	Start, Last int64 // first and last slow step, Unix ms
	Samples     []loiterSample
}

// loiterSample is one slow step.
type loiterSample struct{ LatDeg, LonDeg, SOGKn float64 }

// portRecheckM is how far a segment moves before its port test runs again.
const portRecheckM = 1000

// loiterStep extends or closes the segment's loitering run at the current step.
func (d *Detector) loiterStep(p *stepPoint, t int64) {
	slow := p.sogKn < d.cfg.Loiter.MaxSpeedKn
	if p.notVessel || !slow && !p.loitering {
		return // the segment is not visited
	}
	s := p.s
	if slow && !(d.cfg.Loiter.AwayFromPorts && d.nearPort(s, p.latDeg, p.lonDeg)) {
		if s.Loiter == nil {
			s.Loiter = &loiterRun{Start: t}
		}
		s.Loiter.Last = t
		s.Loiter.Samples = append(s.Loiter.Samples, loiterSample{p.latDeg, p.lonDeg, p.sogKn})
		s.Pin = min(s.Pin, s.Loiter.Start-d.p.pad) // the run's evidence
		return
	}
	if s.Loiter != nil {
		d.walkers[0].closeLoiter(p.v, s) // merged after the step's loiter pass
	}
}

// nearPort reports whether a position is within Encounter.PortDistanceM of a port,
// reusing the segment's last answer while it stays within portRecheckM. The
// answer is kept only when it holds for that whole disc (near even
// portRecheckM closer in, far even portRecheckM further out): at the edge
// every step tests again, so the boundary is exact.
func (d *Detector) nearPort(s *segment, latDeg, lonDeg float64) bool {
	if d.env.Ports == nil {
		return false
	}
	c := &s.Port
	if !c.Known || geo.DistanceM(c.LatDeg, c.LonDeg, latDeg, lonDeg) > portRecheckM {
		r := d.cfg.Encounter.PortDistanceM
		near := d.env.Ports.Within(latDeg, lonDeg, r)
		sure := !near && !d.env.Ports.Within(latDeg, lonDeg, r+portRecheckM) ||
			near && r > portRecheckM && d.env.Ports.Within(latDeg, lonDeg, r-portRecheckM)
		*c = portCache{LatDeg: latDeg, LonDeg: lonDeg, Known: sure, Near: near}
	}
	return c.Near
}

// closeLoiter ends the segment's loitering run; one of at least
// Loiter.MinDuration becomes an event once its padding has passed.
func (w *walker) closeLoiter(v *vessel, s *segment) {
	d := w.d
	r := s.Loiter
	s.Loiter = nil
	if r.Last-r.Start < d.p.loiterMin {
		return
	}
	v.Loiters = append(v.Loiters, span{r.Start, r.Last})
	s.Pin = min(s.Pin, r.Start-d.p.pad) // the evidence, until pinRuns holds it for the waiting event
	ss := r.Samples
	lat, lon := centroid(len(ss), func(i int) (float64, float64) { return ss[i].LatDeg, ss[i].LonDeg })
	start := msTime(r.Start)
	ev := Event{
		ID:          eventID(TypeLoitering, []uint32{v.Ident.MMSI}, start, ""),
		Type:        TypeLoitering,
		Status:      StatusClosed,
		Start:       start,
		End:         msTime(r.Last),
		DurationS:   (r.Last - r.Start) / 1000,
		Lat:         lat,
		Lon:         lon,
		Vessels:     []Vessel{v.Ident},
		MedianSOGKn: ptr(median(&w.scratch, len(ss), func(i int) float64 { return ss[i].SOGKn })),
	}
	wait(&w.waiting, ev, r.Last+d.p.pad, false, segKey(v.Ident.MMSI, s.Sub))
}
