package geo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pair is one result of Pairs or of the naive search.
type pair struct {
	a, b  int32
	distM float64
}

// naivePairs is the all-pairs reference: every pair within maxDistM, a < b, sorted.
func naivePairs(pts [][2]float64, maxDistM float64) []pair {
	var out []pair
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			if d := DistanceM(pts[i][0], pts[i][1], pts[j][0], pts[j][1]); d <= maxDistM {
				out = append(out, pair{int32(i), int32(j), d})
			}
		}
	}
	sortPairs(out)
	return out
}

func sortPairs(ps []pair) {
	slices.SortFunc(ps, func(x, y pair) int {
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(x.b, y.b)
	})
}

// gridPairs runs Pairs and returns its results in call order.
func gridPairs(g *Grid, maxDistM float64) []pair {
	var out []pair
	g.Pairs(maxDistM, func(a, b int32, d float64) { out = append(out, pair{a, b, d}) })
	return out
}

// cluster returns n points scattered around (lat, lon) within about spreadM metres,
// wrapped into ±180° and clamped to ±90°.
func cluster(r *rand.Rand, n int, lat, lon, spreadM float64) [][2]float64 {
	out := make([][2]float64, n)
	for i := range out {
		pLat := lat + (r.Float64()*2-1)*spreadM/MetresPerDegLat
		pLat = max(-90, min(90, pLat))
		c := math.Max(math.Cos(pLat*radPerDeg), 1e-3)
		pLon := lon + (r.Float64()*2-1)*spreadM/MetresPerDegLat/c
		pLon = math.Mod(pLon+180, 360)
		if pLon < 0 {
			pLon += 360
		}
		pLon -= 180
		if r.IntN(50) == 0 { // exact duplicates and edge values happen in real data
			switch r.IntN(4) {
			case 0:
				pLon = 180
			case 1:
				pLon = -180
			case 2:
				if i > 0 {
					pLat, pLon = out[i-1][0], out[i-1][1]
				}
			case 3:
				pLat = math.Copysign(90, lat)
			}
		}
		out[i] = [2]float64{pLat, pLon}
	}
	return out
}

// scenarios are point sets where a grid is easy to get wrong.
func scenarios(r *rand.Rand) map[string][][2]float64 {
	return map[string][][2]float64{
		"yellow sea":           cluster(r, 300, 38.5, 124, 5000),
		"antimeridian equator": cluster(r, 300, 0, 180, 3000),
		"antimeridian 65N":     cluster(r, 300, 65, -179.99, 3000),
		"north pole":           cluster(r, 300, 89.5, 0, 60000),
		"south 85..90":         cluster(r, 300, -87.5, 100, 280000),
		"south pole tight":     cluster(r, 260, -89.99, -30, 3000),
		"equator":              cluster(r, 260, 0, 0, 2000),
		"global sparse":        cluster(r, 260, 0, 0, 2e7),
	}
}

func TestGridPairsMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for name, pts := range scenarios(r) {
		all := naivePairs(pts, 5000) // computed once, filtered per radius below
		for _, cellM := range []float64{500, 2000} {
			for _, maxDistM := range []float64{cellM, cellM / 3, 2.5 * cellM} {
				g := NewGrid(cellM)
				for i, p := range pts {
					g.Insert(int32(i), p[0], p[1])
				}
				got := gridPairs(g, maxDistM)
				for _, p := range got {
					require.Less(t, p.a, p.b, "%s: a < b", name)
				}
				sortPairs(got)
				var want []pair
				for _, p := range all {
					if p.distM <= maxDistM {
						want = append(want, p)
					}
				}
				require.Equal(t, want, got, "%s cell %v max %v", name, cellM, maxDistM)
				if maxDistM == cellM {
					require.NotEmpty(t, want, "%s: scenario must have pairs to be a test", name)
				}
			}
		}
	}
}

func TestGridNearMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for name, pts := range scenarios(r) {
		g := NewGrid(500)
		for i, p := range pts {
			g.Insert(int32(i), p[0], p[1])
		}
		queries := append(cluster(r, 30, pts[0][0], pts[0][1], 5000), [2]float64{90, 0}, [2]float64{-90, 0}, [2]float64{0, 180}, [2]float64{0, -180})
		for _, q := range queries {
			for _, radiusM := range []float64{0, 300, 500, 5000, 100000, 1.5e7, 3e7} {
				var got, want []pair
				g.Near(q[0], q[1], radiusM, func(id int32, d float64) { got = append(got, pair{a: id, distM: d}) })
				for i, p := range pts {
					if d := DistanceM(q[0], q[1], p[0], p[1]); d <= radiusM {
						want = append(want, pair{a: int32(i), distM: d})
					}
				}
				var order []int32
				for _, p := range got {
					order = append(order, p.a)
				}
				require.Equal(t, order, g.AppendNear(nil, q[0], q[1], radiusM), "%s: AppendNear %v within %v, in Near's order", name, q, radiusM)
				sortPairs(got)
				require.Equal(t, want, got, "%s: near %v within %v", name, q, radiusM)
				require.Equal(t, len(want) > 0, g.Any(q[0], q[1], radiusM), "%s: any near %v within %v", name, q, radiusM)
			}
		}
	}
}

func TestGridDeterministicOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pts := cluster(r, 2000, 0, 179.995, 4000)
	g := NewGrid(500)
	for i, p := range pts {
		g.Insert(int32(i), p[0], p[1])
	}
	first := gridPairs(g, 500)
	require.NotEmpty(t, first)

	// Built once, concurrent readers see the same pairs (run with -race to check the claim).
	g.Build()
	done := make(chan []pair)
	for range 2 {
		go func() { done <- gridPairs(g, 500) }()
	}
	assert.Equal(t, first, <-done)
	assert.Equal(t, first, <-done)

	// Reinsert in another order after Reset: same calls in the same order.
	order := r.Perm(len(pts))
	g.Reset()
	require.Zero(t, g.Len())
	for _, i := range order {
		g.Insert(int32(i), pts[i][0], pts[i][1])
	}
	assert.Equal(t, first, gridPairs(g, 500))
}

func TestGridIgnoresInvalid(t *testing.T) {
	g := NewGrid(500)
	g.Insert(1, math.NaN(), 0)
	g.Insert(2, 91, 0)
	g.Insert(3, 0, 180.5)
	g.Insert(4, 0, 0)
	g.Insert(5, 0, 0.001)
	assert.Equal(t, 2, g.Len())
	assert.Equal(t, []pair{{4, 5, DistanceM(0, 0, 0, 0.001)}}, gridPairs(g, 500))
	called := false
	g.Near(math.NaN(), 0, 1e6, func(int32, float64) { called = true })
	g.Pairs(math.NaN(), func(int32, int32, float64) { called = true })
	assert.False(t, called)
	assert.Len(t, gridPairs(g, math.Inf(1)), 1, "an infinite radius pairs everything")
	g.Insert(6, -90, 0)
	assert.Len(t, gridPairs(g, 1e30), 3, "so does a radius past the antipodes")
	assert.True(t, g.Any(0, 0.0005, 100))
	assert.False(t, g.Any(1, 0, 1000))
}

// TestGridAtTheRadius puts points a hair inside and outside the radius, where
// AppendNear and Any decide without the arcsine Near takes: they must agree
// with DistanceM to the last bit.
func TestGridAtTheRadius(t *testing.T) {
	const lat, lon, radiusM = 38.0, 124.0, 5000.0
	c := math.Cos(lat * radPerDeg)
	g := NewGrid(nearCellM)
	var want []int32
	var pts [][2]float64
	for _, offM := range []float64{-1, -1e-3, -1e-6, -1e-9, 0, 1e-9, 1e-6, 1e-3, 1} {
		for _, dir := range [][2]float64{{1, 0}, {-1, 0}, {0, 1 / c}, {0, -1 / c}, {0.6, 0.8 / c}} {
			d := (radiusM + offM) / MetresPerDegLat
			pts = append(pts, [2]float64{lat + dir[0]*d, lon + dir[1]*d})
		}
	}
	for i, p := range pts {
		g.Insert(int32(i), p[0], p[1])
		if DistanceM(lat, lon, p[0], p[1]) <= radiusM {
			want = append(want, int32(i))
		}
	}
	require.NotEmpty(t, want)
	require.Less(t, len(want), len(pts), "some points must be outside")
	got := g.AppendNear(nil, lat, lon, radiusM)
	slices.Sort(got)
	require.Equal(t, want, got)
	for i, p := range pts {
		one := NewGrid(nearCellM)
		one.Insert(0, p[0], p[1])
		require.Equal(t, slices.Contains(want, int32(i)), one.Any(lat, lon, radiusM), "point %d", i)
	}
}

// nearCellM is the cell of the grids of the tests at the radius.
const nearCellM = 5000

func TestGridNoAllocWhenWarm(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pts := cluster(r, 5000, 38, 124, 20000)
	g := NewGrid(500)
	var n int
	count := func(int32, int32, float64) { n++ }
	near := func(int32, float64) { n++ }
	var ids []int32
	step := func() {
		g.Reset()
		for i, p := range pts {
			g.Insert(int32(i), p[0], p[1])
		}
		g.Pairs(500, count)
		g.Near(38, 124, 1000, near)
		ids = g.AppendNear(ids[:0], 38, 124, 1000)
	}
	step()
	assert.Zero(t, testing.AllocsPerRun(5, step))
	assert.Positive(t, n)
}

// FuzzGridPairs checks Pairs, Near and AppendNear against the naive search on point sets the
// fuzzer shapes around the places a grid is easy to get wrong.
func FuzzGridPairs(f *testing.F) {
	f.Add(byte(0), []byte("\x00\x01\x7f\xff\x80\x00\x00\x00\x10\x20\x30\x40\xff\xff\xff\xff"))
	f.Add(byte(1), []byte("\x00\x00\x00\x00\x7f\xff\x7f\xff\x80\x01\x80\x01\x12\x34\x56\x78\x00\x00\x00\x00"))
	f.Add(byte(3), []byte("\x40\x00\xc0\x00\x40\x01\xc0\x01\x41\x00\xc1\x00"))
	centres := [][2]float64{{0, 180}, {89.99, 0}, {-89.995, 77}, {38.5, 124.2}, {65, -179.999}, {-30, -180}}
	f.Fuzz(func(t *testing.T, where byte, data []byte) {
		c := centres[int(where)%len(centres)]
		var pts [][2]float64
		for i := 0; i+4 <= len(data) && len(pts) < 300; i += 4 {
			dy := float64(int16(uint16(data[i])<<8|uint16(data[i+1]))) / 32768
			dx := float64(int16(uint16(data[i+2])<<8|uint16(data[i+3]))) / 32768
			lat := max(-90, min(90, c[0]+dy*0.02))
			lon := c[1] + dx*0.05
			if lon > 180 {
				lon -= 360
			} else if lon < -180 {
				lon += 360
			}
			pts = append(pts, [2]float64{lat, lon})
		}
		g := NewGrid(500)
		for i, p := range pts {
			g.Insert(int32(i), p[0], p[1])
		}
		got := gridPairs(g, 500)
		sortPairs(got)
		if want := naivePairs(pts, 500); !slices.Equal(want, got) {
			t.Fatalf("Pairs %v, naive %v", got, want)
		}
		if len(pts) > 0 {
			var near []int32
			g.Near(pts[0][0], pts[0][1], 1500, func(id int32, _ float64) { near = append(near, id) })
			slices.Sort(near)
			var want []int32
			for i, p := range pts {
				if DistanceM(pts[0][0], pts[0][1], p[0], p[1]) <= 1500 {
					want = append(want, int32(i))
				}
			}
			if !slices.Equal(want, near) {
				t.Fatalf("Near %v, naive %v", near, want)
			}
			if appended := g.AppendNear(nil, pts[0][0], pts[0][1], 1500); !slices.Equal(want, slices.Sorted(slices.Values(appended))) {
				t.Fatalf("AppendNear %v, naive %v", appended, want)
			}
		}
	})
}
