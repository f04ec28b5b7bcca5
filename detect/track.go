package detect

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo"
)

// Track building. Positions wait per vessel in a small sorted buffer until the
// watermark has passed them; then, in time order, each joins the sub-track
// (segment) it is consistent with — as GFW's segmenter does — so a single
// far-off fix stays a one-fix segment that is never used, and two ships on one
// MMSI become two segments instead of a zig-zag.
const (
	bucketMs    = 30_000 // at most one fix per MMSI per 30 s bucket (the earliest): bounds memory for 2 s reporters; 30 s at 2 kn is 31 m
	minSegFixes = 3      // a segment is used by the detectors once it has this many fixes
	maxSegments = 4      // segments per MMSI
	maxSegFixes = 4096   // fixes kept per segment at most (34 h at one per 30 s); the oldest quarter goes first
	speedSlackM = 100.0  // GPS noise allowed on top of MaxImpliedSpeedKn over short intervals
	mpsPerKn    = 1852.0 / 3600
)

// fix is one cleaned position: time in Unix milliseconds, degrees, knots; a
// negative SOG or COG is unknown (SOG is filled from the implied speed).
type fix struct {
	T      int64
	LatDeg float64
	LonDeg float64
	SOGKn  float32
	COGDeg float32
}

// less orders fixes by time, then position, so ties resolve the same in any input order.
func (f fix) less(g fix) bool {
	if f.T != g.T {
		return f.T < g.T
	}
	if f.LatDeg != g.LatDeg {
		return f.LatDeg < g.LatDeg
	}
	return f.LonDeg < g.LonDeg
}

// span is a closed time interval in Unix milliseconds.
type span struct{ Start, End int64 }

// vessel is the state of one MMSI. Fields are exported for encoding/gob.
type vessel struct {
	Ident      Vessel
	HasStatic  bool          // static data seen (final)
	LastStatic [2]ais.Record // the last final static record that was new, per type 24 part (see partIndex)
	Observed   bool          // the identity checks have seen a position of it
	NotVessel  bool          // an MMSI of a station, aid to navigation, aircraft or beacon (see notVessel)
	Pending    []fix         // accepted, not yet final (at or after the watermark), sorted
	Statics    []ais.Record  // static records not yet final, sorted by compareRecords, repeats dropped
	LastFinal  int64         // time of the newest final fix, 0 before the first
	LastHeard  int64         // newest final record time of any kind
	Segs       []*segment
	NextSub    uint8
	Shared     bool   // "mmsi-shared" reported
	Gaps       []span // recent gaps with coverage, for Evidence.DarkBefore
	Loiters    []span // recent loitering, for Evidence.LoiterBefore
}

// segment is one consistent track of an MMSI (a sub-track when the MMSI is shared).
type segment struct {
	Sub      uint8
	Fixes    []fix // sorted by time, never empty
	Cur      int   // index of the first fix after the last step time
	N        int   // fixes ever assigned
	Present  bool  // had a position at the last step
	Covered  bool  // since its last fix, another vessel was at a step within Gap.CoverageRadiusM
	NearDark []uint32
	Loiter   *loiterRun
	Pin      int64 // fixes before this are not needed any more
	Port     portCache
	here     bool // has a position at the current step (not checkpointed: set and cleared within a step)
}

// portCache remembers the last port test of a segment: slow vessels barely
// move, so Ports.Within runs again only after 1 km.
type portCache struct {
	LatDeg, LonDeg float64
	Known, Near    bool
}

// notVessel reports whether an MMSI belongs to something other than a ship:
// coast stations, group calls, aids to navigation, SAR aircraft, craft
// associated with a parent ship, SART, MOB and EPIRB beacons. They count as
// coverage for gaps but take no part in encounters, loitering or gaps
// themselves. Invalid MMSIs stay in: ships that hide use them.
func notVessel(mmsi uint32) bool {
	switch ais.KindOf(mmsi) {
	case ais.MMSIShip, ais.MMSIInvalid:
		return false
	}
	return true
}

// segKey identifies a segment: MMSI and sub-track.
func segKey(mmsi uint32, sub uint8) uint64 { return uint64(mmsi)<<8 | uint64(sub) }

// last is the newest fix of the segment.
func (s *segment) last() *fix { return &s.Fixes[len(s.Fixes)-1] }

// usable reports whether the detectors use the segment.
func (s *segment) usable() bool { return s.N >= minSegFixes }

// add inserts an accepted fix into the pending buffer: at most one fix per
// 30 s bucket, the earliest, so the kept set does not depend on input order.
// It allocates only when the buffer grows.
func (v *vessel) add(f fix, c *counters) {
	b := f.T / bucketMs
	if v.LastFinal > 0 && v.LastFinal/bucketMs == b { // an earlier fix of this bucket is final
		c.Thinned++
		return
	}
	p := v.Pending
	i := len(p)
	for i > 0 && f.less(p[i-1]) {
		i--
	}
	if i > 0 && p[i-1].T/bucketMs == b {
		if p[i-1].T == f.T && p[i-1].LatDeg == f.LatDeg && p[i-1].LonDeg == f.LonDeg {
			c.Duplicates++
		} else {
			c.Thinned++
		}
		return
	}
	if i < len(p) && p[i].T/bucketMs == b {
		p[i] = f
		c.Thinned++
		return
	}
	p = append(p, fix{})
	copy(p[i+1:], p[i:])
	p[i] = f
	v.Pending = p
}

// addStatic queues a static record until it is final. Vessels repeat the same
// static data every few minutes; a repeat is dropped (the earliest is kept),
// so the queue holds only changes.
func (v *vessel) addStatic(r ais.Record) {
	for i := range v.Statics {
		if sameStatic(&v.Statics[i], &r) {
			if r.Time.Before(v.Statics[i].Time) {
				v.Statics[i].Time = r.Time
				slices.SortFunc(v.Statics, compareRecords)
			}
			return
		}
	}
	i, _ := slices.BinarySearchFunc(v.Statics, r, compareRecords)
	v.Statics = slices.Insert(v.Statics, i, r)
}

// sameStatic reports whether two static records carry the same identity data.
func sameStatic(a, b *ais.Record) bool {
	return a.Type == b.Type && a.Class == b.Class && a.Has == b.Has && a.Static == b.Static
}

// finalize moves the pending fixes up to horizon into segments, in time
// order, and returns the newest one moved.
func (d *Detector) finalize(v *vessel, horizon int64) (fix, bool) {
	n := 0
	for n < len(v.Pending) && v.Pending[n].T <= horizon {
		d.assign(v, v.Pending[n])
		n++
	}
	if n == 0 {
		return fix{}, false
	}
	f := v.Pending[n-1]
	v.LastFinal = f.T
	v.LastHeard = max(v.LastHeard, f.T)
	v.Pending = v.Pending[:copy(v.Pending, v.Pending[n:])]
	return f, true
}

// assign puts a final fix on the nearest segment it is consistent with
// (implied speed within MaxImpliedSpeedKn), or starts a new segment.
func (d *Detector) assign(v *vessel, f fix) {
	maxMps := d.cfg.Track.MaxImpliedSpeedKn * mpsPerKn
	best, bestD := -1, math.Inf(1)
	for i, s := range v.Segs {
		l := s.last()
		dist := geo.DistanceM(l.LatDeg, l.LonDeg, f.LatDeg, f.LonDeg)
		if dist <= maxMps*float64(f.T-l.T)/1000+speedSlackM && dist < bestD {
			best, bestD = i, dist
		}
	}
	if best < 0 {
		s := d.newSegment(v)
		if s == nil {
			d.s.Counts.Outliers++
			return
		}
		s.Fixes = append(s.Fixes, f)
		s.N = 1
		return
	}
	s := v.Segs[best]
	l := s.last()
	if dt := float64(f.T-l.T) / 1000; dt > 0 {
		implied := float32(bestD / dt / mpsPerKn)
		if f.SOGKn < 0 {
			f.SOGKn = implied
		}
		if l.SOGKn < 0 {
			l.SOGKn = implied
		}
	}
	if f.T-l.T >= d.p.gapMin {
		d.gapEnded(v, s, *l, f, bestD)
	}
	if len(s.Fixes) == maxSegFixes {
		k := maxSegFixes / 4
		s.Fixes = s.Fixes[:copy(s.Fixes, s.Fixes[k:])]
		s.Cur = max(0, s.Cur-k)
	}
	s.Fixes = append(s.Fixes, f)
	s.N++
	s.Covered = false
	if s.N == minSegFixes {
		d.checkShared(v, s)
	}
}

// newSegment adds a segment to the vessel, replacing its oldest unused one
// when all slots are taken; nil when every slot holds a used track.
func (d *Detector) newSegment(v *vessel) *segment {
	s := &segment{Sub: v.NextSub}
	v.NextSub++
	if len(v.Segs) < maxSegments {
		v.Segs = append(v.Segs, s)
		return s
	}
	victim := -1
	for i, o := range v.Segs {
		if !o.usable() && (victim < 0 || o.last().T < v.Segs[victim].last().T) {
			victim = i
		}
	}
	if victim < 0 {
		return nil
	}
	d.s.Counts.Outliers += int64(v.Segs[victim].N)
	v.Segs[victim] = s
	return s
}

// checkShared reports the MMSI once as "mmsi-shared" when a second used
// segment appears while another used one was heard during its life: two ships
// on one MMSI, or fixes that repeatedly cannot both be true.
func (d *Detector) checkShared(v *vessel, s *segment) {
	if v.Shared {
		return
	}
	first, l := s.Fixes[0], s.last()
	for _, o := range v.Segs {
		if o == s || !o.usable() || o.last().T < first.T {
			continue
		}
		v.Shared = true
		ol := o.last()
		distKm := geo.DistanceM(ol.LatDeg, ol.LonDeg, l.LatDeg, l.LonDeg) / 1000
		t := msTime(l.T)
		d.out = append(d.out, Event{
			ID:      eventID(TypeIdentity, []uint32{v.Ident.MMSI}, t, AnomalyMMSIShared+"|"),
			Type:    TypeIdentity,
			Status:  StatusClosed,
			Start:   t,
			End:     t,
			Lat:     l.LatDeg,
			Lon:     l.LonDeg,
			Vessels: []Vessel{v.Ident},
			Anomaly: AnomalyMMSIShared,
			Detail:  fmt.Sprintf("MMSI %d is used by two ships at once: tracks %.0f km apart, split into sub-tracks", v.Ident.MMSI, distKm),
		})
		return
	}
}

// AnomalyMMSIShared is the identity anomaly of one MMSI used by two ships at once.
const AnomalyMMSIShared = "mmsi-shared"

// posAt is the segment's position and speed at step time t: interpolated
// between the fixes around t when they are at most MaxInterpGap apart, else
// extrapolated along the course at most MaxExtrapolation past the last fix.
func (d *Detector) posAt(s *segment, t int64) (latDeg, lonDeg, sogKn float64, ok bool) {
	for s.Cur < len(s.Fixes) && s.Fixes[s.Cur].T <= t {
		s.Cur++
	}
	if s.Cur == 0 {
		return 0, 0, 0, false
	}
	p := s.Fixes[s.Cur-1]
	ps := max(float64(p.SOGKn), 0)
	if s.Cur < len(s.Fixes) {
		if n := s.Fixes[s.Cur]; n.T-p.T <= d.p.interp {
			fr := float64(t-p.T) / float64(n.T-p.T)
			dLon := wrapLon(n.LonDeg - p.LonDeg)
			return p.LatDeg + fr*(n.LatDeg-p.LatDeg), wrapLon(p.LonDeg + fr*dLon), ps + fr*(max(float64(n.SOGKn), 0)-ps), true
		}
	}
	dt := t - p.T
	if dt > d.p.extrap {
		return 0, 0, 0, false
	}
	latDeg, lonDeg = p.LatDeg, p.LonDeg
	if p.COGDeg >= 0 && ps > 0 && dt > 0 {
		distM := ps * mpsPerKn * float64(dt) / 1000
		c := float64(p.COGDeg) * math.Pi / 180
		latDeg = min(max(latDeg+distM*math.Cos(c)/geo.MetresPerDegLat, -90), 90)
		if cl := math.Cos(latDeg * math.Pi / 180); cl > 1e-6 {
			lonDeg = wrapLon(lonDeg + distM*math.Sin(c)/(geo.MetresPerDegLat*cl))
		}
	}
	return latDeg, lonDeg, ps, true
}

// wrapLon brings a longitude or longitude difference into [-180, 180).
func wrapLon(lonDeg float64) float64 {
	if lonDeg >= 180 || lonDeg < -180 {
		lonDeg = math.Mod(lonDeg+180, 360)
		if lonDeg < 0 {
			lonDeg += 360
		}
		lonDeg -= 180
	}
	return lonDeg
}

// trim drops fixes older than the segment's pin, keeping the fix before the
// current step (for interpolation) and the newest one (for gaps).
func (s *segment) trim() {
	k := 0
	for k < s.Cur-1 && k < len(s.Fixes)-1 && s.Fixes[k].T < s.Pin {
		k++
	}
	if k > 0 {
		s.Fixes = s.Fixes[:copy(s.Fixes, s.Fixes[k:])]
		s.Cur -= k
	}
}

// points returns the segment's fixes from fromMs to toMs as evidence.
func (s *segment) points(fromMs, toMs int64) []TrackPoint {
	i, _ := slices.BinarySearchFunc(s.Fixes, fromMs, func(f fix, t int64) int { return cmp.Compare(f.T, t) })
	var out []TrackPoint
	for ; i < len(s.Fixes) && s.Fixes[i].T <= toMs; i++ {
		f := s.Fixes[i]
		out = append(out, TrackPoint{Time: msTime(f.T), LatDeg: f.LatDeg, LonDeg: f.LonDeg, SOGKn: float64(max(f.SOGKn, 0))})
	}
	return out
}
