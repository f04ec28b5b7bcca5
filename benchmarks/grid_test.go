package benchmarks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/quadtree"
	"github.com/stswatch/stswatch/geo"
	"github.com/stswatch/stswatch/geo/radix"
)

// pairRadiusM is the encounter radius of the detector (GFW's 500 m).
const pairRadiusM = 500

// clusteredFleet returns n positions in the Yellow and East China Seas shaped like AIS
// traffic: half in 500 harbour and anchorage clusters (Gaussian, σ 3 km), half spread
// over the region, deterministic by seed.
func clusteredFleet(n int) [][2]float64 {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	const latMin, latMax, lonMin, lonMax = 24.0, 41.0, 117.0, 131.0
	centres := make([][2]float64, 500)
	for i := range centres {
		centres[i] = [2]float64{latMin + r.Float64()*(latMax-latMin), lonMin + r.Float64()*(lonMax-lonMin)}
	}
	pts := make([][2]float64, n)
	for i := range pts {
		if i%2 == 0 {
			c := centres[r.IntN(len(centres))]
			dLat := r.NormFloat64() * 3000 / geo.MetresPerDegLat
			dLon := r.NormFloat64() * 3000 / geo.MetresPerDegLat / math.Cos(c[0]*math.Pi/180)
			pts[i] = [2]float64{c[0] + dLat, c[1] + dLon}
		} else {
			pts[i] = [2]float64{latMin + r.Float64()*(latMax-latMin), lonMin + r.Float64()*(lonMax-lonMin)}
		}
	}
	return pts
}

// gridStepPairs is the system under test: one detector step (Reset, Insert all, Pairs).
func gridStepPairs(g *geo.Grid, pts [][2]float64) int {
	g.Reset()
	for i, p := range pts {
		g.Insert(int32(i), p[0], p[1])
	}
	n := 0
	g.Pairs(pairRadiusM, func(a, b int32, distM float64) { n++ })
	return n
}

// naiveAllPairs is the all-pairs baseline.
func naiveAllPairs(pts [][2]float64) int {
	n := 0
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			if geo.DistanceM(pts[i][0], pts[i][1], pts[j][0], pts[j][1]) <= pairRadiusM {
				n++
			}
		}
	}
	return n
}

// qPoint is a position in orb's quadtree.
type qPoint struct {
	p  orb.Point
	id int
}

// Point implements orb.Pointer.
func (q *qPoint) Point() orb.Point { return q.p }

// quadtreePairs is the library baseline: build orb's quadtree, then query each
// point's bound (radius converted to degrees at its latitude) and keep later ids within the radius.
func quadtreePairs(pts [][2]float64) int {
	qt := quadtree.New(orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}})
	for i, p := range pts {
		if err := qt.Add(&qPoint{p: orb.Point{p[1], p[0]}, id: i}); err != nil {
			panic(err)
		}
	}
	n := 0
	var buf []orb.Pointer
	dLat := pairRadiusM / geo.MetresPerDegLat
	for i, p := range pts {
		dLon := dLat / math.Cos(p[0]*math.Pi/180)
		buf = qt.InBound(buf[:0], orb.Bound{Min: orb.Point{p[1] - dLon, p[0] - dLat}, Max: orb.Point{p[1] + dLon, p[0] + dLat}})
		for _, o := range buf {
			q := o.(*qPoint)
			if q.id > i && geo.DistanceM(p[0], p[1], q.p[1], q.p[0]) <= pairRadiusM {
				n++
			}
		}
	}
	return n
}

// baseline is one timed run of a baseline: its time, its allocations and its answer.
type baseline struct {
	ns, allocs float64
	answer     int
}

// baselines caches each baseline by name: the testing package calls a benchmark
// function several times while sizing b.N, and a slow baseline needs timing once.
var baselines = map[string]baseline{}

// measureBaseline runs f once (or returns the cached run) and records its time and allocations.
func measureBaseline(name string, f func() int) baseline {
	if bl, ok := baselines[name]; ok {
		return bl
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	answer := f()
	ns := float64(time.Since(start).Nanoseconds())
	runtime.ReadMemStats(&after)
	bl := baseline{ns: ns, allocs: float64(after.Mallocs - before.Mallocs), answer: answer}
	baselines[name] = bl
	return bl
}

// nsPerOp returns the benchmark's measured time per operation.
func nsPerOp(b *testing.B) float64 { return float64(b.Elapsed().Nanoseconds()) / float64(b.N) }

// BenchmarkPairs500m measures one detector step — all pairs within 500 m among N
// positions — with geo.Grid against orb's quadtree (baseline-ns/op,
// baseline-allocs/op, x-vs-quadtree) and, where feasible, naive all-pairs
// (x-vs-naive); each baseline runs once in the same process on the same positions
// and must find the same pairs.
func BenchmarkPairs500m(b *testing.B) {
	for _, n := range []int{20_000, 100_000, 1_000_000} {
		pts := clusteredFleet(n)
		b.Run(fmt.Sprintf("grid/n=%d", n), func(b *testing.B) {
			g := geo.NewGrid(pairRadiusM)
			want := gridStepPairs(g, pts) // warm: the grid reuses its memory
			qt := measureBaseline(fmt.Sprint("quadtree/", n), func() int { return quadtreePairs(pts) })
			if qt.answer != want {
				b.Fatalf("quadtree found %d pairs, grid %d", qt.answer, want)
			}
			var naive baseline
			if n <= 20_000 {
				naive = measureBaseline(fmt.Sprint("naive/", n), func() int { return naiveAllPairs(pts) })
				if naive.answer != want {
					b.Fatalf("naive found %d pairs, grid %d", naive.answer, want)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if got := gridStepPairs(g, pts); got != want {
					b.Fatalf("grid found %d pairs, want %d", got, want)
				}
			}
			b.ReportMetric(float64(want), "pairs")
			b.ReportMetric(qt.ns, "baseline-ns/op")
			b.ReportMetric(qt.allocs, "baseline-allocs/op")
			b.ReportMetric(qt.ns/nsPerOp(b), "x-vs-quadtree")
			if naive.ns > 0 {
				b.ReportMetric(naive.ns/nsPerOp(b), "x-vs-naive")
			}
		})
	}
}

// clusteredGrid returns 100 k clustered positions (clusteredFleet) and a
// built grid of them with cells of cellM, each by its index.
func clusteredGrid(cellM float64) ([][2]float64, *geo.Grid) {
	pts := clusteredFleet(100_000)
	g := geo.NewGrid(cellM)
	for i, p := range pts {
		g.Insert(int32(i), p[0], p[1])
	}
	g.Build()
	return pts, g
}

// BenchmarkCoverage50km measures the gap detector's coverage question — is any other
// vessel within 50 km? — on a 500 m grid of 100 k positions, against a linear scan
// (stopping at the first hit) timed in the same run.
func BenchmarkCoverage50km(b *testing.B) {
	const radiusM = 50_000
	pts, g := clusteredGrid(pairRadiusM)
	r := rand.New(rand.NewPCG(7, 7))
	queries := make([][2]float64, 1024)
	for i := range queries { // inside the region and in the empty ocean east of it
		queries[i] = [2]float64{20 + r.Float64()*25, 115 + r.Float64()*30}
	}
	linear := func(q [2]float64) bool {
		for _, p := range pts {
			if geo.DistanceM(q[0], q[1], p[0], p[1]) <= radiusM {
				return true
			}
		}
		return false
	}
	lin := measureBaseline("linear-coverage", func() int {
		for _, q := range queries[:256] {
			linear(q)
		}
		return 0
	})
	linearNs := lin.ns / 256
	hits := 0
	for _, q := range queries[:256] {
		got := g.Any(q[0], q[1], radiusM)
		if got != linear(q) {
			b.Fatalf("Any(%v) = %v, the linear scan says otherwise", q, got)
		}
		if got {
			hits++
		}
	}
	if hits == 0 || hits == 256 {
		b.Fatalf("%d of 256 queries covered: the benchmark needs both kinds", hits)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		g.Any(q[0], q[1], radiusM)
	}
	b.ReportMetric(linearNs, "baseline-ns/op")
	b.ReportMetric(linearNs/nsPerOp(b), "x-vs-linear")
}

// BenchmarkNear5km measures the gap detector's "who was near where it went
// dark": the sorted ids within 5 km of a position, in the harbour clusters of
// 100 k positions, as the detector asks it (geo.Grid.AppendNear, then a radix
// sort), against the same grid's Near with a callback and slices.Sort (the
// detector's way before 2026-11-27 17:30 UTC), timed in the same run; both must
// give the same ids.
func BenchmarkNear5km(b *testing.B) {
	const radiusM = 5000
	pts, g := clusteredGrid(radiusM)
	queries := make([][2]float64, 256)
	for i := range queries {
		queries[i] = pts[2*i*97%len(pts)] // even indices: in a cluster
	}
	var ids []int32
	var keys, tmp []radix.Key
	appended := func(q [2]float64, out []int32) []int32 {
		ids = g.AppendNear(ids[:0], q[0], q[1], radiusM)
		keys = keys[:0]
		for _, id := range ids {
			keys = append(keys, radix.Key{Key: uint64(id)})
		}
		tmp = slices.Grow(tmp[:0], len(keys))
		for _, k := range radix.Sort(keys, tmp) {
			out = append(out, int32(k.Key))
		}
		return out
	}
	sorted := func(q [2]float64, out []int32) []int32 {
		g.Near(q[0], q[1], radiusM, func(id int32, _ float64) { out = append(out, id) })
		slices.Sort(out)
		return out
	}
	near := 0
	for _, q := range queries {
		want := sorted(q, nil)
		if got := appended(q, nil); !slices.Equal(got, want) {
			b.Fatalf("near %v: AppendNear gives %d ids, Near %d", q, len(got), len(want))
		}
		near += len(want)
	}
	if near < 10*len(queries) {
		b.Fatalf("%d ids near %d queries: the benchmark needs crowds", near, len(queries))
	}
	const passes = 20
	out := sorted(queries[0], nil) // warm, as the timed loop is
	base := measureBaseline("near-sort-5km", func() int {
		for range passes {
			for _, q := range queries {
				out = sorted(q, out[:0])
			}
		}
		return 0
	})
	baseNs := base.ns / float64(passes*len(queries))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		out = appended(queries[i%len(queries)], out[:0])
	}
	b.ReportMetric(float64(near)/float64(len(queries)), "ids/op")
	b.ReportMetric(baseNs, "baseline-ns/op")
	b.ReportMetric(baseNs/nsPerOp(b), "x-vs-near-sort")
}
