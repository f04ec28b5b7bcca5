package detect

import (
	"cmp"
	"math"
	"slices"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo"
)

// pairKey is an unordered pair of segments, A < B.
type pairKey struct{ A, B uint64 }

// encRun is an open encounter run of one pair: the steps at which the two
// were within MaxDistanceM and slow.
type encRun struct {
	Start, Last int64 // first and last close step, Unix ms
	Samples     []encSample
	Ongoing     bool // the ongoing record went out
}

// encSample is one close step of a run.
type encSample struct {
	T              int64
	DistM          float64
	SOGAKn, SOGBKn float64
	LatDeg, LonDeg float64 // midpoint of the pair
}

// newSample is the close step of a pair at t, with the midpoint of the two positions.
func newSample(t int64, distM, latA, lonA, sogA, latB, lonB, sogB float64) encSample {
	return encSample{
		T: t, DistM: distM, SOGAKn: sogA, SOGBKn: sogB,
		LatDeg: (latA + latB) / 2, LonDeg: wrapLon(lonA + wrapLon(lonB-lonA)/2),
	}
}

// onPair extends the run of a pair found within MaxDistanceM at the current
// step. Both are slow: locate puts in the grid only vessels under twice
// MaxSpeedKn, so that speed noise does not break a run; the medians over the
// run decide.
func (d *Detector) onPair(a, b int32, distM float64) {
	pa, pb := d.point(a), d.point(b) // both slow vessels (locate)
	if pa.v == pb.v {
		return
	}
	k := pairKey{pa.key, pb.key} // pts are sorted by key and a < b
	r := d.s.Runs[k]
	if r != nil && d.stepT-r.Last > d.p.merge {
		d.closeRun(k, r) // apart longer than MergeGap: closeRuns, after the pairs, would have closed it
		r = nil
	}
	if r == nil {
		r = &encRun{Start: d.stepT}
		d.s.Runs[k] = r
	}
	r.Last = d.stepT
	r.Samples = append(r.Samples, newSample(d.stepT, distM, pa.latDeg, pa.lonDeg, pa.sogKn, pb.latDeg, pb.lonDeg, pb.sogKn))
	if !r.Ongoing && r.Last-r.Start >= d.p.encMin {
		if ev, ok := d.encounterEvent(k, r, StatusOngoing); ok {
			r.Ongoing = true
			d.fillTracks(&ev, k.A, k.B)
			d.collect(ev)
		}
	}
}

// closeRuns closes the runs whose pair has been apart longer than MergeGap
// (every run at the end of input).
func (d *Detector) closeRuns(t int64, all bool) {
	for k, r := range d.s.Runs {
		if !all && t-r.Last <= d.p.merge {
			continue
		}
		d.closeRun(k, r)
	}
}

// closeRun ends a pair's run: one that qualifies, or whose ongoing record
// went out, becomes a closed event once its padding has passed.
func (d *Detector) closeRun(k pairKey, r *encRun) {
	delete(d.s.Runs, k)
	if ev, ok := d.encounterEvent(k, r, StatusClosed); ok || r.Ongoing {
		wait(&d.s.Waiting, ev, r.Last+d.p.pad, false, k.A, k.B)
	}
}

// encounterEvent summarises a run and reports whether it qualifies: long
// enough, both median speeds under MaxSpeedKn, and (with ports) its centroid
// at least PortDistanceM from any port.
func (d *Detector) encounterEvent(k pairKey, r *encRun, status string) (Event, bool) {
	ss := r.Samples
	c := d.cfg.Encounter
	minDist := math.Inf(1)
	for _, s := range ss {
		minDist = min(minDist, s.DistM)
	}
	medDist := median(&d.scratch, len(ss), func(i int) float64 { return ss[i].DistM })
	medA := median(&d.scratch, len(ss), func(i int) float64 { return ss[i].SOGAKn })
	medB := median(&d.scratch, len(ss), func(i int) float64 { return ss[i].SOGBKn })
	medBoth := median(&d.scratch, 2*len(ss), func(i int) float64 {
		if i%2 == 0 {
			return ss[i/2].SOGAKn
		}
		return ss[i/2].SOGBKn
	})
	lat, lon := centroid(len(ss), func(i int) (float64, float64) { return ss[i].LatDeg, ss[i].LonDeg })
	ok := r.Last-r.Start >= d.p.encMin && medA < c.MaxSpeedKn && medB < c.MaxSpeedKn &&
		!(d.env.Ports != nil && d.env.Ports.Within(lat, lon, c.PortDistanceM))
	a, b := d.identity(k.A), d.identity(k.B)
	start := msTime(r.Start)
	return Event{
		ID:              eventID(TypeEncounter, []uint32{a.MMSI, b.MMSI}, start, ""),
		Type:            TypeEncounter,
		Status:          status,
		Start:           start,
		End:             msTime(r.Last),
		DurationS:       (r.Last - r.Start) / 1000,
		Lat:             lat,
		Lon:             lon,
		Vessels:         []Vessel{a, b},
		MinDistanceM:    ptr(minDist),
		MedianDistanceM: ptr(medDist),
		MedianSOGKn:     ptr(medBoth),
	}, ok
}

// identity is the identity of a segment's vessel as known now.
func (d *Detector) identity(key uint64) Vessel {
	mmsi := uint32(key >> 8)
	if v := d.s.Vessels[mmsi]; v != nil {
		return v.Ident
	}
	return Vessel{MMSI: mmsi, Flag: ais.Flag(mmsi)}
}

// median of n values, sorted in the reusable scratch; 0 when n is 0.
func median(scratch *[]float64, n int, at func(i int) float64) float64 {
	s := (*scratch)[:0]
	for i := range n {
		s = append(s, at(i))
	}
	*scratch = s
	if n == 0 {
		return 0
	}
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// centroid is the mean position of n points, correct across the antimeridian
// (longitudes are unwrapped around the first point).
func centroid(n int, at func(i int) (latDeg, lonDeg float64)) (latDeg, lonDeg float64) {
	if n == 0 {
		return 0, 0
	}
	_, lon0 := at(0)
	var sumLat, sumDLon float64
	for i := range n {
		lat, lon := at(i)
		sumLat += lat
		sumDLon += wrapLon(lon - lon0)
	}
	return sumLat / float64(n), wrapLon(lon0 + sumDLon/float64(n))
}

// earlyOngoing sends the ongoing record of an open run as soon as the final
// fixes (those up to horizon, the current step's) of both vessels settle
// that the run passes MinDuration, instead of waiting for the step that
// confirms it: steps lag the data by MaxInterpGap + Lateness (1 h 10 min by
// default), and this brings the alert up to MaxInterpGap earlier. After step
// t it runs the coming steps for each such pair alone, with the positions
// those steps will see, as far as the fixes up to horizon settle them. The
// record is the one the confirming step would send, but for tracks that end
// at horizon. It depends on the input only, as the steps do.
func (d *Detector) earlyOngoing(t, horizon int64) {
	var keys []pairKey
	for k, r := range d.s.Runs {
		if !r.Ongoing && r.Last == t && t-r.Start < d.p.encMin && r.Start+d.p.encMin < horizon {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b pairKey) int { return cmp.Or(cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B)) })
	lim, maxM := 2*d.cfg.Encounter.MaxSpeedKn, d.cfg.Encounter.MaxDistanceM
	for _, k := range keys {
		r := d.s.Runs[k]
		_, sa := d.segment(k.A)
		_, sb := d.segment(k.B)
		if sa == nil || sb == nil {
			continue
		}
		run := encRun{Start: r.Start, Last: r.Last, Samples: slices.Clone(r.Samples)}
		for at := t + d.p.step; at-run.Last <= d.p.merge && run.Last-run.Start < d.p.encMin; at += d.p.step {
			pa, okA := d.settledAt(sa.Fixes, at, horizon)
			pb, okB := d.settledAt(sb.Fixes, at, horizon)
			if !okA || !okB {
				break
			}
			if !pa.ok || !pb.ok || pa.sogKn >= lim || pb.sogKn >= lim {
				continue
			}
			distM := geo.DistanceM(pa.latDeg, pa.lonDeg, pb.latDeg, pb.lonDeg)
			if distM > maxM {
				continue
			}
			run.Last = at
			run.Samples = append(run.Samples, newSample(at, distM, pa.latDeg, pa.lonDeg, pa.sogKn, pb.latDeg, pb.lonDeg, pb.sogKn))
		}
		if run.Last-run.Start < d.p.encMin {
			continue
		}
		if ev, ok := d.encounterEvent(k, &run, StatusOngoing); ok {
			r.Ongoing = true
			d.fillTracks(&ev, k.A, k.B)
			d.collect(ev)
		}
	}
}

// settled is a segment's position at a step as settledAt finds it.
type settled struct {
	latDeg, lonDeg, sogKn float64
	ok                    bool // it has a position (else it is absent at the step)
}

// settledAt is posAt at step t from fixes final up to horizon: false when a
// fix still to come could change the answer (the next fix, or the speed
// filled in on a fix without SOG).
func (d *Detector) settledAt(fixes []fix, t, horizon int64) (settled, bool) {
	i := firstFrom(fixes, t+1)
	if i == 0 || fixes[i-1].SOGKn < 0 {
		return settled{}, false
	}
	if i == len(fixes) && fixes[i-1].T+d.p.interp >= horizon {
		return settled{}, false // the next fix may still come
	}
	if i < len(fixes) && fixes[i].SOGKn < 0 {
		return settled{}, false
	}
	tmp := segment{Fixes: fixes[i-1:]}
	lat, lon, sog, ok := d.posAt(&tmp, t)
	return settled{lat, lon, sog, ok}, true
}
