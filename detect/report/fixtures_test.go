package report

import (
	"time"

	"github.com/stswatch/stswatch/detect"
)

func f64(x float64) *float64 { return &x }

var t0 = time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)

// track is a straight track of n fixes ten minutes apart from (lat, lon) moving by (dLat, dLon) per fix.
func track(mmsi uint32, n int, lat, lon, dLat, dLon float64) detect.Track {
	t := detect.Track{MMSI: mmsi}
	for i := range n {
		l := lon + float64(i)*dLon
		if l > 180 {
			l -= 360
		}
		t.Points = append(t.Points, detect.TrackPoint{
			Time: t0.Add(time.Duration(i) * 10 * time.Minute), LatDeg: lat + float64(i)*dLat, LonDeg: l, SOGKn: 0.5,
		})
	}
	return t
}

// testEvents has one event of each type: an alert encounter whose tracks cross
// the antimeridian, a loiter, a gap and an identity anomaly.
func testEvents() []detect.Event {
	return []detect.Event{
		{
			ID: "enc1", Type: detect.TypeEncounter, Status: detect.StatusClosed,
			Start: t0, End: t0.Add(3 * time.Hour), DurationS: 3 * 3600, Lat: 38.1234567, Lon: 179.99,
			Vessels: []detect.Vessel{
				{MMSI: 445123456, Flag: "KP", Name: "CHON MA SAN", IMO: 8660313, Class: "A", ShipType: 70, LengthM: 120},
				{MMSI: 412000001, Flag: "CN", Class: "B"},
			},
			MinDistanceM: f64(42.37), MedianDistanceM: f64(88.04), MedianSOGKn: f64(0.812),
			Alert: true, Score: 0.93, Reasons: []string{"flag-kp", "flag-cn", "barge-like"},
			Tracks: []detect.Track{
				track(445123456, 6, 38.1, 179.975, 0.001, 0.01), // crosses +180° between fixes 3 and 4
				track(412000001, 3, 38.1, 179.90, 0, 0.001),
			},
		},
		{
			ID: "loi1", Type: detect.TypeLoitering, Status: detect.StatusClosed,
			Start: t0, End: t0.Add(5 * time.Hour), DurationS: 5 * 3600, Lat: 37.5, Lon: 124.5,
			Vessels:     []detect.Vessel{{MMSI: 413000002, Flag: "CN", Name: "BARGE 7"}},
			MedianSOGKn: f64(0.4), Score: 0.3, Reasons: []string{"flag-cn"},
			Tracks: []detect.Track{track(413000002, 4, 37.5, 124.5, 0.0001, 0.0001), {MMSI: 1, Points: nil}},
		},
		{
			ID: "gap1", Type: detect.TypeGap, Status: detect.StatusClosed,
			Start: t0, End: t0.Add(7 * time.Hour), DurationS: 7 * 3600, Lat: 39, Lon: 125,
			Vessels: []detect.Vessel{{MMSI: 445000003, Flag: "KP"}},
			EndLat:  f64(39.1), EndLon: f64(125.2), GapDistanceM: f64(20000.5), ImpliedSOGKn: f64(1.54),
			NearStart: []uint32{412000001, 413000002},
			Score:     0.5, Reasons: []string{"flag-kp"},
			Tracks: []detect.Track{track(445000003, 3, 39, 125, 0, 0)}, // a gap's track is not drawn
		},
		{
			ID: "id1", Type: detect.TypeIdentity, Status: detect.StatusClosed,
			Start: t0, End: t0, Lat: 30, Lon: 122,
			Vessels: []detect.Vessel{{MMSI: 412999999, Flag: "CN", IMO: 1234567}},
			Anomaly: "imo-checksum", Detail: "IMO 1234567 fails its check digit",
			Score: 0.2, Reasons: []string{},
		},
	}
}
