package detect

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo"
	"github.com/stswatch/stswatch/geo/radix"
)

// Env is what a detector consults besides the records: all optional.
type Env struct {
	Watchlist *Watchlist
	Ports     *geo.Ports
	Zones     *geo.Zones
}

// Detector is the streaming pipeline from records to events. It is not safe for
// concurrent use: one goroutine pushes, and emit is called from inside Push and Flush.
//
// It works in event time. The watermark is the newest record time minus
// Lateness; older records are dropped. Step t (a multiple of Step since the
// Unix epoch) runs once the watermark has passed t + MaxInterpGap, so every
// fix that can matter to the positions at t is final: the detector's clock
// lags the newest data by Lateness + MaxInterpGap (1 h 10 min by default),
// and its events do not depend on arrival order, file boundaries or speed.
type Detector struct {
	cfg     Config
	env     Env
	emit    func(Event)
	p       params
	s       state
	grid    *geo.Grid // the step's encounter candidates: used segments that are vessels and slow enough for onPair
	cover   *geo.Grid // every used segment at the step, for coverage and "who was near"; filled on first use
	covered bool      // cover holds this step's positions
	flushed bool      // Flush ran: this input is over (not checkpointed, so a restored detector takes records again)
	endMs   int64     // with flushed: the end of input, Unix ms

	// every vessel sorted by MMSI with their MMSIs (so sorting, merging and
	// cutting the order reads no vessel), and those created since the last
	// step (derived from s.Vessels, not checkpointed): steps walk a slice in
	// a fixed order instead of the map
	order     []*vessel
	orderMMSI []uint32
	fresh     []newVessel

	workers int       // goroutines for the steps' per-vessel work (see SetWorkers)
	walkers []*walker // the shares of that work
	active  []*walker // the shares of the current step
	walkMin int       // vessels per share at least (walkMinVessels; tests set fewer)

	// positions accepted by Push, not yet added to their vessels (see queue)
	inbox               []inboxFix
	inboxKeys, inboxTmp []radix.Key

	// per-step scratch, reused
	stepT    int64
	out      []Event
	obsOrder []obsKey
	scratch  []float64
	nearBuf  nearScratch
}

// params are the configured durations in Unix milliseconds.
type params struct {
	lateness, step, interp, extrap, pad int64
	encMin, merge, loiterMin, gapMin    int64
	evict                               int64
}

// state is everything a checkpoint holds. Fields are exported for encoding/gob.
type state struct {
	Started  bool
	MaxT     int64 // newest record time, Unix ms
	NextStep int64 // next step to run, Unix ms
	Vessels  map[uint32]*vessel
	Runs     map[pairKey]*encRun
	Waiting  []*waitingEvent
	Ident    *identities
	Counts   counters
}

// stepPoint is one segment's position at the current step, with what the
// grid and the loiter pass ask of its vessel and segment (read while the walk
// has them in cache, so those passes visit neither for most points).
type stepPoint struct {
	v                     *vessel
	s                     *segment
	key                   uint64
	latDeg, lonDeg, sogKn float64
	notVessel             bool // v.NotVessel
	loitering             bool // s.Loiter != nil
}

// Invalid-value reasons (GFW's segmenter), the keys of Stats.Invalid.
const (
	invalidLat = iota
	invalidLon
	invalidSOG
	invalidCOG
	numInvalid
)

var invalidNames = [numInvalid]string{"lat", "lon", "sog", "cog"}

// counters are the running totals behind Stats.
type counters struct {
	Records, Skipped, Late, Duplicates, Thinned, Outliers int64
	Invalid                                               [numInvalid]int64
	Events                                                map[string]int64
}

// Stats are the detector's counters, for run summaries and metrics.
type Stats struct {
	Records       int64            // records pushed
	Skipped       int64            // records without time, or positions without lat/lon
	Late          int64            // older than the watermark, dropped
	Duplicates    int64            // the same MMSI, time and position again (several receivers)
	Thinned       int64            // further fixes of an MMSI within one 30 s bucket
	Invalid       map[string]int64 // out-of-range values by reason: lat, lon, sog, cog
	Outliers      int64            // fixes that never joined a track of 3 or more: implied-speed outliers, MMSIs heard once or twice
	ActiveVessels int              // MMSIs in memory
	Events        map[string]int64 // events emitted by type; ongoing records under "ongoing"
}

// evictAfter is the least silence after which a vessel is forgotten (its gap judged then).
const evictAfter = 24 * time.Hour

// nearRadiusM is how close another vessel must be to count as "near" a gap's ends.
const nearRadiusM = 5000

// New returns a detector that calls emit for every event, in a deterministic order.
func New(cfg Config, env Env, emit func(Event)) *Detector {
	if cfg.Track.Step <= 0 {
		cfg.Track.Step = DefaultConfig().Track.Step
	}
	ms := func(d time.Duration) int64 { return d.Milliseconds() }
	d := &Detector{
		cfg:  cfg,
		env:  env,
		emit: emit,
		p: params{
			lateness: ms(cfg.Track.Lateness), step: ms(cfg.Track.Step), interp: ms(cfg.Track.MaxInterpGap),
			extrap: ms(cfg.Track.MaxExtrapolation), pad: ms(cfg.Track.EvidencePadding),
			encMin: ms(cfg.Encounter.MinDuration), merge: ms(cfg.Encounter.MergeGap),
			loiterMin: ms(cfg.Loiter.MinDuration), gapMin: ms(cfg.Gap.MinDuration),
			evict: ms(max(evictAfter, 2*cfg.Gap.MinDuration, cfg.Encounter.MergeGap+cfg.Track.EvidencePadding)),
		},
		grid:  geo.NewGrid(max(cfg.Encounter.MaxDistanceM, 1)),
		cover: geo.NewGrid(nearRadiusM),
	}
	d.s = newState()
	d.SetWorkers(0)
	return d
}

// newState returns empty detector state.
func newState() state {
	return state{
		Vessels: make(map[uint32]*vessel),
		Runs:    make(map[pairKey]*encRun),
		Ident:   newIdentities(),
		Counts:  counters{Events: make(map[string]int64)},
	}
}

// msTime converts Unix milliseconds to a UTC time.
func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// Push feeds one record. Records may arrive out of order within cfg.Lateness.
// It is the hot path: a position only joins the inbox (see queue), with no
// allocation once the inbox has grown.
func (d *Detector) Push(r ais.Record) {
	c := &d.s.Counts
	c.Records++
	if r.Has&ais.HasTime == 0 || d.flushed {
		c.Skipped++
		return
	}
	t := r.Time.UnixMilli()
	switch {
	case r.Kind == ais.KindStatic:
		if d.admit(t) {
			r.Time = r.Time.UTC()
			d.vessel(r.MMSI).addStatic(r)
		}
	case r.Kind != ais.KindPosition || r.Has&ais.HasLatLon == 0:
		c.Skipped++
		return
	default:
		if reason := invalid(&r); reason >= 0 {
			c.Invalid[reason]++
			return
		}
		if !d.admit(t) {
			return
		}
		f := fix{T: t, LatDeg: r.Pos.LatDeg, LonDeg: r.Pos.LonDeg, SOGKn: -1, COGDeg: -1}
		if r.Has&ais.HasSOG != 0 && float64(r.Pos.SOGKn) <= d.cfg.Track.MaxImpliedSpeedKn {
			f.SOGKn = r.Pos.SOGKn
		}
		if r.Has&ais.HasCOG != 0 {
			f.COGDeg = r.Pos.COGDeg
		}
		d.queue(r.MMSI, r.Class, f)
	}
	d.advance()
}

// invalid returns the reason a position is unusable (GFW's segmenter rules), or -1.
func invalid(r *ais.Record) int {
	p := &r.Pos
	switch {
	case math.Abs(p.LatDeg) > 90 || math.IsNaN(p.LatDeg):
		return invalidLat
	case math.Abs(p.LonDeg) > 180 || math.IsNaN(p.LonDeg):
		return invalidLon
	case r.Has&ais.HasSOG != 0 && (p.SOGKn >= 102.3 || p.SOGKn == 51.2 || p.SOGKn == 63 || p.SOGKn < 0):
		return invalidSOG
	case r.Has&ais.HasCOG != 0 && p.COGDeg >= 360 && !(r.Has&ais.HasSOG != 0 && p.SOGKn <= 0.35):
		return invalidCOG
	}
	return -1
}

// admit moves the newest time forward and reports whether a record at t is
// still within the lateness (counting it as late otherwise).
func (d *Detector) admit(t int64) bool {
	s := &d.s
	if !s.Started {
		s.Started, s.MaxT = true, t
		s.NextStep = floorDiv(t-d.p.lateness, d.p.step) * d.p.step
	}
	s.MaxT = max(s.MaxT, t)
	if t < s.MaxT-d.p.lateness {
		s.Counts.Late++
		return false
	}
	return true
}

// floorDiv is a / b rounded towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// advance runs every step the watermark has passed. Across a long silence
// of the whole input (an archive with missing days, a bogus future time) it
// skips the steps at which nothing is tracked any more.
func (d *Detector) advance() {
	w := d.s.MaxT - d.p.lateness
	for d.s.NextStep+d.p.interp < w {
		d.step(d.s.NextStep, d.s.NextStep+d.p.interp)
		d.s.NextStep += d.p.step
		if w-d.s.NextStep > idleSkipSteps*d.p.step {
			d.skipIdle()
		}
	}
}

// idleSkipSteps is how many steps behind the watermark the detector must be
// before it looks for idle steps to skip.
const idleSkipSteps = 1000

// skipIdle moves the next step to just before the earliest pending record
// when no segment, run or waiting event is left for the steps in between.
func (d *Detector) skipIdle() {
	if len(d.s.Runs) > 0 || len(d.s.Waiting) > 0 {
		return
	}
	next := int64(math.MaxInt64)
	for _, v := range d.s.Vessels {
		if len(v.Segs) > 0 {
			return
		}
		if len(v.Pending) > 0 {
			next = min(next, v.Pending[0].T)
		}
		if len(v.Statics) > 0 {
			next = min(next, v.Statics[0].Time.UnixMilli())
		}
	}
	if next == math.MaxInt64 {
		next = d.s.MaxT
	}
	d.s.NextStep = max(d.s.NextStep, floorDiv(next-d.p.interp, d.p.step)*d.p.step-d.p.step)
}

// Watermark is the detector's event-time clock: the newest record time minus
// Lateness; records older than this are dropped. Zero before the first record.
func (d *Detector) Watermark() time.Time {
	if !d.s.Started {
		return time.Time{}
	}
	return msTime(d.s.MaxT - d.p.lateness)
}

// step runs the detectors at step time t, with every fix up to horizon final.
func (d *Detector) step(t, horizon int64) {
	d.stepT = t
	queued := d.takeInbox()
	d.sortVessels()
	d.observe(t, horizon, queued)
	d.fillGrid()
	d.grid.Pairs(d.cfg.Encounter.MaxDistanceM, d.onPair)
	for _, p := range d.points() {
		d.loiterStep(p, t)
	}
	d.mergeFound(d.walkers[0]) // the loiters it closed, before pinRuns
	d.closeRuns(t, false)
	if d.cfg.Encounter.EarlyOngoing {
		d.earlyOngoing(t, horizon)
	}
	d.maintain(t)
	d.release(t, false)
	d.flushOut()
}

// observe adds the queued positions (in MMSI order, see takeInbox),
// finalizes fixes and static records up to horizon and locates each vessel
// at step t, in one walk over the vessels (see walker), then shows the
// identity checks what can change their answer, in (time, MMSI) order: each
// static record that differs from the vessel's previous one, and a position
// when the vessel is new or its static data changed. Repeats of the same
// static data only count as heard.
func (d *Detector) observe(t, horizon int64, queued []radix.Key) {
	d.walk(t, horizon, queued)
	d.resetInbox()
	d.obsOrder = d.obsOrder[:0]
	for wi, w := range d.active {
		for i := range w.obs {
			r := &w.obs[i]
			d.obsOrder = append(d.obsOrder, obsKey{ms: r.Time.UnixMilli(), id: obsID(r.MMSI, r.Kind, r.Type), w: int32(wi), i: int32(i)})
		}
		for i, p := range w.obsPos {
			d.obsOrder = append(d.obsOrder, obsKey{ms: p.ms, id: obsID(p.mmsi, ais.KindPosition, 0), w: int32(wi), i: ^int32(i)})
		}
	}
	rec := func(k obsKey) ais.Record {
		w := d.active[k.w]
		if k.i < 0 {
			return w.obsPos[^k.i].record()
		}
		return w.obs[k.i]
	}
	slices.SortFunc(d.obsOrder, func(a, b obsKey) int {
		if c := cmp.Or(cmp.Compare(a.ms, b.ms), cmp.Compare(a.id, b.id)); c != 0 {
			return c
		}
		return compareRecords(rec(a), rec(b))
	})
	for _, k := range d.obsOrder {
		r := rec(k)
		if r.Kind == ais.KindStatic {
			d.vessel(r.MMSI).Ident.apply(&r)
		}
		d.s.Ident.Observe(r, d.env, d.collect)
	}
	for _, w := range d.active {
		w.obs, w.obsPos = reuse(w.obs), reuse(w.obsPos)
	}
	d.obsOrder = reuse(d.obsOrder)
}

// obsKey orders the records for the identity checks by compareRecords
// without moving them: time, MMSI, kind and type first (whole-record ties only
// go to compareRecords).
type obsKey struct {
	ms int64  // time, Unix ms
	id uint64 // see obsID
	w  int32  // the walker (of the step's active ones) holding it
	i  int32  // its index in that walker's obs, or ^index in its obsPos
}

// obsID orders records of one time by MMSI, kind and type.
func obsID(mmsi uint32, kind ais.Kind, typ uint8) uint64 {
	return uint64(mmsi)<<16 | uint64(kind)<<8 | uint64(typ)
}

// obsPos is a position for the identity checks in a quarter of the room of
// a record: a step that meets many new vessels (the first of a scan: 92 k at
// 100 k vessels) holds one for each.
type obsPos struct {
	ms             int64 // time, Unix ms
	mmsi           uint32
	latDeg, lonDeg float64
}

// record is the position record the identity checks see.
func (p obsPos) record() ais.Record {
	return ais.Record{Kind: ais.KindPosition, MMSI: p.mmsi, Has: ais.HasTime | ais.HasLatLon,
		Time: msTime(p.ms), Pos: ais.Position{LatDeg: p.latDeg, LonDeg: p.lonDeg}}
}

// partIndex tells apart the two halves of a class B static report (type 24
// parts A and B), which alternate; other static records share index 0.
func partIndex(r *ais.Record) int {
	if r.Static.Part == 'B' {
		return 1
	}
	return 0
}

// compareRecords orders records by time, MMSI, kind and content, so the
// identity checks see them the same way whatever the arrival order.
func compareRecords(a, b ais.Record) int {
	return cmp.Or(
		a.Time.Compare(b.Time), cmp.Compare(a.MMSI, b.MMSI), cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.Type, b.Type), cmp.Compare(a.Static.Part, b.Static.Part), cmp.Compare(a.Has, b.Has),
		strings.Compare(a.Static.Name, b.Static.Name), cmp.Compare(a.Static.IMO, b.Static.IMO),
		strings.Compare(a.Static.Callsign, b.Static.Callsign), cmp.Compare(a.Static.ShipType, b.Static.ShipType),
		cmp.Compare(a.Static.LengthM(), b.Static.LengthM()),
	)
}

// apply copies the identity fields a static record carries.
func (id *Vessel) apply(r *ais.Record) {
	st := &r.Static
	if r.Class != ais.ClassUnknown {
		id.Class = r.Class.String()
	}
	if r.Has&ais.HasName != 0 && cleanName(st.Name) != "" {
		id.Name = cleanName(st.Name)
	}
	if r.Has&ais.HasIMO != 0 && st.IMO != 0 {
		id.IMO = st.IMO
	}
	if r.Has&ais.HasCallsign != 0 && cleanName(st.Callsign) != "" {
		id.Callsign = cleanName(st.Callsign)
	}
	if r.Has&ais.HasShipType != 0 && st.ShipType != 0 {
		id.ShipType = int(st.ShipType)
	}
	if r.Has&ais.HasDims != 0 && st.LengthM() > 0 {
		id.LengthM = st.LengthM()
	}
}

// vessel returns the state of an MMSI, creating it when new.
func (d *Detector) vessel(mmsi uint32) *vessel {
	v := d.s.Vessels[mmsi]
	if v == nil {
		v = &vessel{Ident: Vessel{MMSI: mmsi, Flag: ais.Flag(mmsi)}, NotVessel: notVessel(mmsi)}
		d.s.Vessels[mmsi] = v
		d.fresh = append(d.fresh, newVessel{mmsi, v})
	}
	return v
}

// newVessel is a vessel created since the last step, with its MMSI.
type newVessel struct {
	mmsi uint32
	v    *vessel
}

// sortVessels merges the vessels created since the last step into the
// sorted order, in place from the back (no new order at every step).
func (d *Detector) sortVessels() {
	if len(d.fresh) == 0 {
		return
	}
	slices.SortFunc(d.fresh, func(a, b newVessel) int { return cmp.Compare(a.mmsi, b.mmsi) })
	i, j := len(d.order)-1, len(d.fresh)-1
	n := len(d.order) + len(d.fresh)
	d.order, d.orderMMSI = slices.Grow(d.order, len(d.fresh))[:n], slices.Grow(d.orderMMSI, len(d.fresh))[:n]
	for k := n - 1; j >= 0; k-- {
		if i >= 0 && d.orderMMSI[i] >= d.fresh[j].mmsi { // an old vessel goes after a fresh one of its MMSI
			d.order[k], d.orderMMSI[k] = d.order[i], d.orderMMSI[i]
			i--
		} else {
			d.order[k], d.orderMMSI[k] = d.fresh[j].v, d.fresh[j].mmsi
			j--
		}
	}
	clear(d.fresh)
	d.fresh = d.fresh[:0]
}

// resetOrder rebuilds the vessel order from the state (after LoadState).
func (d *Detector) resetOrder() {
	d.order, d.orderMMSI, d.fresh = d.order[:0], d.orderMMSI[:0], d.fresh[:0]
	for mmsi, v := range d.s.Vessels {
		d.fresh = append(d.fresh, newVessel{mmsi, v})
	}
	d.sortVessels()
}

// fillGrid puts the step's encounter candidates in the grid: vessels (not
// stations or beacons) under twice Encounter.MaxSpeedKn (see onPair). The
// coverage grid is filled only when asked (coverage).
func (d *Detector) fillGrid() {
	d.grid.Reset()
	d.covered = false
	lim := 2 * d.cfg.Encounter.MaxSpeedKn
	for i, p := range d.points() {
		if !p.notVessel && p.sogKn < lim {
			d.grid.Insert(i, p.latDeg, p.lonDeg)
		}
	}
}

// coverage returns the grid of every used segment's position at the current
// step, each by its MMSI, filling it on the first call of the step: only
// steps at which some segment is dark, or an event asks who was near, pay for it.
func (d *Detector) coverage() *geo.Grid {
	if !d.covered {
		d.cover.Reset()
		for _, p := range d.points() {
			d.cover.Insert(int32(p.key>>8), p.latDeg, p.lonDeg) // by MMSI (see near)
		}
		d.covered = true
	}
	return d.cover
}

// maintain follows, after the step, the segments of the vessels the walk
// found idle (some used segment without a point at this step, an unused one
// due to be dropped, no segment, or recent gaps and loiters): darkness and
// coverage for gaps, loitering of absent segments, dropping unused segments,
// history trimming and eviction. A vessel whose used segments all have a
// point needs none of it: locate and loiterStep keep its pins. Nor does an
// unused segment until it is dropped: at 100 k sparse vessels most have
// one, and visiting them again cost a tenth of the last-level cache misses
// of a scan there (cachegrind). Each walker follows
// its own vessels, in parallel, with the coverage grid built beforehand
// (they only read it) and evictions from the map done afterwards.
func (d *Detector) maintain(t int64) {
	d.pinRuns()
	if slices.ContainsFunc(d.active, func(w *walker) bool { return w.needCover }) {
		d.coverage().Build()
	}
	d.each(d.active, func(w *walker) { w.maintain(t) })
	for _, w := range d.active {
		for _, v := range w.gone {
			delete(d.s.Vessels, v.Ident.MMSI)
		}
		clear(w.gone)
		w.gone = w.gone[:0]
		d.mergeFound(w)
	}
}

// darkMatters reports whether a segment whose last fix is at lastMs can still
// give a gap event: always while input goes on; after Flush only when the
// silence up to the end of input reaches Gap.MinDuration (no fix comes any more).
func (d *Detector) darkMatters(lastMs int64) bool {
	return !d.flushed || d.endMs-lastMs >= d.p.gapMin
}

// darkQuestions are what segmentStep asks the coverage grid about a used
// segment without a position at step t: who is near as it goes dark (near),
// and whether anyone is within reach while it stays dark (reach). The walk
// asks it too, so the grid is built before segmentSteps run in parallel.
func (d *Detector) darkQuestions(v *vessel, s *segment, t int64) (near, reach bool) {
	l := s.last()
	dark := !v.NotVessel && d.darkMatters(l.T)
	return dark && s.Present, dark && !s.Covered && t > l.T+d.p.extrap
}

// unusedGone reports whether an unused segment whose last fix is at lastMs
// is dropped at step t (its fixes counted as outliers): silent for more than
// MaxInterpGap, it can no longer become a track.
func (d *Detector) unusedGone(lastMs, t int64) bool { return t-lastMs > d.p.interp }

// segmentStep updates one segment after the step and reports whether to keep it.
func (w *walker) segmentStep(v *vessel, s *segment, t int64) bool {
	d := w.d
	l := s.last()
	if !s.usable() {
		if d.unusedGone(l.T, t) {
			w.counts.Outliers += int64(s.N)
			return false
		}
		return true
	}
	present := s.located
	if !present {
		near, reach := d.darkQuestions(v, s, t)
		if near {
			s.NearDark = d.near(&w.nearBuf, l.LatDeg, l.LonDeg, v.Ident.MMSI)
		}
		if reach && d.coverage().Any(l.LatDeg, l.LonDeg, d.cfg.Gap.CoverageRadiusM) {
			s.Covered = true
		}
		if s.Loiter != nil && t-s.Loiter.Last > d.p.interp {
			w.closeLoiter(v, s)
		}
	}
	s.Present = present
	if s.Loiter != nil {
		s.Pin = min(s.Pin, s.Loiter.Start-d.p.pad)
	}
	if t-l.T > d.p.evict {
		if s.Loiter != nil {
			w.closeLoiter(v, s)
		}
		w.gapOpen(v, s, t)
		return false
	}
	return true
}

// nearScratch is near's buffers, one per goroutine.
type nearScratch struct {
	ids       []int32
	keys, tmp []radix.Key
}

// near returns the sorted MMSIs at the current step within nearRadiusM of a
// position, other than mmsi; nil when none. In a crowded port it finds
// hundreds, for every vessel going dark there (195 on average in the
// simulated global day): the grid's ids are the MMSIs, so nothing else is
// read, and they are radix-sorted (2.4x faster there than slices.Sort).
func (d *Detector) near(buf *nearScratch, latDeg, lonDeg float64, mmsi uint32) []uint32 {
	buf.ids = d.coverage().AppendNear(buf.ids[:0], latDeg, lonDeg, nearRadiusM)
	buf.keys = buf.keys[:0]
	for _, id := range buf.ids {
		if m := uint32(id); m != mmsi {
			buf.keys = append(buf.keys, radix.Key{Key: uint64(m)})
		}
	}
	if len(buf.keys) == 0 {
		return nil
	}
	buf.tmp = slices.Grow(buf.tmp[:0], len(buf.keys))
	out := make([]uint32, 0, len(buf.keys))
	for _, k := range radix.Sort(buf.keys, buf.tmp) {
		if m := uint32(k.Key); len(out) == 0 || out[len(out)-1] != m {
			out = append(out, m)
		}
	}
	return out
}

// collect queues an event of the current step for sorted emission.
func (d *Detector) collect(ev Event) { d.out = append(d.out, ev) }

// flushOut scores the step's events and emits them sorted by end, type, id and status.
func (d *Detector) flushOut() {
	slices.SortFunc(d.out, func(a, b Event) int {
		return cmp.Or(a.End.Compare(b.End), strings.Compare(a.Type, b.Type), strings.Compare(a.ID, b.ID), strings.Compare(a.Status, b.Status))
	})
	for i := range d.out {
		ev := &d.out[i]
		d.cfg.Rules.Apply(ev, d.env, d.evidence(ev))
		key := ev.Type
		if ev.Status == StatusOngoing {
			key = StatusOngoing
		}
		d.s.Counts.Events[key]++
		d.emit(*ev)
	}
	clear(d.out)
	d.out = d.out[:0]
}

// evidence gathers what the rules need to know about an event's vessels.
func (d *Detector) evidence(ev *Event) Evidence {
	n := len(ev.Vessels)
	e := Evidence{HasStatic: make([]bool, n), DarkBefore: make([]bool, n), LoiterBefore: make([]bool, n)}
	start, end := ev.Start.UnixMilli(), ev.End.UnixMilli()
	for i, vi := range ev.Vessels {
		v := d.s.Vessels[vi.MMSI]
		if v == nil {
			e.HasStatic[i] = hasStaticFields(vi)
			continue
		}
		e.HasStatic[i] = v.HasStatic
		for _, g := range v.Gaps {
			own := ev.Type == TypeGap && g.Start == start
			if !own && g.End >= start-d.p.merge && g.Start <= end+d.p.merge {
				e.DarkBefore[i] = true
			}
		}
		for _, l := range v.Loiters {
			if l.Start < start && l.End >= start-d.p.merge {
				e.LoiterBefore[i] = true
			}
		}
		for j := range v.Segs {
			if r := v.Segs[j].Loiter; r != nil && r.Last-r.Start >= d.p.loiterMin && r.Start < start {
				e.LoiterBefore[i] = true
			}
		}
	}
	return e
}

// trimHistory forgets gaps and loiters that ended before since.
func (v *vessel) trimHistory(since int64) {
	keep := func(s span) bool { return s.End < since }
	v.Gaps = slices.DeleteFunc(v.Gaps, keep)
	v.Loiters = slices.DeleteFunc(v.Loiters, keep)
}

// Flush closes every open run at the end of input and emits what qualifies:
// the remaining steps run with every record final, then open encounters,
// loiters and gaps are judged as they stand.
//
// Flush ends the input: later records are ignored and a second Flush does
// nothing. A live daemon that stops to resume later checkpoints with SaveState
// without calling Flush, so open runs continue after the restart; a detector
// restored from a checkpoint taken after Flush takes records again.
func (d *Detector) Flush() {
	if !d.s.Started || d.flushed {
		return
	}
	d.drain()
	d.flushed = true
	end := d.s.MaxT
	d.endMs = end
	for ; d.s.NextStep <= end; d.s.NextStep += d.p.step {
		d.step(d.s.NextStep, end)
	}
	t := d.s.NextStep - d.p.step
	d.stepT = t
	d.closeRuns(t, true)
	w := d.walkers[0]
	for _, v := range d.s.Vessels {
		for i := range v.Segs {
			s := &v.Segs[i]
			if !s.usable() {
				continue
			}
			if s.Loiter != nil {
				w.closeLoiter(v, s)
			}
			if end-s.last().T >= d.p.gapMin {
				w.gapOpen(v, s, end)
			}
		}
	}
	d.mergeFound(w)
	d.release(t, true)
	d.flushOut()
}

// Stats returns a snapshot of the counters.
func (d *Detector) Stats() Stats {
	d.drain() // the thinning counters
	c := &d.s.Counts
	st := Stats{
		Records: c.Records, Skipped: c.Skipped, Late: c.Late, Duplicates: c.Duplicates, Thinned: c.Thinned,
		Outliers: c.Outliers, ActiveVessels: len(d.s.Vessels),
		Invalid: make(map[string]int64, numInvalid), Events: make(map[string]int64, len(c.Events)),
	}
	for i, n := range c.Invalid {
		if n > 0 {
			st.Invalid[invalidNames[i]] = n
		}
	}
	for k, n := range c.Events {
		st.Events[k] = n
	}
	return st
}

// Vessel returns what is known of an MMSI for the live API: its identity and
// its recent fixes (the most recently heard track, final and pending).
func (d *Detector) Vessel(mmsi uint32) (Vessel, []TrackPoint, bool) {
	d.drain()
	v := d.s.Vessels[mmsi]
	if v == nil {
		return Vessel{}, nil, false
	}
	var best *segment
	for i := range v.Segs {
		if s := &v.Segs[i]; best == nil || (s.usable() && !best.usable()) || (s.usable() == best.usable() && s.last().T > best.last().T) {
			best = s
		}
	}
	var pts []TrackPoint
	if best != nil {
		pts = best.points(best.Fixes[best.stale()].T, math.MaxInt64)
	}
	for _, f := range v.Pending {
		pts = append(pts, TrackPoint{Time: msTime(f.T), LatDeg: f.LatDeg, LonDeg: f.LonDeg, SOGKn: max(knots(f.SOGKn), 0)})
	}
	id := v.Ident
	for i := range v.Statics {
		id.apply(&v.Statics[i])
	}
	return id, pts, true
}

// segment finds a segment by key, nil when it is gone.
func (d *Detector) segment(key uint64) (*vessel, *segment) {
	v := d.s.Vessels[uint32(key>>8)]
	if v == nil {
		return nil, nil
	}
	for i := range v.Segs {
		if s := &v.Segs[i]; s.Sub == uint8(key) {
			return v, s
		}
	}
	return v, nil
}
