package detect

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo"
)

// Track building. Positions wait per vessel in a small sorted buffer until the
// watermark has passed them; then, in time order, each joins the sub-track
// (segment) it is consistent with — as GFW's segmenter does — so a single
// far-off fix stays a one-fix segment that is never used, and two ships on one
// MMSI become two segments instead of a zig-zag. A new segment that goes on
// while the old one has fallen silent (a position correction, a GNSS jump)
// takes the old one over.
//
// Thinning bounds memory for 2 s reporters: per MMSI, 30 s bucket and
// 0.02-degree cell, only the earliest fix is kept. The cell keeps two ships on
// one MMSI (fixes that cannot both be true are kilometres apart) from thinning
// each other away, and the kept set depends only on the input, not on its order.
const (
	bucketMs      = 30_000 // thinning bucket; 30 s at 2 kn is 31 m
	cellsPerDeg   = 50     // thinning cells per degree (0.02°, 2.2 km of latitude)
	maxPerBkt     = 8      // fixes kept per MMSI and bucket at most (the earliest), against position garbage
	takeoverN     = 3      // a new segment takes over one silent for this many of its fix intervals
	intervalFixes = 8      // the fix interval of a segment is the mean over this many last fixes
	trimMin       = 8      // history is trimmed once this many fixes and a quarter of the segment are stale
	minSegFixes   = 3      // a segment is used by the detectors once it has this many fixes
	maxSegments   = 4      // segments per MMSI
	maxSegFixes   = 4096   // fixes kept per segment at most (34 h at one per 30 s); the oldest quarter goes first
	speedSlackM   = 100.0  // GPS noise allowed on top of MaxImpliedSpeedKn over short intervals
	mpsPerKn      = 1852.0 / 3600
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

// firstFrom is the index of the first of the sorted fixes at or after t, len(fixes) when none.
func firstFrom(fixes []fix, t int64) int {
	i, _ := slices.BinarySearchFunc(fixes, t, func(f fix, t int64) int { return cmp.Compare(f.T, t) })
	return i
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
// Those every step reads come first, so a step's walk over thousands of
// vessels touches three cache lines of each: the slices and flags, then the
// times and the MMSI.
type vessel struct {
	Segs      []segment    // values, not pointers: a step reaches them one cache miss sooner
	Pending   []fix        // accepted, not yet final (at or after the watermark), sorted
	Statics   []ais.Record // static records not yet final, sorted by compareRecords, repeats dropped
	Gaps      []span       // recent gaps with coverage, for Evidence.DarkBefore
	Loiters   []span       // recent loitering, for Evidence.LoiterBefore
	Observed  bool         // the identity checks have seen a position of it
	NotVessel bool         // an MMSI of a station, aid to navigation, aircraft or beacon (see notVessel)
	HasStatic bool         // static data seen (final)
	Shared    bool         // "mmsi-shared" reported
	NextSub   uint8
	gone      bool // evicted; the next step's walk drops it from the order (not checkpointed)

	LastHeard  int64    // newest final record time of any kind
	LastFinal  int64    // time of the newest final fix, 0 before the first
	FinalBkt   int64    // thinning bucket of the newest final fix
	FinalCells []uint64 // thinning cells of the final fixes in FinalBkt

	Ident      Vessel
	LastStatic [2]staticData // the last final static data that was new, per type 24 part (see partIndex)
}

// staticData is the part of a static record that tells its identity data
// from another's (see sameStatic): the record less its MMSI, time, source and
// position, 88 bytes instead of 168 for each of a vessel's two. Its fields
// are named as ais.Record's, so a checkpoint that held whole records loads.
type staticData struct {
	Kind   ais.Kind
	Type   uint8
	Class  ais.Class
	Has    ais.Has
	Static ais.Static
}

// staticOf is a static record's identity data.
func staticOf(r *ais.Record) staticData {
	return staticData{Kind: r.Kind, Type: r.Type, Class: r.Class, Has: r.Has, Static: r.Static}
}

// segment is one consistent track of an MMSI (a sub-track when the MMSI is shared).
// Its 128 bytes fill two cache lines of a vessel's Segs exactly, and what a
// step's walk reads of each segment (locate, posAt, trim) is in the first.
type segment struct {
	Fixes   []fix // sorted by time, never empty
	Cur     int   // index of the first fix after the last step time
	N       int32 // fixes ever assigned
	trimAt  int32 // trim looks at the history again once it holds this many fixes (not checkpointed)
	Sub     uint8
	Present bool       // had a position at the last step
	located bool       // has a position at the current step (not checkpointed: read within the step)
	Covered bool       // since its last fix, another vessel was at a step within Gap.CoverageRadiusM
	Pin     int64      // fixes before this are not needed any more
	Loiter  *loiterRun // open loitering run

	First    int64 // time of the first fix ever assigned
	NearDark []uint32
	Port     portCache
	_        [8]byte // to 128 bytes, so each of a vessel's segments starts a cache line
}

// portCache remembers the last port test of a segment: slow vessels barely
// move, so Ports.Within runs again only after 1 km (every step within 1 km
// of the port distance's edge, see nearPort).
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

// bucket is the thinning bucket of a fix.
func (f fix) bucket() int64 { return floorDiv(f.T, bucketMs) }

// cell is the thinning cell of a fix.
func (f fix) cell() uint64 {
	return uint64(uint32(int32(math.Floor(f.LatDeg*cellsPerDeg))))<<32 | uint64(uint32(int32(math.Floor(f.LonDeg*cellsPerDeg))))
}

// add inserts an accepted fix into the pending buffer, keeping per 30 s bucket
// and cell only the earliest fix (at most maxPerBkt per bucket, the earliest),
// so the kept set does not depend on input order. It allocates only when the
// buffer grows.
func (v *vessel) add(f fix, c *counters) {
	b, cell := f.bucket(), f.cell()
	if b == v.FinalBkt && slices.Contains(v.FinalCells, cell) { // an earlier fix of this bucket and cell is final
		c.Thinned++
		return
	}
	p := v.Pending
	hi := len(p)
	for hi > 0 && p[hi-1].bucket() > b {
		hi--
	}
	lo := hi
	for lo > 0 && p[lo-1].bucket() == b {
		lo--
	}
	for j := lo; j < hi; j++ {
		if p[j].cell() != cell {
			continue
		}
		if p[j].T == f.T && p[j].LatDeg == f.LatDeg && p[j].LonDeg == f.LonDeg {
			c.Duplicates++
			return
		}
		c.Thinned++
		if f.less(p[j]) {
			v.Pending = slices.Delete(p, j, j+1)
			v.insert(f)
		}
		return
	}
	if hi-lo >= maxPerBkt {
		c.Thinned++
		if !f.less(p[hi-1]) {
			return
		}
		v.Pending = slices.Delete(p, hi-1, hi)
	}
	v.insert(f)
}

// insert puts a fix into the sorted pending buffer.
func (v *vessel) insert(f fix) {
	p := v.Pending
	i := len(p)
	for i > 0 && f.less(p[i-1]) {
		i--
	}
	v.Pending = slices.Insert(p, i, f)
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
func sameStatic(a, b *ais.Record) bool { return staticOf(a) == staticOf(b) }

// finalize moves the pending fixes up to horizon into segments, in time
// order, and returns the newest one moved.
func (w *walker) finalize(v *vessel, horizon int64) (fix, bool) {
	n := 0
	for ; n < len(v.Pending) && v.Pending[n].T <= horizon; n++ {
		w.assign(v, v.Pending[n])
	}
	if n == 0 {
		return fix{}, false
	}
	// the cells of the newest final bucket, which later fixes may share
	if b := v.Pending[n-1].bucket(); b != v.FinalBkt {
		v.FinalBkt, v.FinalCells = b, v.FinalCells[:0]
	}
	for i := n - 1; i >= 0 && v.Pending[i].bucket() == v.FinalBkt; i-- {
		if c := v.Pending[i].cell(); !slices.Contains(v.FinalCells, c) {
			v.FinalCells = append(v.FinalCells, c)
		}
	}
	f := v.Pending[n-1]
	v.LastFinal = f.T
	v.LastHeard = max(v.LastHeard, f.T)
	v.Pending = shrink(v.Pending[:copy(v.Pending, v.Pending[n:])])
	return f, true
}

// shrinkMin is the least capacity of a pending buffer worth giving back.
const shrinkMin = 64

// shrink returns p in a buffer of twice its length when it fills less than
// a quarter of its own: before the first step a vessel's buffer grows to hold
// an hour of fixes (MaxInterpGap), several times what it holds once steps run
// (peak heap of BenchmarkPeakMemory: 11.5-11.6 MB instead of 12.4-12.6).
func shrink(p []fix) []fix {
	if cap(p) < shrinkMin || len(p) >= cap(p)/4 {
		return p
	}
	return append(make([]fix, 0, 2*len(p)), p...)
}

// assign puts a final fix on the nearest used segment it is consistent with
// (implied speed within MaxImpliedSpeedKn), else on the nearest consistent
// unused one (an old stray fix the vessel happens to pass must not capture
// its track), or starts a new segment.
func (w *walker) assign(v *vessel, f fix) {
	d := w.d
	maxMps := d.cfg.Track.MaxImpliedSpeedKn * mpsPerKn
	best, bestD, bestUsed := -1, math.Inf(1), false
	if len(v.Segs) == 1 { // the usual case: the exact distance only when needed
		if l := v.Segs[0].last(); surelyWithin(l, &f, maxMps*float64(f.T-l.T)/1000+speedSlackM) {
			best, bestD = 0, math.NaN()
		}
	}
	for i := range v.Segs {
		if best >= 0 && math.IsNaN(bestD) {
			break
		}
		s := &v.Segs[i]
		l := s.last()
		dist := geo.DistanceM(l.LatDeg, l.LonDeg, f.LatDeg, f.LonDeg)
		if dist > maxMps*float64(f.T-l.T)/1000+speedSlackM {
			continue
		}
		if used := s.usable(); (used && !bestUsed) || (used == bestUsed && dist < bestD) {
			best, bestD, bestUsed = i, dist, used
		}
	}
	if best < 0 {
		s := w.newSegment(v)
		if s == nil {
			w.counts.Outliers++
			return
		}
		s.Fixes = append(s.Fixes, f)
		s.N, s.First = 1, f.T
		return
	}
	s := &v.Segs[best]
	l := s.last()
	if math.IsNaN(bestD) && (f.SOGKn < 0 || l.SOGKn < 0 || f.T-l.T >= d.p.gapMin) {
		bestD = geo.DistanceM(l.LatDeg, l.LonDeg, f.LatDeg, f.LonDeg)
	}
	if dt := float64(f.T-l.T) / 1000; dt > 0 && (f.SOGKn < 0 || l.SOGKn < 0) {
		implied := float32(bestD / dt / mpsPerKn)
		if f.SOGKn < 0 {
			f.SOGKn = implied
		}
		if l.SOGKn < 0 {
			l.SOGKn = implied
		}
	}
	if f.T-l.T >= d.p.gapMin {
		w.gapEnded(v, s, *l, f, bestD)
	}
	if len(s.Fixes) == maxSegFixes {
		k := maxSegFixes / 4
		s.Fixes = s.Fixes[:copy(s.Fixes, s.Fixes[k:])]
		s.Cur = max(0, s.Cur-k)
	}
	prev := l.T
	if n := len(s.Fixes); n == cap(s.Fixes) {
		s.Fixes = append(make([]fix, 0, d.historyCap(f.T-s.Fixes[0].T, n)), s.Fixes...) // exactly: slices.Grow rounds up as append does
	}
	s.Fixes = append(s.Fixes, f)
	s.N++
	s.Covered = false
	if s.usable() {
		w.checkShared(v, s, prev)
		w.takeOver(v, s)
	}
}

// surelyWithin reports whether two fixes are certainly at most limM apart by
// geo.DistanceM, from the bound R(|Δlat| + |Δlon|) (a path along a meridian
// and a parallel is no shorter than the great circle), with a margin for
// rounding. It spares the haversine on the hot path; false means "maybe not".
func surelyWithin(a, b *fix, limM float64) bool {
	dLat, dLon := math.Abs(a.LatDeg-b.LatDeg), math.Abs(wrapLon(a.LonDeg-b.LonDeg))
	return (dLat+dLon)*geo.MetresPerDegLat*(1+1e-9)+1e-6 <= limM
}

// historyCap is the capacity a full history of n fixes gained in spanMs
// grows to: twice n, but no more than the room the track will hold in
// steady state (the evidence padding or interpolation gap, plus the
// detector's lag, plus the quarter trim lets go stale, at the track's mean
// fix interval), then an eighth more when the track holds more than that.
// Reserving the steady-state room at a track's third fix, as before, left
// most of it unused in scans of a few hours: 35 MB of fix history against
// 16 MB now, 300 k records into BenchmarkScan at 10 k vessels, and about
// 7 % less time there. Going straight to that room once it was within four
// times n was tried: as slow as the reserve at 10 k vessels.
func (d *Detector) historyCap(spanMs int64, n int) int {
	histMs := max(d.p.pad, d.p.interp) + d.p.interp + d.p.lateness + 2*d.p.step
	every := max(spanMs/int64(n), bucketMs)
	if full := int(min(histMs/every*4/3+trimMin, maxSegFixes)); full > n {
		return min(2*n, full)
	}
	return min(n+n/8+trimMin, maxSegFixes) // a longer history than foreseen (a loiter keeps its run, the fixes came faster): by an eighth
}

// takeOver lets a used segment s continue the track of a used segment o that
// has been silent for takeoverN of its fix intervals (at most MaxInterpGap)
// while s got at least minSegFixes fixes: a position correction or a GNSS
// jump that stuck. It does not when s was already a used track before o fell
// silent (two ships on one MMSI). The fixes s had before o's last one (a
// stray fix that the new positions happened to join) are dropped as outliers.
// o keeps its sub-track key, so runs and gaps follow the vessel across the
// jump; s is removed.
func (w *walker) takeOver(v *vessel, s *segment) {
	d := w.d
	now := s.last().T
	for k := range v.Segs {
		o := &v.Segs[k]
		if o == s || !o.usable() {
			continue
		}
		ol := *o.last()
		if now-ol.T < min(takeoverN*o.interval(), d.p.interp) {
			continue
		}
		i := firstFrom(s.Fixes, ol.T+1)
		after := len(s.Fixes) - i
		before := int(s.N) - after
		if before >= minSegFixes || after < minSegFixes {
			continue
		}
		first := s.Fixes[i]
		if first.T-ol.T >= d.p.gapMin {
			w.gapEnded(v, o, ol, first, geo.DistanceM(ol.LatDeg, ol.LonDeg, first.LatDeg, first.LonDeg))
		}
		if s.Cur > i {
			o.Cur = len(o.Fixes) + s.Cur - i
		}
		o.Fixes = append(o.Fixes, s.Fixes[i:]...)
		o.N += int32(after)
		w.counts.Outliers += int64(before)
		o.Covered, o.Present, o.NearDark, o.Port = false, s.Present, nil, s.Port
		switch {
		case s.Loiter == nil:
		case o.Loiter == nil:
			o.Loiter = s.Loiter
		default:
			o.Loiter.Last = s.Loiter.Last
			o.Loiter.Samples = append(o.Loiter.Samples, s.Loiter.Samples...)
		}
		for j := range v.Segs {
			if &v.Segs[j] == s {
				v.Segs = slices.Delete(v.Segs, j, j+1) // o may move down: not used after
				return
			}
		}
	}
}

// interval is the segment's mean time between its last intervalFixes fixes, Unix ms.
func (s *segment) interval() int64 {
	n := min(len(s.Fixes), intervalFixes)
	if n < 2 {
		return 0
	}
	return (s.last().T - s.Fixes[len(s.Fixes)-n].T) / int64(n-1)
}

// newSegment adds a segment to the vessel, replacing its oldest unused one
// when all slots are taken; nil when every slot holds a used track.
func (w *walker) newSegment(v *vessel) *segment {
	s := segment{Sub: v.NextSub}
	v.NextSub++
	if len(v.Segs) < maxSegments {
		v.Segs = append(v.Segs, s)
		return &v.Segs[len(v.Segs)-1]
	}
	victim := -1
	for i := range v.Segs {
		if o := &v.Segs[i]; !o.usable() && (victim < 0 || o.last().T < v.Segs[victim].last().T) {
			victim = i
		}
	}
	if victim < 0 {
		return nil
	}
	w.counts.Outliers += int64(v.Segs[victim].N)
	v.Segs[victim] = s
	return &v.Segs[victim]
}

// checkShared reports the MMSI once as "mmsi-shared" when fixes keep
// alternating between two used segments: s got a fix (its previous one at
// prevMs) while another used segment, heard before prevMs, was heard since.
// One excursion that returns (a few bad fixes) does not count; two ships on
// one MMSI do.
func (w *walker) checkShared(v *vessel, s *segment, prevMs int64) {
	if v.Shared {
		return
	}
	l := s.last()
	for i := range v.Segs {
		o := &v.Segs[i]
		if o == s || !o.usable() || o.last().T <= prevMs || o.First >= prevMs {
			continue
		}
		v.Shared = true
		ol := o.last()
		distKm := geo.DistanceM(ol.LatDeg, ol.LonDeg, l.LatDeg, l.LonDeg) / 1000
		t := msTime(l.T)
		w.out = append(w.out, Event{
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
	ps := max(knots(p.SOGKn), 0)
	if s.Cur < len(s.Fixes) {
		if n := s.Fixes[s.Cur]; n.T-p.T <= d.p.interp {
			fr := float64(t-p.T) / float64(n.T-p.T)
			dLon := wrapLon(n.LonDeg - p.LonDeg)
			return p.LatDeg + fr*(n.LatDeg-p.LatDeg), wrapLon(p.LonDeg + fr*dLon), ps + fr*(max(knots(n.SOGKn), 0)-ps), true
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

// knots widens a speed to the decimal it was read as, the float32's shortest
// decimal (0.6, not 0.6000000238418579), so that events, tracks and the live
// API carry it, and a speed equal to a limit is not under it. AIS speeds are
// tenths of a knot: the fast case; others (CSV, implied speeds) take strconv.
func knots(x float32) float64 {
	if t := math.Round(float64(x) * 10); float32(t/10) == x {
		return t / 10
	}
	f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
	return f
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

// stale is how many of the oldest fixes are no longer needed: older than the
// segment's pin, but not the fix before the current step (for interpolation)
// nor the newest one (for gaps). No evidence asks for fixes before the pin.
func (s *segment) stale() int {
	n := max(min(s.Cur-1, len(s.Fixes)-1), 0)
	return firstFrom(s.Fixes[:n], s.Pin)
}

// trim drops the stale fixes once there are enough of them (at least trimMin
// and a quarter of the segment): copying the history down at every step cost
// more than the rest of the step. It only looks again once the history has
// grown by an eighth (trimAt): memory grows only with new fixes, and reading
// an old fix of every segment at every step cost a cache miss each.
func (s *segment) trim() {
	if len(s.Fixes) < int(s.trimAt) {
		return
	}
	if k := s.stale(); k >= max(trimMin, len(s.Fixes)/4) {
		s.Fixes = s.Fixes[:copy(s.Fixes, s.Fixes[k:])]
		s.Cur -= k
	}
	s.trimAt = int32(len(s.Fixes) + max(trimMin, len(s.Fixes)/8))
}

// points returns the segment's fixes from fromMs to toMs as evidence.
func (s *segment) points(fromMs, toMs int64) []TrackPoint {
	i := firstFrom(s.Fixes, fromMs)
	var out []TrackPoint
	for ; i < len(s.Fixes) && s.Fixes[i].T <= toMs; i++ {
		f := s.Fixes[i]
		out = append(out, TrackPoint{Time: msTime(f.T), LatDeg: f.LatDeg, LonDeg: f.LonDeg, SOGKn: max(knots(f.SOGKn), 0)})
	}
	return out
}
