package detect

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/geo"
)

func TestLoitering(t *testing.T) {
	const lat, lon = 36.5, 125.5
	for _, tc := range []struct {
		name  string
		still time.Duration
		want  bool
	}{
		{"5 h drifting", 5 * time.Hour, true},
		{"3 h drifting", 3 * time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// drift 1 km in `still` (well under 2 kn), then steam away north at 12 kn for 3 h
			lat1, lon1 := offset(lat, lon, 0, 1000)
			lat2, lon2 := offset(lat1, lon1, 12*mpsPerKn*3*3600, 0)
			recs := legs(mmsiKP, 2*time.Minute, leg{0, tc.still, lat, lon, lat1, lon1}, leg{tc.still, tc.still + 3*time.Hour, lat1, lon1, lat2, lon2})
			evs := detect(t, DefaultConfig(), Env{}, recs)
			lo := ofType(evs, TypeLoitering, StatusClosed)
			if !tc.want {
				assert.Empty(t, lo)
				return
			}
			require.Len(t, lo, 1)
			e := lo[0]
			assert.Equal(t, []uint32{mmsiKP}, mmsis(e))
			assert.Equal(t, base, e.Start)
			// the last slow step is the last one before the vessel speeds up
			assert.Equal(t, base.Add(tc.still-10*time.Minute), e.End)
			assert.Equal(t, int64((tc.still - 10*time.Minute).Seconds()), e.DurationS)
			mid, midLon := offset(lat, lon, 0, 500)
			assert.InDelta(t, mid, e.Lat, 1e-4)
			assert.InDelta(t, midLon, e.Lon, 1e-3)
			sog := 1000 / tc.still.Seconds() / mpsPerKn
			require.NotNil(t, e.MedianSOGKn)
			assert.InDelta(t, sog, *e.MedianSOGKn, 0.01)
			assert.Nil(t, e.MinDistanceM)
			require.Len(t, e.Tracks, 1)
			assert.Equal(t, e.End.Add(2*time.Hour), e.Tracks[0].Points[len(e.Tracks[0].Points)-1].Time, "waits for its padding")
			assert.Contains(t, e.Reasons, "flag-kp")
		})
	}
}

func TestLoiterBeforeEncounterRaisesScore(t *testing.T) {
	// KP drifts alone for 5 h, leaves, and 2 h later meets CN for 3 h
	const lat, lon = 36.5, 125.5
	farLat, farLon := offset(lat, lon, 20_000, 0)
	kp := legs(mmsiKP, 3*time.Minute, stay(0, 5*time.Hour, farLat, farLon), leg{5 * time.Hour, 7 * time.Hour, farLat, farLon, lat, lon}, stay(7*time.Hour, 10*time.Hour, lat, lon))
	cn := legs(mmsiCN, 3*time.Minute, leg{0, 7 * time.Hour, lat - 0.5, lon, lat, lon + 0.002}, stay(7*time.Hour, 10*time.Hour, lat, lon+0.002))
	enc := ofType(detect(t, DefaultConfig(), Env{}, merge(kp, cn)), TypeEncounter, StatusClosed)
	require.Len(t, enc, 1)
	assert.Contains(t, enc[0].Reasons, ReasonLoiterBefore)
}

// portsAt writes a one-port CSV and loads it.
func portsAt(t *testing.T, latDeg, lonDeg float64) *geo.Ports {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ports.csv")
	require.NoError(t, os.WriteFile(p, []byte("name,latitude,longitude\nTest Harbour,"+
		strconv.FormatFloat(latDeg, 'f', -1, 64)+","+strconv.FormatFloat(lonDeg, 'f', -1, 64)+"\n"), 0o644))
	ports, err := geo.LoadPorts(p)
	require.NoError(t, err)
	return ports
}

func TestPortsExcludeLoiteringAndEncounters(t *testing.T) {
	const lat, lon = 36.5, 125.5
	recs := pair(0, 6*time.Hour, lat, lon, 200)
	portLat, portLon := offset(lat, lon, 6000, 0) // 6 km away: within the 10 km exclusion
	farLat, farLon := offset(lat, lon, 15_000, 0) // 15 km away: outside it
	away := DefaultConfig()
	anywhere := DefaultConfig()
	anywhere.Loiter.AwayFromPorts = false
	for _, tc := range []struct {
		name              string
		cfg               Config
		ports             *geo.Ports
		encounter, loiter int
	}{
		{"no ports file", away, nil, 1, 2},
		{"port 6 km away", away, portsAt(t, portLat, portLon), 0, 0},
		{"port 6 km away, loitering anywhere", anywhere, portsAt(t, portLat, portLon), 0, 2},
		{"port 15 km away", away, portsAt(t, farLat, farLon), 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs := detect(t, tc.cfg, Env{Ports: tc.ports}, recs)
			assert.Len(t, ofType(evs, TypeEncounter, StatusClosed), tc.encounter)
			assert.Len(t, ofType(evs, TypeLoitering, StatusClosed), tc.loiter)
		})
	}
}

// TestLoiterThatGoesDarkKeepsItsEvidence lets a vessel drift for 8 h, fall
// silent for 80 min (its loiter closes at a step without a position, after
// the step's pins were set) and come back steaming: while the event waits for
// its padding, the new fixes must not trim away its evidence, which starts
// at the loiter's start (the padding reaches before the first fix).
func TestLoiterThatGoesDarkKeepsItsEvidence(t *testing.T) {
	const lat, lon = 36.5, 125.5
	lat1, lon1 := offset(lat, lon, 0, 1000)
	lat2, lon2 := offset(lat1, lon1, 10*mpsPerKn*3*3600, 0)
	drift := legs(mmsiKP, time.Minute, leg{0, 8 * time.Hour, lat, lon, lat1, lon1},
		leg{8*time.Hour + 80*time.Minute, 11*time.Hour + 80*time.Minute, lat1, lon1, lat2, lon2})
	other := legs(mmsiX, 2*time.Minute, leg{0, 16 * time.Hour, 30, 122, 31, 123})
	evs := detect(t, DefaultConfig(), Env{}, merge(drift, other))
	lo := ofType(evs, TypeLoitering, StatusClosed)
	require.Len(t, lo, 1)
	require.Len(t, lo[0].Tracks, 1)
	pts := lo[0].Tracks[0].Points
	assert.Equal(t, base, pts[0].Time, "the track starts where the loiter does")
	assert.Greater(t, len(pts), 7*60, "a fix a minute for the 8 h")
}

// TestEvidenceOfAnOpenLoiter: a loitering run still open on one of a
// vessel's segments counts as loitering before the event for that vessel,
// whichever of the event's vessels it is and whichever of its segments.
func TestEvidenceOfAnOpenLoiter(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	run := &loiterRun{Start: start.Add(-6 * time.Hour).UnixMilli(), Last: start.Add(-time.Hour).UnixMilli()} // 5 h, Loiter.MinDuration 4 h
	for _, tc := range []struct {
		name       string
		who, seg   int // the loitering vessel, and its loitering segment of two
		wantBefore []bool
	}{
		{"first vessel, first segment", 0, 0, []bool{true, false}},
		{"first vessel, second segment", 0, 1, []bool{true, false}},
		{"second vessel, first segment", 1, 0, []bool{false, true}},
		{"second vessel, second segment", 1, 1, []bool{false, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New(DefaultConfig(), Env{}, func(Event) {})
			ev := Event{Type: TypeEncounter, Start: start, End: start.Add(time.Hour)}
			for i, mmsi := range []uint32{mmsiKP, mmsiCN} {
				v := d.vessel(mmsi)
				v.Segs = []segment{{Sub: 0, N: 3, Fixes: []fix{{T: start.UnixMilli()}}}, {Sub: 1, N: 3, Fixes: []fix{{T: start.UnixMilli()}}}}
				if i == tc.who {
					v.Segs[tc.seg].Loiter = run
				}
				ev.Vessels = append(ev.Vessels, v.Ident)
			}
			assert.Equal(t, tc.wantBefore, d.evidence(&ev).LoiterBefore)
		})
	}
}

// TestLoiterAcrossPortBoundary lets a vessel drift slowly (0.63 kn) into and
// out of a port's 10 km: its loitering covers exactly the steps at which it
// is beyond 10 km, although it moves under 1 km between port tests.
func TestLoiterAcrossPortBoundary(t *testing.T) {
	const lat, lon = 39.0, 124.0
	portLat, portLon := offset(lat, lon, 0, 20_000)
	nearLat, nearLon := offset(lat, lon, 0, 14_000) // 6 km from the port
	ports := portsAt(t, portLat, portLon)
	for _, tc := range []struct {
		name string
		leg  leg
	}{
		{"drifting in", leg{0, 12 * time.Hour, lat, lon, nearLat, nearLon}},
		{"drifting out", leg{0, 12 * time.Hour, nearLat + 0.0001, nearLon, lat + 0.0001, lon}}, // off the first case's positions
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := legs(mmsiKP, 5*time.Minute, tc.leg)
			// the steps (every 10 min, each at a fix) beyond 10 km of the port
			var first, last time.Time
			for _, r := range recs {
				if r.Time.Sub(base)%(10*time.Minute) == 0 && !ports.Within(r.Pos.LatDeg, r.Pos.LonDeg, 10_000) {
					if first.IsZero() {
						first = r.Time
					}
					last = r.Time
				}
			}
			require.Greater(t, last.Sub(first), 4*time.Hour)
			lo := ofType(detect(t, DefaultConfig(), Env{Ports: ports}, recs), TypeLoitering, StatusClosed)
			require.Len(t, lo, 1)
			assert.Equal(t, first, lo[0].Start, "first step beyond 10 km")
			assert.Equal(t, last, lo[0].End, "last step beyond 10 km")
		})
	}
}
