package geo

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/stretchr/testify/assert"
)

func TestDistanceM(t *testing.T) {
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		wantM, tolM            float64
	}{
		{"same point", 38.5, 124.3, 38.5, 124.3, 0, 0},
		{"one degree of latitude", 10, 20, 11, 20, 111195.08, 0.01},
		{"one degree of longitude at the equator", 0, 20, 0, 21, 111195.08, 0.01},
		{"one degree of longitude at 60N is half", 60, 20, 60, 21, 55597.2, 1},
		{"across the antimeridian", 0, 179.99, 0, -179.99, 2223.9, 0.1},
		{"across the antimeridian at 60S", -60, -179.995, -60, 179.995, 555.97, 0.05},
		{"over the north pole", 89.99, 0, 89.99, 180, 2223.9, 0.1},
		{"pole to pole", 90, 0, -90, 0, math.Pi * EarthRadiusM, 0.001},
		{"antipodes on the equator", 0, 0, 0, 180, math.Pi * EarthRadiusM, 0.001},
		{"all longitudes meet at the pole", 90, 10, 90, -150, 0, 1e-6},
		{"quarter of a great circle", 0, 0, 45, 90 - 180, math.Pi / 2 * EarthRadiusM, 0.001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DistanceM(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
			assert.InDelta(t, tt.wantM, got, tt.tolM)
			assert.Equal(t, got, DistanceM(tt.lat2, tt.lon2, tt.lat1, tt.lon1), "symmetric, bit for bit")
		})
	}
}

func TestDistanceMNoAlloc(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { _ = DistanceM(1, 2, 3, 4) })
	assert.Zero(t, allocs)
}

func TestDistanceMAgreesWithOrb(t *testing.T) {
	// orb's haversine uses the equatorial radius; scaled to the mean radius it must agree.
	r := rand.New(rand.NewPCG(11, 12))
	for range 1000 {
		lat1, lon1 := r.Float64()*180-90, r.Float64()*360-180
		lat2, lon2 := r.Float64()*180-90, r.Float64()*360-180
		want := orbgeo.DistanceHaversine(orb.Point{lon1, lat1}, orb.Point{lon2, lat2}) * EarthRadiusM / orb.EarthRadius
		assert.InDelta(t, want, DistanceM(lat1, lon1, lat2, lon2), 1e-6*want+1e-6)
	}
}

// BenchmarkDistanceM measures DistanceM against orb's geo.DistanceHaversine as baseline
// (timed in the same run on the same points).
func BenchmarkDistanceM(b *testing.B) {
	const n = 1024
	var pts [n][2]orb.Point
	r := rand.New(rand.NewPCG(1, 1))
	for i := range pts {
		lat, lon := r.Float64()*160-80, r.Float64()*360-180
		pts[i] = [2]orb.Point{{lon, lat}, {lon + r.Float64()*0.01, lat + r.Float64()*0.01}}
	}
	var sum float64
	const rounds = 200
	start := time.Now()
	for range rounds {
		for _, p := range pts {
			sum += orbgeo.DistanceHaversine(p[0], p[1])
		}
	}
	baseNs := float64(time.Since(start).Nanoseconds()) / (rounds * n)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := &pts[i%n]
		sum += DistanceM(p[0][1], p[0][0], p[1][1], p[1][0])
	}
	if sum <= 0 {
		b.Fatal(sum)
	}
	b.ReportMetric(baseNs, "baseline-ns/op")
	b.ReportMetric(baseNs/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "x-vs-orb")
}
