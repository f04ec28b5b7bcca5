package geo

import (
	"math"
	"testing"

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

func BenchmarkDistanceM(b *testing.B) {
	var sum float64
	for i := 0; b.Loop(); i++ {
		sum += DistanceM(38.7, 124.2, 38.7+float64(i%100)*1e-4, 124.2)
	}
	if sum < 0 {
		b.Fatal(sum)
	}
}
