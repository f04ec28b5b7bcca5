package detect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
)

func TestGap(t *testing.T) {
	const lat, lon = 38.0, 124.5
	endLat, endLon := offset(lat, lon, 10_000, 0)
	// KP is heard for 2 h, silent for 8 h, then heard 10 km north for 3 h
	kp := legs(mmsiKP, 3*time.Minute, stay(0, 2*time.Hour, lat, lon), stay(10*time.Hour, 13*time.Hour, endLat, endLon))
	nearLat, nearLon := offset(lat, lon, 0, 3000)
	near := legs(mmsiCN, 5*time.Minute, stay(0, 13*time.Hour, nearLat, nearLon)) // 3 km from where KP went dark
	cover := legs(mmsiX, 5*time.Minute, stay(0, 13*time.Hour, lat, lon+0.4))     // 35 km away: coverage
	far := legs(mmsiY, 5*time.Minute, stay(0, 13*time.Hour, lat+2, lon))         // 222 km away: no coverage
	for _, tc := range []struct {
		name     string
		recs     []ais.Record
		want     bool
		nearBoth []uint32
	}{
		{"with coverage", merge(kp, cover), true, nil},
		{"with a vessel near both ends", merge(kp, near), true, []uint32{mmsiCN}},
		{"without coverage", merge(kp, far), false, nil},
		{"alone", kp, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gaps := ofType(detect(t, DefaultConfig(), Env{}, tc.recs), TypeGap, StatusClosed)
			if !tc.want {
				assert.Empty(t, gaps)
				return
			}
			require.Len(t, gaps, 1)
			e := gaps[0]
			assert.Equal(t, []uint32{mmsiKP}, mmsis(e))
			assert.Equal(t, base.Add(2*time.Hour-3*time.Minute), e.Start, "the last fix before the gap")
			assert.Equal(t, base.Add(10*time.Hour), e.End, "the first fix after")
			assert.Equal(t, int64(8*3600+180), e.DurationS)
			assert.Equal(t, lat, e.Lat)
			assert.Equal(t, lon, e.Lon)
			require.NotNil(t, e.EndLat)
			assert.InDelta(t, endLat, *e.EndLat, 1e-9)
			assert.InDelta(t, endLon, *e.EndLon, 1e-9)
			assert.InDelta(t, 10_000, *e.GapDistanceM, 1)
			assert.InDelta(t, 10_000/(8*3600+180.0)/mpsPerKn, *e.ImpliedSOGKn, 1e-3)
			assert.Equal(t, tc.nearBoth, e.NearStart)
			assert.Nil(t, e.NearEnd, "CN is 10 km from where KP reappeared")
			require.Len(t, e.Tracks, 1)
			assert.Equal(t, base, e.Tracks[0].Points[0].Time, "2 h before the gap")
			assert.Equal(t, base.Add(12*time.Hour), e.Tracks[0].Points[len(e.Tracks[0].Points)-1].Time, "2 h after")
		})
	}
}

func TestGapStillDarkAtEndOfInput(t *testing.T) {
	const lat, lon = 38.0, 124.5
	kp := legs(mmsiKP, 3*time.Minute, stay(0, 2*time.Hour, lat, lon))
	cover := legs(mmsiX, 5*time.Minute, stay(0, 12*time.Hour, lat, lon+0.2))
	gaps := ofType(detect(t, DefaultConfig(), Env{}, merge(kp, cover)), TypeGap, StatusClosed)
	require.Len(t, gaps, 1)
	e := gaps[0]
	assert.Equal(t, base.Add(2*time.Hour-3*time.Minute), e.Start)
	assert.Equal(t, base.Add(12*time.Hour-5*time.Minute), e.End, "dark until the end of input")
	assert.Nil(t, e.EndLat)
	assert.Nil(t, e.GapDistanceM)
}

func TestDarkBeforeEncounterRaisesScore(t *testing.T) {
	// KP goes dark for 7 h next to CN's position, then meets CN for 3 h
	const lat, lon = 38.0, 124.5
	kp := legs(mmsiKP, 3*time.Minute, stay(0, time.Hour, lat, lon), stay(8*time.Hour, 11*time.Hour, lat, lon))
	cn := legs(mmsiCN, 3*time.Minute, stay(0, 11*time.Hour, lat, lon+0.003))
	evs := detect(t, DefaultConfig(), Env{}, merge(kp, cn))
	require.Len(t, ofType(evs, TypeGap, StatusClosed), 1)
	enc := ofType(evs, TypeEncounter, StatusClosed)
	require.NotEmpty(t, enc)
	last := enc[len(enc)-1]
	assert.Equal(t, base.Add(8*time.Hour), last.Start)
	assert.Contains(t, last.Reasons, ReasonDarkBefore)
}
