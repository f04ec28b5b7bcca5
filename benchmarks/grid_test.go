package benchmarks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/quadtree"
	"github.com/stswatch/stswatch/geo"
)

// pairRadiusM is the encounter radius of the detector (GFW's 500 m).
const pairRadiusM = 500

// fleet returns n positions in the Yellow and East China Seas shaped like AIS
// traffic: half in 500 harbour and anchorage clusters (Gaussian, σ 3 km), half spread
// over the region, deterministic by seed.
func fleet(n int) [][2]float64 {
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

// gridPairs is the system under test: one detector step (Reset, Insert all, Pairs).
func gridPairs(g *geo.Grid, pts [][2]float64) int {
	g.Reset()
	for i, p := range pts {
		g.Insert(int32(i), p[0], p[1])
	}
	n := 0
	g.Pairs(pairRadiusM, func(a, b int32, distM float64) { n++ })
	return n
}

// naivePairs is the all-pairs baseline.
func naivePairs(pts [][2]float64) int {
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

// timeOnce runs f once and returns how long it took and its result.
func timeOnce(f func() int) (time.Duration, int) {
	start := time.Now()
	n := f()
	return time.Since(start), n
}

// BenchmarkPairs500m measures one detector step — all pairs within 500 m among N
// positions — with geo.Grid, and reports its speed-up over orb's quadtree (and over
// naive all-pairs where that is feasible), each baseline timed once in the same run
// on the same positions and checked to find the same number of pairs.
func BenchmarkPairs500m(b *testing.B) {
	for _, n := range []int{20_000, 100_000, 1_000_000} {
		pts := fleet(n)
		b.Run(fmt.Sprintf("grid/n=%d", n), func(b *testing.B) {
			g := geo.NewGrid(pairRadiusM)
			want := gridPairs(g, pts) // warm: the grid reuses its memory
			qtTime, qtPairs := timeOnce(func() int { return quadtreePairs(pts) })
			if qtPairs != want {
				b.Fatalf("quadtree found %d pairs, grid %d", qtPairs, want)
			}
			var naiveTime time.Duration
			if n <= 20_000 {
				var naive int
				naiveTime, naive = timeOnce(func() int { return naivePairs(pts) })
				if naive != want {
					b.Fatalf("naive found %d pairs, grid %d", naive, want)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if got := gridPairs(g, pts); got != want {
					b.Fatalf("grid found %d pairs, want %d", got, want)
				}
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(float64(want), "pairs")
			b.ReportMetric(float64(qtTime.Nanoseconds())/perOp, "x-vs-quadtree")
			if naiveTime > 0 {
				b.ReportMetric(float64(naiveTime.Nanoseconds())/perOp, "x-vs-naive")
			}
		})
	}
}

// BenchmarkQuadtreePairs500m is orb's quadtree alone, to show its allocations next to the grid's.
func BenchmarkQuadtreePairs500m(b *testing.B) {
	pts := fleet(100_000)
	g := geo.NewGrid(pairRadiusM)
	want := gridPairs(g, pts)
	gridTime, _ := timeOnce(func() int { return gridPairs(g, pts) })
	for b.Loop() {
		if got := quadtreePairs(pts); got != want {
			b.Fatalf("quadtree found %d pairs, grid %d", got, want)
		}
	}
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp/float64(gridTime.Nanoseconds()), "x-slower-than-grid")
}

// BenchmarkCoverage50km measures the gap detector's coverage question — is any other
// vessel within 50 km? — on a 500 m grid of 100 k positions, against a linear scan
// (stopping at the first hit) timed in the same run.
func BenchmarkCoverage50km(b *testing.B) {
	const radiusM = 50_000
	pts := fleet(100_000)
	g := geo.NewGrid(pairRadiusM)
	for i, p := range pts {
		g.Insert(int32(i), p[0], p[1])
	}
	g.Build()
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
	start := time.Now()
	for _, q := range queries[:256] {
		linear(q)
	}
	linearNs := float64(time.Since(start).Nanoseconds()) / 256
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
	b.ReportMetric(linearNs/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "x-vs-linear")
}
