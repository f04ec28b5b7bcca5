package detect

import (
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo"
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

// TestStrayFixDroppedOnTime: a stray fix's one-fix segment leaves no point
// at any step, yet the vessel's track has one; the segment is dropped (an
// outlier) at the first step more than MaxInterpGap after it, not before and
// not later.
func TestStrayFixDroppedOnTime(t *testing.T) {
	recs := legs(mmsiKP, 3*time.Minute, stay(0, 4*time.Hour, 39, 124))
	recs[30].Pos.LatDeg = 39.5 // 55 km off for one fix
	stray := recs[30].Time.UnixMilli()
	d := New(DefaultConfig(), Env{}, func(Event) {})
	checked := 0
	for _, r := range recs {
		d.Push(r)
		last := d.s.NextStep - d.p.step // the last step run
		if last < stray {
			continue
		}
		want := int64(0)
		if last-stray > d.p.interp {
			want = 1
		}
		require.Equal(t, want, d.s.Counts.Outliers, "after the step at %v", msTime(last))
		checked++
	}
	require.Positive(t, checked)
	assert.Len(t, d.s.Vessels[mmsiKP].Segs, 1, "the track alone")
}

// TestSegmentLayout: a segment fills two cache lines of its vessel's Segs
// exactly, with all a step's walk reads of it in the first.
func TestSegmentLayout(t *testing.T) {
	typ := reflect.TypeFor[segment]()
	assert.Equal(t, uintptr(128), typ.Size())
	for _, name := range []string{"Fixes", "Cur", "N", "trimAt", "Sub", "Present", "located", "Pin", "Loiter"} {
		f, ok := typ.FieldByName(name)
		require.True(t, ok, name)
		assert.LessOrEqual(t, f.Offset+f.Type.Size(), uintptr(64), "%s in the first cache line", name)
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

// shifted moves every record from index i on by northM, eastM.
func shifted(recs []ais.Record, i int, northM, eastM float64) []ais.Record {
	for ; i < len(recs); i++ {
		recs[i].Pos.LatDeg, recs[i].Pos.LonDeg = offset(recs[i].Pos.LatDeg, recs[i].Pos.LonDeg, northM, eastM)
	}
	return recs
}

// delayed shifts every record's time by d.
func delayed(recs []ais.Record, d time.Duration) []ais.Record {
	for i := range recs {
		recs[i].Time = recs[i].Time.Add(d)
	}
	return recs
}

func TestTwoFrequentShipsOnOneMMSI(t *testing.T) {
	// two ships 400 km apart both on mmsiKP, each every 10 s, the second a few
	// seconds behind the first (so it is never the earliest of a 30 s bucket);
	// a slow vessel near each gives coverage, so a track starved of fixes would show as a gap
	const lat, lon = 36.0, 124.0
	latB, lonB := offset(lat, lon, 400_000, 0)
	latA1, lonA1 := offset(lat, lon, 0, 9*mpsPerKn*8*3600)
	latB1, lonB1 := offset(latB, lonB, 0, -9*mpsPerKn*8*3600)
	latCA, lonCA := offset(lat, lon, -20_000, 0)
	latCB, lonCB := offset(latB, lonB, 20_000, 0)
	for _, lag := range []time.Duration{3 * time.Second, 7 * time.Second} {
		t.Run(lag.String(), func(t *testing.T) {
			recs := merge(
				legs(mmsiKP, 10*time.Second, leg{0, 8 * time.Hour, lat, lon, latA1, lonA1}),
				delayed(legs(mmsiKP, 10*time.Second, leg{0, 8 * time.Hour, latB, lonB, latB1, lonB1}), lag),
				legs(mmsiX, time.Minute, stay(0, 8*time.Hour, latCA, lonCA)),
				legs(mmsiY, time.Minute, stay(0, 8*time.Hour, latCB, lonCB)),
			)
			evs := detect(t, DefaultConfig(), Env{}, recs)
			// the same events when each block of 40 records (under 5 min) arrives newest first
			late := slices.Clone(recs)
			for i := 0; i < len(late); i += 40 {
				slices.Reverse(late[i:min(i+40, len(late))])
			}
			assert.Equal(t, evs, detect(t, DefaultConfig(), Env{}, late), "independent of arrival order")
			ids := ofType(evs, TypeIdentity, StatusClosed)
			var shared []Event
			for _, e := range ids {
				if e.Anomaly == AnomalyMMSIShared {
					shared = append(shared, e)
				}
			}
			require.Len(t, shared, 1)
			assert.Equal(t, []uint32{mmsiKP}, mmsis(shared[0]))
			assert.Less(t, shared[0].Start.Sub(base), 10*time.Minute, "reported as soon as both tracks are established")
			assert.Empty(t, ofType(evs, TypeGap, StatusClosed), "neither track starves")
			assert.Empty(t, ofType(evs, TypeEncounter, StatusClosed))
			for _, e := range ofType(evs, TypeLoitering, StatusClosed) {
				assert.NotEqual(t, uint32(mmsiKP), e.Vessels[0].MMSI, "neither ship loiters")
			}
		})
	}
}

func TestPositionJumpKeepsTracking(t *testing.T) {
	// one vessel every 10 s for 10 h: at 1 h one fix spikes 20 km north (onto
	// its own course, 72 min ahead when moving), at 3 h its positions shift
	// 3 km east for good (a position correction); a slow
	// vessel 20 km off gives coverage, so a dropped track would show as a gap
	const lat, lon = 36.0, 124.0
	latC, lonC := offset(lat, lon, -20_000, 0)
	for _, tc := range []struct {
		name   string
		sogKn  float64
		loiter int
	}{
		{"moving", 9, 0},
		{"drifting", 0.5, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lat1, lon1 := offset(lat, lon, tc.sogKn*mpsPerKn*10*3600, 0)
			recs := legs(mmsiKP, 10*time.Second, leg{0, 10 * time.Hour, lat, lon, lat1, lon1})
			recs = shifted(recs, 3*360, 0, 3000)
			spike := 1 * 360
			recs[spike].Pos.LatDeg, recs[spike].Pos.LonDeg = offset(recs[spike].Pos.LatDeg, recs[spike].Pos.LonDeg, 20_000, 0)
			recs = merge(recs, legs(mmsiX, time.Minute, stay(0, 10*time.Hour, latC, lonC)))

			var evs []Event
			d := New(DefaultConfig(), Env{}, func(e Event) { evs = append(evs, e) })
			for _, r := range recs {
				d.Push(r)
			}
			_, pts, ok := d.Vessel(mmsiKP)
			require.True(t, ok)
			last := pts[len(pts)-1]
			assert.Greater(t, last.Time.Sub(base), 9*time.Hour+50*time.Minute, "still tracked at the end")
			wantLat, wantLon := offset(lat+(lat1-lat)*last.Time.Sub(base).Hours()/10, lon, 0, 3000)
			assert.Less(t, geo.DistanceM(wantLat, wantLon, last.LatDeg, last.LonDeg), 100.0, "on the shifted track")
			d.Flush()

			assert.Empty(t, ofType(evs, TypeGap, StatusClosed), "no false gap")
			assert.Empty(t, ofType(evs, TypeIdentity, StatusClosed), "one ship, not two")
			assert.Equal(t, int64(1), d.Stats().Outliers, "only the spike")
			var lo []Event
			for _, e := range ofType(evs, TypeLoitering, StatusClosed) {
				if e.Vessels[0].MMSI == mmsiKP {
					lo = append(lo, e)
				}
			}
			require.Len(t, lo, tc.loiter, "not split by the jump")
			if tc.loiter > 0 {
				assert.Greater(t, lo[0].End.Sub(lo[0].Start), 9*time.Hour, "one run across the jump")
			}
		})
	}
}

// TestHistoryShrinksAfterLongLoiter holds a 30 s reporter's history with a
// 12 h loiter (its evidence pins every fix), then lets it sail for 8 h: once
// nothing pins the old fixes, the history goes back to what the detector's
// windows need, instead of keeping the size the loiter reached.
func TestHistoryShrinksAfterLongLoiter(t *testing.T) {
	const lat, lon = 39.0, 124.0
	lat1, lon1 := offset(lat, lon, 10*mpsPerKn*8*3600, 0)
	recs := legs(mmsiKP, 30*time.Second, stay(0, 12*time.Hour, lat, lon), leg{12 * time.Hour, 20 * time.Hour, lat, lon, lat1, lon1})
	d := New(DefaultConfig(), Env{}, func(Event) {})
	longest := 0
	for _, r := range recs {
		d.Push(r)
		if v := d.s.Vessels[mmsiKP]; v != nil && len(v.Segs) == 1 {
			longest = max(longest, len(v.Segs[0].Fixes))
		}
	}
	v := d.s.Vessels[mmsiKP]
	require.Len(t, v.Segs, 1)
	assert.Greater(t, longest, 12*3600/30*3/4, "the loiter held its history")
	// 2.5 h of 30 s fixes, a quarter more for trim's slack and an eighth for its next look
	assert.LessOrEqual(t, len(v.Segs[0].Fixes), 300*4/3*9/8+trimMin, "history after 8 h under way")
}

// TestHistoryCap checks how a full fix history grows (default windows: 3.5 h
// of history at the track's mean interval, a third more for trim's slack,
// 288 fixes at 60 s): doubling up to that, then by an eighth, never past
// maxSegFixes.
func TestHistoryCap(t *testing.T) {
	d := New(DefaultConfig(), Env{}, func(Event) {})
	for _, tc := range []struct {
		name   string
		n      int
		everyS int64
		want   int
	}{
		{"young track doubles", 8, 60, 16},
		{"capped at the steady state", 256, 60, 288},
		{"close to the steady state, to it", 200, 60, 288},
		{"past the steady state, an eighth", 288, 60, 288 + 36 + trimMin},
		{"fixes faster than the 30 s bucket count as 30 s", 128, 5, 256},
		{"never past maxSegFixes", 4000, 30, maxSegFixes},
		{"a one-fix track", 1, 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := d.historyCap(int64(tc.n)*tc.everyS*1000, tc.n)
			assert.Equal(t, tc.want, got)
			assert.Greater(t, got, tc.n, "room for the next fix")
		})
	}
}

// TestHistoryRoomFollowsTheTrack sails a 60 s reporter for 8 h: after 2 h its
// history has at most twice the room it uses (not the steady state's), and
// at the end no more than the steady state's plus an eighth.
func TestHistoryRoomFollowsTheTrack(t *testing.T) {
	const lat, lon = 39.0, 124.0
	lat1, lon1 := offset(lat, lon, 10*mpsPerKn*8*3600, 0)
	recs := legs(mmsiKP, time.Minute, leg{0, 8 * time.Hour, lat, lon, lat1, lon1})
	d := New(DefaultConfig(), Env{}, func(Event) {})
	var at2h [2]int
	for _, r := range recs {
		d.Push(r)
		if v := d.s.Vessels[mmsiKP]; v != nil && len(v.Segs) == 1 && r.Time.Sub(recs[0].Time) <= 2*time.Hour+10*time.Minute {
			at2h = [2]int{len(v.Segs[0].Fixes), cap(v.Segs[0].Fixes)}
		}
	}
	require.Positive(t, at2h[0], "a track after 2 h")
	assert.LessOrEqual(t, at2h[1], 2*at2h[0], "room after 2 h (length %d)", at2h[0])
	s := d.s.Vessels[mmsiKP].Segs[0]
	assert.LessOrEqual(t, cap(s.Fixes), 288*9/8+trimMin, "room after 8 h (length %d)", len(s.Fixes))
}

func TestShrink(t *testing.T) {
	buf := func(n, c int) []fix {
		p := make([]fix, n, c)
		for i := range p {
			p[i].T = int64(i)
		}
		return p
	}
	for _, tc := range []struct {
		name          string
		n, c, wantCap int
	}{
		{"small buffer kept", 2, shrinkMin - 1, shrinkMin - 1},
		{"a quarter full kept", 64, 256, 256},
		{"less than a quarter: twice its length", 63, 256, 126},
		{"empty: given back", 0, 256, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := shrink(buf(tc.n, tc.c))
			assert.Equal(t, tc.wantCap, cap(p))
			assert.Equal(t, buf(tc.n, tc.n), p, "the same fixes")
		})
	}
}

// TestPendingRoomAfterFirstStep: a 10 s reporter queues an hour of fixes
// before the first step; once steps run, its pending buffer holds 10 to 20
// min of them and gives the rest of its room back.
func TestPendingRoomAfterFirstStep(t *testing.T) {
	const lat, lon = 39.0, 124.0
	lat1, lon1 := offset(lat, lon, 10*mpsPerKn*4*3600, 0)
	recs := legs(mmsiKP, 10*time.Second, leg{0, 4 * time.Hour, lat, lon, lat1, lon1})
	d := New(DefaultConfig(), Env{}, func(Event) {})
	for _, r := range recs {
		d.Push(r)
	}
	p := d.s.Vessels[mmsiKP].Pending // as the last step left it (the positions since wait in the inbox)
	require.NotEmpty(t, p)
	assert.LessOrEqual(t, cap(p), 4*len(p), "room after the last step (length %d)", len(p))
}

// TestSpeedsKeepTheirDecimalValue: a speed is read as a decimal (AIS tenths of
// a knot, CSV text) into a float32; the events, tracks and the live API give
// that decimal (0.6), not the float32 widened to float64
// (0.6000000238418579), and a speed equal to a limit is not under it.
func TestSpeedsKeepTheirDecimalValue(t *testing.T) {
	const lat, lon = 39.0, 124.0
	for _, tc := range []struct {
		name       string
		sogKn      float32
		maxSpeedKn float64 // Loiter.MaxSpeedKn
		wantLoiter bool
	}{
		{"0.6 kn", 0.6, 2, true},
		{"0.3 kn", 0.3, 2, true},
		{"1.37 kn, two decimals from a CSV", 1.37, 2, true},
		{"1.9 kn, limit 1.9: not under it", 1.9, 1.9, false},
		{"1.8 kn, limit 1.9", 1.8, 1.9, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := strconv.ParseFloat(strconv.FormatFloat(float64(tc.sogKn), 'g', -1, 32), 64)
			require.NoError(t, err)
			recs := pair(0, 6*time.Hour, lat, lon, 300)
			for i := range recs {
				recs[i].Pos.SOGKn = tc.sogKn
			}
			cfg := DefaultConfig()
			cfg.Loiter.MaxSpeedKn = tc.maxSpeedKn
			var evs []Event
			d := New(cfg, Env{}, func(e Event) { evs = append(evs, e) })
			for _, r := range recs {
				d.Push(r)
			}
			_, pts, ok := d.Vessel(mmsiKP)
			require.True(t, ok)
			require.NotEmpty(t, pts)
			for _, p := range pts {
				require.Equal(t, want, p.SOGKn, "live API fix at %v", p.Time)
			}
			d.Flush()

			enc := ofType(evs, TypeEncounter, StatusClosed)
			require.Len(t, enc, 1)
			assert.Equal(t, want, *enc[0].MedianSOGKn, "encounter median")
			for _, tr := range enc[0].Tracks {
				for _, p := range tr.Points {
					require.Equal(t, want, p.SOGKn, "track of %d at %v", tr.MMSI, p.Time)
				}
			}
			lo := ofType(evs, TypeLoitering, StatusClosed)
			if !tc.wantLoiter {
				assert.Zero(t, len(lo), "no loitering at the limit")
				return
			}
			require.Len(t, lo, 2)
			for _, e := range lo {
				assert.Equal(t, want, *e.MedianSOGKn, "loitering median of %v", mmsis(e))
			}
		})
	}
}

// TestKnots checks the fast path of knots (tenths of a knot, as AIS sends
// them) against the float32's shortest decimal it stands for.
func TestKnots(t *testing.T) {
	shortest := func(x float32) float64 {
		f, err := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		require.NoError(t, err)
		return f
	}
	for tenths := -10; tenths <= 1023; tenths++ {
		x := float32(float64(tenths) / 10)
		require.Equal(t, shortest(x), knots(x), "%d tenths", tenths)
	}
	for _, x := range []float32{0.6, 12.34, 0.05, 1.2345678, 49.99, float32(1234.5 / 3600 / mpsPerKn)} {
		assert.Equal(t, shortest(x), knots(x), "%v", x)
	}
	assert.Equal(t, 0.6, knots(0.6))
}
