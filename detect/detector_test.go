package detect

import (
	"bytes"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo"
)

// Test vessels: a DPRK-flagged ship, a Chinese one and two others.
const (
	mmsiKP = 445000001
	mmsiCN = 412000002
	mmsiX  = 636000003
	mmsiY  = 538000004
)

// base is the test scenarios' time origin: 20:00 UTC, so runs cross midnight.
var base = time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)

// leg moves a vessel linearly from (lat0, lon0) to (lat1, lon1) between two offsets from base.
type leg struct {
	from, to               time.Duration
	lat0, lon0, lat1, lon1 float64
}

// stay is a leg without movement.
func stay(from, to time.Duration, lat, lon float64) leg { return leg{from, to, lat, lon, lat, lon} }

// offset moves a position by metres north and east.
func offset(latDeg, lonDeg, northM, eastM float64) (float64, float64) {
	lat := latDeg + northM/geo.MetresPerDegLat
	return lat, wrapLon(lonDeg + eastM/(geo.MetresPerDegLat*math.Cos(latDeg*math.Pi/180)))
}

// legs returns a vessel's position reports every `every` along its legs, with
// the SOG and COG the legs imply.
func legs(mmsi uint32, every time.Duration, ls ...leg) []ais.Record {
	var out []ais.Record
	for _, l := range ls {
		distM := geo.DistanceM(l.lat0, l.lon0, l.lat1, l.lon1)
		sog := distM / (l.to - l.from).Seconds() / mpsPerKn
		cog := math.Mod(math.Atan2(wrapLon(l.lon1-l.lon0)*math.Cos(l.lat0*math.Pi/180), l.lat1-l.lat0)*180/math.Pi+360, 360)
		for at := l.from; at < l.to; at += every {
			fr := float64(at-l.from) / float64(l.to-l.from)
			r := ais.Record{
				Kind: ais.KindPosition, Type: 1, MMSI: mmsi, Class: ais.ClassA,
				Has:  ais.HasTime | ais.HasLatLon | ais.HasSOG | ais.HasCOG,
				Time: base.Add(at),
				Pos: ais.Position{
					LatDeg: l.lat0 + fr*(l.lat1-l.lat0), LonDeg: wrapLon(l.lon0 + fr*wrapLon(l.lon1-l.lon0)),
					SOGKn: float32(sog), COGDeg: float32(cog),
				},
			}
			out = append(out, r)
		}
	}
	return out
}

// merge interleaves record lists by time (stable, so equal times keep list order).
func merge(lists ...[]ais.Record) []ais.Record {
	var out []ais.Record
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortStableFunc(out, func(a, b ais.Record) int { return a.Time.Compare(b.Time) })
	return out
}

// detect runs records through a fresh detector and returns every event.
func detect(t testing.TB, cfg Config, env Env, recs []ais.Record) []Event {
	t.Helper()
	var evs []Event
	d := New(cfg, env, func(e Event) { evs = append(evs, e) })
	for _, r := range recs {
		d.Push(r)
	}
	d.Flush()
	return evs
}

// ofType keeps the events of one type and status.
func ofType(evs []Event, typ, status string) []Event {
	var out []Event
	for _, e := range evs {
		if e.Type == typ && e.Status == status {
			out = append(out, e)
		}
	}
	return out
}

// mmsis returns an event's MMSIs.
func mmsis(e Event) []uint32 {
	var out []uint32
	for _, v := range e.Vessels {
		out = append(out, v.MMSI)
	}
	return out
}

// pair is two vessels side by side distM apart, both still, from `from` to `to`.
func pair(from, to time.Duration, latDeg, lonDeg, distM float64) []ais.Record {
	lat2, lon2 := offset(latDeg, lonDeg, 0, distM)
	return merge(legs(mmsiKP, 3*time.Minute, stay(from, to, latDeg, lonDeg)), legs(mmsiCN, 3*time.Minute, stay(from, to, lat2, lon2)))
}

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	assert.Equal(t, 10*time.Minute, c.Track.Lateness)
	assert.Equal(t, 50.0, c.Track.MaxImpliedSpeedKn)
	assert.Equal(t, 10*time.Minute, c.Track.Step)
	assert.Equal(t, time.Hour, c.Track.MaxInterpGap)
	assert.Equal(t, 15*time.Minute, c.Track.MaxExtrapolation)
	assert.Equal(t, 2*time.Hour, c.Track.EvidencePadding)
	assert.Equal(t, EncounterConfig{MaxDistanceM: 500, MaxSpeedKn: 2, MinDuration: 2 * time.Hour, MergeGap: 4 * time.Hour, PortDistanceM: 10_000, EarlyOngoing: true}, c.Encounter)
	assert.Equal(t, LoiterConfig{MaxSpeedKn: 2, MinDuration: 4 * time.Hour, AwayFromPorts: true}, c.Loiter)
	assert.Equal(t, GapConfig{MinDuration: 6 * time.Hour, CoverageRadiusM: 50_000}, c.Gap)
	assert.Equal(t, DefaultRules(), c.Rules)
}

func TestStatsCountsBadInput(t *testing.T) {
	good := legs(mmsiX, time.Minute, stay(0, time.Hour, 39, 124))
	bad := func(mod func(*ais.Record)) ais.Record {
		r := good[5]
		mod(&r)
		return r
	}
	recs := slices.Clone(good)
	recs = append(recs,
		bad(func(r *ais.Record) { r.Pos.LatDeg = 91 }),
		bad(func(r *ais.Record) { r.Pos.LonDeg = -181 }),
		bad(func(r *ais.Record) { r.Pos.SOGKn = 102.3 }),
		bad(func(r *ais.Record) { r.Pos.SOGKn = 51.2 }),
		bad(func(r *ais.Record) { r.Pos.SOGKn = 63 }),
		bad(func(r *ais.Record) { r.Pos.COGDeg, r.Pos.SOGKn = 360, 5 }),
		bad(func(r *ais.Record) { r.Has &^= ais.HasTime }),
		bad(func(r *ais.Record) { r.Has &^= ais.HasLatLon }),
		bad(func(r *ais.Record) { r.Time = base.Add(-time.Hour) }), // older than the watermark
		good[len(good)-2], // receiver duplicate
	)
	// COG 360 is fine when the vessel is still
	ok := bad(func(r *ais.Record) { r.Pos.COGDeg, r.Pos.SOGKn, r.Time = 360, 0.2, base.Add(time.Hour) })
	recs = append(recs, ok)

	d := New(DefaultConfig(), Env{}, func(Event) {})
	for _, r := range recs {
		d.Push(r)
	}
	st := d.Stats()
	assert.Equal(t, int64(len(recs)), st.Records)
	assert.Equal(t, map[string]int64{"lat": 1, "lon": 1, "sog": 3, "cog": 1}, st.Invalid)
	assert.Equal(t, int64(2), st.Skipped)
	assert.Equal(t, int64(1), st.Late)
	assert.Equal(t, int64(1), st.Duplicates)
	assert.Equal(t, 1, st.ActiveVessels)
	assert.Equal(t, base.Add(time.Hour-10*time.Minute), d.Watermark())
}

func TestVesselIdentityAndRecentFixes(t *testing.T) {
	d := New(DefaultConfig(), Env{}, func(Event) {})
	for _, r := range legs(mmsiKP, time.Minute, stay(0, 3*time.Hour, 39, 124)) {
		d.Push(r)
	}
	d.Push(ais.Record{Kind: ais.KindStatic, Type: 5, MMSI: mmsiKP, Class: ais.ClassA,
		Has:  ais.HasTime | ais.HasName | ais.HasIMO | ais.HasCallsign | ais.HasShipType | ais.HasDims,
		Time: base.Add(3 * time.Hour), Static: ais.Static{Name: "SONG BONG@@@", IMO: 8606173, Callsign: "HMYZ", ShipType: 70, ToBowM: 80, ToSternM: 20}})
	for _, r := range legs(mmsiKP, time.Minute, stay(3*time.Hour, 4*time.Hour, 39, 124)) {
		d.Push(r)
	}
	v, pts, ok := d.Vessel(mmsiKP)
	require.True(t, ok)
	assert.Equal(t, Vessel{MMSI: mmsiKP, Flag: "KP", Name: "SONG BONG", IMO: 8606173, Callsign: "HMYZ", ShipType: 70, Class: "A", LengthM: 100}, v)
	require.NotEmpty(t, pts)
	assert.Equal(t, base.Add(4*time.Hour-time.Minute), pts[len(pts)-1].Time, "the newest fix, pending or not")
	for i := 1; i < len(pts); i++ {
		require.True(t, pts[i-1].Time.Before(pts[i].Time), "fixes in time order")
	}
	_, _, ok = d.Vessel(mmsiCN)
	assert.False(t, ok)
}

// BenchmarkPush measures the hot path (steps included) on a fleet of 500
// drifting vessels each reporting every 20 s for 6 h. The baseline is the
// least any tracker does per record — look the vessel up in a map and store
// the fix — timed on the same records in alternating chunks, so load from
// other processes hits both alike; "x-vs-mapstore" is its time over Push's.
func BenchmarkPush(b *testing.B) {
	recs := fleet(500, 6*time.Hour, 20*time.Second)
	const chunk = 10_000
	last := make(map[uint32]fix)
	var baseline time.Duration
	var d *Detector
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		at := i % len(recs)
		if at == 0 {
			b.StopTimer()
			d = New(DefaultConfig(), Env{}, func(Event) {})
			b.StartTimer()
		}
		part := recs[at:min(at+chunk, len(recs), at+b.N-i)]
		b.StopTimer()
		start := time.Now()
		for j := range part {
			r := &part[j]
			last[r.MMSI] = fix{T: r.Time.UnixMilli(), LatDeg: r.Pos.LatDeg, LonDeg: r.Pos.LonDeg}
		}
		baseline += time.Since(start)
		b.StartTimer()
		for _, r := range part {
			d.Push(r)
		}
		i += len(part)
	}
	nsPerRec := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	baseNsPerRec := float64(baseline.Nanoseconds()) / float64(b.N)
	b.ReportMetric(1e9/nsPerRec, "records/s")
	b.ReportMetric(1e9/baseNsPerRec, "baseline-records/s")
	b.ReportMetric(baseNsPerRec, "baseline-ns/op")
	b.ReportMetric(baseNsPerRec/nsPerRec, "x-vs-mapstore")
}

// fleet is n vessels on a 10 km lattice, drifting slowly, reporting every `every` for dur.
func fleet(n int, dur, every time.Duration) []ais.Record {
	var lists [][]ais.Record
	for i := range n {
		lat, lon := offset(35, 123, float64(i/50)*10_000, float64(i%50)*10_000)
		lat1, lon1 := offset(lat, lon, 3000, 1000)
		lists = append(lists, legs(uint32(412_000_000+i), every, leg{0, dur, lat, lon, lat1, lon1}))
	}
	return merge(lists...)
}

func TestLongSilenceAndFlushTwice(t *testing.T) {
	// two meetings 30 days apart: the idle days are skipped, both are found,
	// and a second Flush adds nothing
	recs := slices.Concat(pair(0, 3*time.Hour, 39, 124, 200), pair(30*24*time.Hour, 30*24*time.Hour+3*time.Hour, 39, 124, 200))
	var evs []Event
	d := New(DefaultConfig(), Env{}, func(e Event) { evs = append(evs, e) })
	start := time.Now()
	for _, r := range recs {
		d.Push(r)
	}
	d.Flush()
	require.Len(t, ofType(evs, TypeEncounter, StatusClosed), 2)
	n := len(evs)
	d.Flush()
	d.Push(recs[0])
	assert.Len(t, evs, n)
	assert.Less(t, time.Since(start), 5*time.Second)
}

// FuzzPush feeds arbitrary records — any times, positions, speeds, MMSIs and
// order — and checks that the detector never panics and that what it emits
// is well formed.
func FuzzPush(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
	f.Add([]byte("\xff\xff\xff\xff\x00\x00\x00\x00\x80\x80\x80\x80spike onto another vessel, then back"))
	f.Add(bytes.Repeat([]byte{1, 0, 0, 0, 3, 200, 100, 50, 2}, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		var evs []Event
		d := New(DefaultConfig(), Env{}, func(e Event) { evs = append(evs, e) })
		at := base
		for len(data) >= 9 {
			b := data[:9]
			data = data[9:]
			at = at.Add(time.Duration(int8(b[0])) * time.Minute / 4) // mostly forward, sometimes back
			r := ais.Record{Kind: ais.KindPosition, MMSI: 412000000 + uint32(b[1]%4), Has: ais.Has(b[2]) | ais.HasTime, Time: at,
				Pos: ais.Position{
					LatDeg: 39 + float64(int8(b[3]))/2000, LonDeg: 179.99 + float64(int8(b[4]))/2000,
					SOGKn: float32(b[5]) / 10, COGDeg: float32(b[6]) * 2,
				}}
			switch b[7] % 16 {
			case 0:
				r.Kind = ais.KindStatic
				r.Static = ais.Static{Name: string(b[:b[8]%9]), IMO: uint32(b[8]) * 40503, ToBowM: uint16(b[8])}
			case 1:
				r.Pos.LatDeg = math.NaN()
			case 2:
				r.Pos.LonDeg = float64(int8(b[8])) * 2
			case 3:
				r.Time = time.Unix(int64(b[8])<<34, 0) // far past or future
			}
			d.Push(r)
		}
		var buf bytes.Buffer
		require.NoError(t, d.SaveState(&buf))
		require.NoError(t, New(DefaultConfig(), Env{}, func(Event) {}).LoadState(&buf))
		d.Flush()
		for _, e := range evs {
			require.Len(t, e.ID, 32)
			require.False(t, e.End.Before(e.Start), "end before start: %+v", e)
			require.Equal(t, int64(e.End.Sub(e.Start).Seconds()), e.DurationS)
			require.NotEmpty(t, e.Vessels)
			require.False(t, math.IsNaN(e.Lat) || math.IsNaN(e.Lon), "NaN position: %+v", e)
			require.GreaterOrEqual(t, e.Score, 0.0)
			require.LessOrEqual(t, e.Score, 1.0)
		}
	})
}

func TestClassBStaticPartsBothApply(t *testing.T) {
	// type 24 parts A (name) and B (callsign, type, size) alternate every 6 min
	recs := legs(mmsiCN, 3*time.Minute, stay(0, 6*time.Hour, 36, 125))
	for i := range recs {
		recs[i].Class = ais.ClassB
	}
	for at := time.Duration(0); at < 6*time.Hour; at += 6 * time.Minute {
		a := ais.Record{Kind: ais.KindStatic, Type: 24, MMSI: mmsiCN, Class: ais.ClassB, Has: ais.HasTime | ais.HasName,
			Time: base.Add(at + time.Second), Static: ais.Static{Name: "ZHE JIANG 1", Part: 'A'}}
		b := ais.Record{Kind: ais.KindStatic, Type: 24, MMSI: mmsiCN, Class: ais.ClassB, Has: ais.HasTime | ais.HasCallsign | ais.HasShipType | ais.HasDims,
			Time: base.Add(at + 2*time.Second), Static: ais.Static{Callsign: "BZ123", ShipType: 99, ToBowM: 30, ToSternM: 10, Part: 'B'}}
		recs = append(recs, a, b)
	}
	lo := ofType(detect(t, DefaultConfig(), Env{}, merge(recs)), TypeLoitering, StatusClosed)
	require.Len(t, lo, 1)
	assert.Equal(t, []Vessel{{MMSI: mmsiCN, Flag: "CN", Name: "ZHE JIANG 1", Callsign: "BZ123", ShipType: 99, Class: "B", LengthM: 40}}, lo[0].Vessels)
	assert.Contains(t, lo[0].Reasons, ReasonClassB)
	assert.NotContains(t, lo[0].Reasons, ReasonNoStatic)
}

// BenchmarkStep measures the per-step work of the detectors per active
// vessel (ns/vessel-step) on 100 k vessels reporting every 2 min for 6 h:
// 80 % under way at 8-14 kn, 20 % drifting (1 % in pairs 300 m apart, so
// encounter runs are open). The time of the pushes
// that run steps counts, and the baseline is the pushes that do not: ns/record
// is every push (and the final Flush) per record, steps included, against
// baseline-ns/record for the pushes that run no step (x-vs-nostep < 1: what
// the steps add per record). Steps include
// finalizing each vessel's fixes into its track; until the tracks have the
// room of their full history (evidence padding plus the detector's lag and
// trim's slack: 148 fixes, reached by doubling once they pass 128, about
// 4 h 30 min into the data) that mostly grows memory, so the steps after
// 4 h 40 min of data are also reported alone (steady).
func BenchmarkStep(b *testing.B) {
	const n, every, dur, warm = 100_000, 2 * time.Minute, 6 * time.Hour, 4*time.Hour + 40*time.Minute
	type ship struct {
		mmsi                 uint32
		lat, lon, dLat, dLon float64 // position at base and degrees per hour
		sog, cog             float32
	}
	ships := make([]ship, n)
	for i := range ships {
		lat, lon := offset(20, 110, float64(i/300)*3000, float64(i%300)*3000)
		s := ship{mmsi: uint32(412_000_000 + i), lat: lat, lon: lon}
		switch {
		case i%100 == 1: // drifting pair: this one and the one before, 300 m east
			s.lat, s.lon = offset(ships[i-1].lat, ships[i-1].lon, 0, 300)
			s.sog = 0.3
		case i%5 == 0:
			s.sog = 0.3
		default:
			kn := 8 + float64(i%7)
			s.dLat, s.sog, s.cog = kn*1852/geo.MetresPerDegLat, float32(kn), 0
		}
		ships[i] = s
	}
	var stepNs, pushNs, steadyNs time.Duration
	var vesselSteps, pushes, stepPushes, steadySteps int64
	for b.Loop() {
		d := New(DefaultConfig(), Env{}, func(Event) {})
		for at := time.Duration(0); at < dur; at += every {
			for i := range ships {
				s := &ships[i]
				h := at.Hours()
				r := ais.Record{
					Kind: ais.KindPosition, Type: 1, MMSI: s.mmsi, Class: ais.ClassA,
					Has:  ais.HasTime | ais.HasLatLon | ais.HasSOG | ais.HasCOG,
					Time: base.Add(at + time.Duration(i%100)*time.Second),
					Pos:  ais.Position{LatDeg: s.lat + h*s.dLat, LonDeg: s.lon + h*s.dLon, SOGKn: s.sog, COGDeg: s.cog},
				}
				next := d.s.NextStep
				t0 := time.Now()
				d.Push(r)
				el := time.Since(t0)
				if steps := (d.s.NextStep - next) / d.p.step; steps > 0 {
					stepNs += el
					stepPushes++
					vesselSteps += steps * int64(len(d.s.Vessels))
					if at > warm {
						steadyNs += el
						steadySteps += steps * int64(len(d.s.Vessels))
					}
				} else {
					pushNs += el
					pushes++
				}
			}
		}
		next := d.s.NextStep
		t0 := time.Now()
		d.Flush()
		stepNs += time.Since(t0)
		vesselSteps += (d.s.NextStep - next) / d.p.step * int64(len(d.s.Vessels))
	}
	b.ReportMetric(float64(stepNs.Nanoseconds())/float64(vesselSteps), "ns/vessel-step")
	b.ReportMetric(float64(steadyNs.Nanoseconds())/float64(steadySteps), "ns/vessel-step-steady")
	nsPerRec := float64((stepNs + pushNs).Nanoseconds()) / float64(pushes+stepPushes)
	baseNsPerRec := float64(pushNs.Nanoseconds()) / float64(pushes)
	b.ReportMetric(nsPerRec, "ns/record")
	b.ReportMetric(baseNsPerRec, "baseline-ns/record")
	b.ReportMetric(baseNsPerRec/nsPerRec, "x-vs-nostep")
	b.ReportMetric(float64(vesselSteps)/float64(b.N), "vessel-steps")
}
