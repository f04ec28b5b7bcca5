package detect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
)

// noSOG strips the reported speed and course, as in CSV exports without them.
func noSOG(recs []ais.Record) []ais.Record {
	for i := range recs {
		recs[i].Has &^= ais.HasSOG | ais.HasCOG
	}
	return recs
}

func TestImpliedSpeedWhenSOGMissing(t *testing.T) {
	const lat, lon = 39.0, 124.0
	lat1, lon1 := offset(lat, lon, 9*mpsPerKn*8*3600, 0)
	lat2, lon2 := offset(lat, lon, 0, 300)
	lat3, lon3 := offset(lat1, lon1, 0, 300)
	for _, tc := range []struct {
		name string
		recs []ais.Record
		want int
	}{
		{"still pair", noSOG(pair(0, 5*time.Hour, lat, lon, 200)), 1},
		{"convoy at 9 kn", noSOG(merge(legs(mmsiKP, time.Minute, leg{0, 8 * time.Hour, lat, lon, lat1, lon1}), legs(mmsiCN, time.Minute, leg{0, 8 * time.Hour, lat2, lon2, lat3, lon3}))), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Len(t, ofType(detect(t, DefaultConfig(), Env{}, tc.recs), TypeEncounter, StatusClosed), tc.want)
		})
	}
}

func TestSpikeIsDroppedAsOutlier(t *testing.T) {
	recs := legs(mmsiKP, 3*time.Minute, stay(0, 4*time.Hour, 39, 124))
	recs[30].Pos.LatDeg = 39.5 // 55 km off for one fix
	d := New(DefaultConfig(), Env{}, func(Event) {})
	for _, r := range recs {
		d.Push(r)
	}
	d.Flush()
	assert.Equal(t, int64(1), d.Stats().Outliers)
	_, pts, ok := d.Vessel(mmsiKP)
	require.True(t, ok)
	for _, p := range pts {
		require.Equal(t, 39.0, p.LatDeg, "the spike is not in the track")
	}
}

func TestThinningKeepsEarliestFixPerBucket(t *testing.T) {
	// a 2 s reporter: at most one fix per 30 s is kept, whatever the arrival order
	recs := legs(mmsiKP, 2*time.Second, stay(0, 10*time.Minute, 39, 124))
	d := New(DefaultConfig(), Env{}, func(Event) {})
	for i := len(recs) - 1; i >= 0; i-- { // newest first: all within the lateness
		d.Push(recs[i])
	}
	_, pts, ok := d.Vessel(mmsiKP)
	require.True(t, ok)
	require.Len(t, pts, 20)
	for i, p := range pts {
		assert.Equal(t, base.Add(time.Duration(i)*30*time.Second), p.Time)
	}
	assert.Equal(t, int64(len(recs)-20), d.Stats().Thinned)
}
