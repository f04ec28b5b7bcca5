package detect

import (
	"cmp"
	"iter"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo/radix"
)

// walker is one share of a step's walk over the vessels: a contiguous run
// of them in MMSI order. All the state a vessel's walk changes is the
// vessel's own, except what it finds and counts, which stays here until the
// walk is over and then merges in vessel order (see merge), so events,
// counters and their order do not depend on how the shares were run.
type walker struct {
	d        *Detector
	vs       []*vessel       // its vessels at this step
	vsMMSI   []uint32        // their MMSIs (read here, not from the vessels: a cache line fewer each)
	queued   []radix.Key     // their queued positions: MMSIs, and indexes in the inbox
	counts   counters        // Thinned, Duplicates and Outliers only
	keep     []*vessel       // its vessels still tracked (not gone)
	keepMMSI []uint32        // their MMSIs
	obs      []ais.Record    // static records for the identity checks
	obsPos   []obsPos        // positions for the identity checks
	pts      []stepPoint     // its segments' positions at the step
	idle     []*vessel       // its vessels for maintain
	gone     []*vessel       // its vessels maintain evicted, for the map
	out      []Event         // events found
	waiting  []*waitingEvent // events waiting for their padding
	scratch  []float64       // for medians
	nearBuf  nearScratch

	needCover bool // some idle vessel has a track without a position: maintain asks the coverage grid
}

// walkMinVessels is the fewest vessels worth a share of their own: below
// it, handing it to another goroutine costs more than it saves.
const walkMinVessels = 2048

// sharesPerWorker is how many shares each goroutine has: one, because more
// (tried: 2 and 4) split the vessels' cache lines among more cores for no
// gain on this 2-core machine (benchmarks.Scan). The shares are still taken
// in turn, so one a goroutine cannot start (decoding holds the cores) is
// done by another instead of holding up the step.
const sharesPerWorker = 1

// SetWorkers sets how many goroutines share each step's work over the
// vessels (with at least walkMinVessels vessels per share); n < 1 means
// GOMAXPROCS, the default. The events are the same for every n.
func (d *Detector) SetWorkers(n int) {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	d.workers, d.walkMin = n, walkMinVessels
	d.shares(1)
}

// shares returns n walkers, making the ones missing.
func (d *Detector) shares(n int) []*walker {
	for len(d.walkers) < n {
		d.walkers = append(d.walkers, &walker{d: d})
	}
	return d.walkers[:n]
}

// each runs fn on every walker, on up to Detector.workers goroutines (this
// one included), each taking the next walker not yet taken.
func (d *Detector) each(ws []*walker, fn func(*walker)) {
	var next atomic.Int32
	work := func() {
		for i := int(next.Add(1)) - 1; i < len(ws); i = int(next.Add(1)) - 1 {
			fn(ws[i])
		}
	}
	var wg sync.WaitGroup
	for range min(d.workers, len(ws)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// walk cuts the vessels into contiguous shares, each with the queued
// positions of its MMSIs, walks them, and merges what they found.
func (d *Detector) walk(t, horizon int64, queued []radix.Key) {
	n := min(sharesPerWorker*d.workers, max(1, len(d.order)/d.walkMin))
	for _, w := range d.walkers { // the last step's points
		clear(w.pts)
		w.pts = w.pts[:0]
	}
	ws := d.shares(n)
	d.active = ws
	lo := 0
	for i, w := range ws {
		// an MMSI evicted and heard again has two vessels: both in one share, with its queue
		hi := shareEnd(i, n, lo, len(d.order), func(j int) bool { return d.orderMMSI[j] == d.orderMMSI[j-1] })
		w.queued = queued
		if hi < len(d.order) {
			k, _ := slices.BinarySearchFunc(queued, d.orderMMSI[hi], func(q radix.Key, m uint32) int { return cmp.Compare(uint32(q.Key), m) })
			w.queued, queued = queued[:k], queued[k:]
		}
		w.vs, w.vsMMSI = d.order[lo:hi], d.orderMMSI[lo:hi]
		lo = hi
	}
	d.each(ws, func(w *walker) { w.walk(t, horizon) })
	for _, w := range ws {
		w.vs, w.vsMMSI, w.queued = nil, nil, nil
	}
	d.merge(ws)
}

// shareEnd is where share i of n of a run of length items sorted by MMSI
// ends, the share starting at lo: moved past the items whose MMSI is the one
// before them (sameMMSI(j): item j has item j-1's MMSI), so that an MMSI
// stays in one share.
func shareEnd(i, n, lo, length int, sameMMSI func(j int) bool) int {
	hi := max(length*(i+1)/n, lo)
	for hi < length && hi > lo && sameMMSI(hi) {
		hi++
	}
	return hi
}

// walk visits its vessels: adds their queued positions, finalizes their
// static records and fixes up to horizon, and locates them at step t, while
// each vessel is in cache.
func (w *walker) walk(t, horizon int64) {
	queued := w.queued
	for i, v := range w.vs {
		if v.gone {
			continue
		}
		mmsi := w.vsMMSI[i]
		w.keep, w.keepMMSI = append(w.keep, v), append(w.keepMMSI, mmsi)
		queued = w.addQueued(v, mmsi, queued)
		n, changed := 0, false
		for ; n < len(v.Statics) && v.Statics[n].Time.UnixMilli() <= horizon; n++ {
			r := &v.Statics[n]
			v.LastHeard = max(v.LastHeard, r.Time.UnixMilli())
			if last, data := &v.LastStatic[partIndex(r)], staticOf(r); *last != data { // an empty one has no Kind
				v.HasStatic, *last, changed = true, data, true
				w.obs = append(w.obs, *r)
			}
		}
		clear(v.Statics[:n])
		v.Statics = v.Statics[:copy(v.Statics, v.Statics[n:])]
		if f, ok := w.finalize(v, horizon); ok && (!v.Observed || changed) {
			v.Observed = true
			w.obsPos = append(w.obsPos, obsPos{ms: f.T, mmsi: mmsi, latDeg: f.LatDeg, lonDeg: f.LonDeg})
		}
		if !w.locate(v, mmsi, t) || len(v.Gaps) > 0 || len(v.Loiters) > 0 {
			w.idle = append(w.idle, v)
		}
	}
}

// maintain follows its idle vessels after the step (see Detector.maintain).
func (w *walker) maintain(t int64) {
	d := w.d
	for _, v := range w.idle {
		n := 0
		for i := range v.Segs {
			if s := &v.Segs[i]; w.segmentStep(v, s, t) {
				v.Segs[n] = *s
				n++
			}
		}
		clear(v.Segs[n:])
		v.Segs = v.Segs[:n]
		v.trimHistory(t - d.p.evict)
		if len(v.Segs) == 0 && len(v.Pending) == 0 && len(v.Statics) == 0 && t-v.LastHeard > d.p.evict {
			v.gone = true // the next walk drops it from the order
			w.gone = append(w.gone, v)
		}
	}
	clear(w.idle)
	w.idle, w.needCover = w.idle[:0], false
}

// merge takes over what the walkers found, in their order (the vessels').
// Their points stay with them until the next walk, numbered in that order
// (see points): copying them into one slice cost 7 % of a scan of 100 k
// sparse vessels (BenchmarkScan), growing it as vessels joined.
func (d *Detector) merge(ws []*walker) {
	d.order, d.orderMMSI = d.order[:0], d.orderMMSI[:0]
	for _, w := range ws {
		d.order, d.orderMMSI = append(d.order, w.keep...), append(d.orderMMSI, w.keepMMSI...)
		clear(w.keep)
		w.keep, w.keepMMSI = w.keep[:0], w.keepMMSI[:0]
		d.mergeFound(w)
	}
}

// points yields the step's points with their numbers: the active walkers'
// in turn, so in segment-key order.
func (d *Detector) points() iter.Seq2[int32, *stepPoint] {
	return func(yield func(int32, *stepPoint) bool) {
		i := int32(0)
		for _, w := range d.active {
			for j := range w.pts {
				if !yield(i, &w.pts[j]) {
					return
				}
				i++
			}
		}
	}
}

// point is the step's point number i (see points).
func (d *Detector) point(i int32) *stepPoint {
	last := len(d.active) - 1
	for _, w := range d.active[:last] {
		if int(i) < len(w.pts) {
			return &w.pts[i]
		}
		i -= int32(len(w.pts))
	}
	return &d.active[last].pts[i]
}

// mergeFound takes over a walker's events and counts.
func (d *Detector) mergeFound(w *walker) {
	c := &d.s.Counts
	c.Thinned += w.counts.Thinned
	c.Duplicates += w.counts.Duplicates
	c.Outliers += w.counts.Outliers
	w.counts.Thinned, w.counts.Duplicates, w.counts.Outliers = 0, 0, 0
	d.out = append(d.out, w.out...)
	d.s.Waiting = append(d.s.Waiting, w.waiting...)
	clear(w.out)
	clear(w.waiting)
	w.out, w.waiting = w.out[:0], w.waiting[:0]
}

// locate adds the vessel's used segments interpolated at t to the step's
// points, in segment-key order (vessels come in MMSI order), and reports
// whether maintain has nothing to do for its segments: every used one has a
// point and no unused one is due to be dropped. It first trims each
// segment's history to the pin of the last step.
func (w *walker) locate(v *vessel, mmsi uint32, t int64) (all bool) {
	d := w.d
	pin := max(d.p.pad, d.p.interp)
	from := len(w.pts)
	all = len(v.Segs) > 0
	for i := range v.Segs {
		s := &v.Segs[i]
		used := s.usable()
		s.located = false
		if used {
			s.trim() // to the last step's pin, before it moves
		}
		last := s.last().T
		s.Pin = min(t, last) - pin
		if !used {
			all = all && !d.unusedGone(last, t) // else segmentStep drops it
			continue
		}
		lat, lon, sog, ok := d.posAt(s, t)
		if !ok {
			all = false
			near, reach := d.darkQuestions(v, s, t)
			w.needCover = w.needCover || near || reach
			continue
		}
		s.located, s.Present = true, true
		w.pts = append(w.pts, stepPoint{v: v, s: s, key: segKey(mmsi, s.Sub), latDeg: lat, lonDeg: lon, sogKn: sog,
			notVessel: v.NotVessel, loitering: s.Loiter != nil})
	}
	for i := from + 1; i < len(w.pts); i++ { // a vessel's few segments by sub-track key
		for j := i; j > from && w.pts[j].key < w.pts[j-1].key; j-- {
			w.pts[j], w.pts[j-1] = w.pts[j-1], w.pts[j]
		}
	}
	return all
}

// obsKeep is the largest identity-check buffer kept from one step to the
// next: the steps after a burst of new vessels (the first ones of a scan)
// need far fewer, and 168 bytes a static record (32 a position) are worth
// giving back.
const obsKeep = 1 << 12

// reuse empties a buffer of identity-check records for the next step, or
// lets it go when a burst made it larger than obsKeep.
func reuse[T any](s []T) []T {
	if cap(s) > obsKeep {
		return nil
	}
	clear(s)
	return s[:0]
}
