package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/detect"
)

func TestGeoJSONCollection(t *testing.T) {
	var buf bytes.Buffer
	writeAll(t, NewGeoJSON(&buf), testEvents())
	fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
	require.NoError(t, err, buf.String())

	// encounter: point + 2 tracks; loiter: point + 1 track (the empty track is skipped); gap: point; identity: point.
	require.Len(t, fc.Features, 7)
	wantTypes := []string{"Point", "MultiLineString", "LineString", "Point", "LineString", "Point", "Point"}
	wantEvents := []string{"enc1", "enc1", "enc1", "loi1", "loi1", "gap1", "id1"}
	for i, f := range fc.Features {
		assert.Equal(t, wantTypes[i], f.Geometry.GeoJSONType(), "feature %d", i)
		assert.Equal(t, wantEvents[i], f.Properties["event_id"], "feature %d", i)
		for _, k := range []string{"type", "status", "alert", "score", "reasons", "start", "end", "duration_s",
			"marker-color", "marker-size", "stroke", "stroke-width"} {
			assert.Contains(t, f.Properties, k, "feature %d", i)
		}
	}

	enc := fc.Features[0]
	assert.Equal(t, orb.Point{179.99, 38.123457}, enc.Geometry)
	assert.Equal(t, "event", enc.Properties["feature"])
	assert.Equal(t, true, enc.Properties["alert"])
	assert.Equal(t, ColorAlert, enc.Properties["marker-color"])
	assert.Equal(t, []any{"flag-kp", "flag-cn", "barge-like"}, enc.Properties["reasons"])
	assert.Equal(t, "2026-03-01T22:00:00Z", enc.Properties["start"])
	assert.Equal(t, 445123456.0, enc.Properties["mmsi_1"])
	assert.Equal(t, 412000001.0, enc.Properties["mmsi_2"])
	assert.Equal(t, "KP", enc.Properties["flag_1"])
	assert.Equal(t, 42.4, enc.Properties["min_distance_m"])
	vessels, ok := enc.Properties["vessels"].([]any)
	require.True(t, ok)
	require.Len(t, vessels, 2)
	assert.Equal(t, "CHON MA SAN", vessels[0].(map[string]any)["name"])

	// The first track crosses +180° halfway between (179.995, 38.102) and
	// (-179.995, 38.103): split there, at the interpolated latitude.
	kp := fc.Features[1]
	assert.Equal(t, "track", kp.Properties["feature"])
	assert.Equal(t, 445123456.0, kp.Properties["mmsi"])
	assert.Equal(t, "CHON MA SAN", kp.Properties["name"])
	assert.Equal(t, ColorAlert, kp.Properties["stroke"])
	mls := kp.Geometry.(orb.MultiLineString)
	require.Len(t, mls, 2)
	require.Len(t, mls[0], 4)
	require.Len(t, mls[1], 4)
	assert.Equal(t, 180.0, mls[0][3][0])
	assert.Equal(t, -180.0, mls[1][0][0])
	assert.InDelta(t, 38.1025, mls[0][3][1], 1e-6)
	assert.Equal(t, mls[0][3][1], mls[1][0][1])
	assert.Equal(t, orb.Point{-179.975, 38.105}, mls[1][3])

	cn := fc.Features[2]
	assert.Equal(t, 412000001.0, cn.Properties["mmsi"])
	assert.Equal(t, "B", cn.Properties["class"])
	assert.NotContains(t, cn.Properties, "name")
	assert.Len(t, cn.Geometry.(orb.LineString), 3)

	assert.Equal(t, ColorLoitering, fc.Features[3].Properties["marker-color"])
	assert.Equal(t, ColorLoitering, fc.Features[4].Properties["stroke"])

	gap := fc.Features[5]
	assert.Equal(t, orb.Point{125, 39}, gap.Geometry, "a gap's point is where the vessel went dark")
	assert.Equal(t, ColorGap, gap.Properties["marker-color"])
	assert.Equal(t, 39.1, gap.Properties["end_lat"])
	assert.Equal(t, "412000001;413000002", gap.Properties["near_start"])

	id := fc.Features[6]
	assert.Equal(t, ColorIdentity, id.Properties["marker-color"])
	assert.Equal(t, "imo-checksum", id.Properties["anomaly"])
	assert.Equal(t, []any{}, id.Properties["reasons"])
}

func TestGeoJSONUnknownPosition(t *testing.T) {
	e := testEvents()[3]
	e.Lat, e.Lon = 0, 0
	var buf bytes.Buffer
	writeAll(t, NewGeoJSON(&buf), []detect.Event{e})
	assert.Contains(t, buf.String(), `"geometry":null`)
	fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
	require.NoError(t, err)
	require.Len(t, fc.Features, 1)
	assert.Nil(t, fc.Features[0].Geometry, "no point at 0,0 for an event without a position")
	assert.Equal(t, "id1", fc.Features[0].Properties["event_id"])
}

func TestGeoJSONEmpty(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, NewGeoJSON(&buf).Close())
	fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
	require.NoError(t, err)
	assert.Empty(t, fc.Features)
}

// TestGeoJSONTrackCoordinatesRounded checks that every track coordinate, the
// points added where a track is cut at ±180° included, is rounded to 6
// decimals as README "GeoJSON" says.
func TestGeoJSONTrackCoordinatesRounded(t *testing.T) {
	fix := func(i int, lat, lon float64) detect.TrackPoint {
		return detect.TrackPoint{Time: t0.Add(time.Duration(i) * 10 * time.Minute), LatDeg: lat, LonDeg: lon}
	}
	tests := []struct {
		name     string
		points   []detect.TrackPoint
		wantType string
		wantCut  float64 // latitude of the cut at ±180° (MultiLineString only)
	}{
		{"plain track", []detect.TrackPoint{fix(0, 38.10000049, 124.1234567), fix(1, 38.2, 124.2)}, "LineString", 0},
		{"eastward across +180°", []detect.TrackPoint{fix(0, 38.1, 179.997), fix(1, 38.2, -179.996)}, "MultiLineString", 38.142857},
		{"westward across -180°", []detect.TrackPoint{fix(0, -5.1, -179.999), fix(1, -5.2, 179.998)}, "MultiLineString", -5.133333},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := detect.Event{
				ID: "enc", Type: detect.TypeEncounter, Status: detect.StatusClosed, Start: t0, End: t0,
				Lat: 38, Lon: 124, Vessels: []detect.Vessel{{MMSI: 445123456}}, Reasons: []string{},
				Tracks: []detect.Track{{MMSI: 445123456, Points: tt.points}},
			}
			var buf bytes.Buffer
			writeAll(t, NewGeoJSON(&buf), []detect.Event{e})
			fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
			require.NoError(t, err)
			require.Len(t, fc.Features, 2)
			g := fc.Features[1].Geometry
			require.Equal(t, tt.wantType, g.GeoJSONType())
			var parts []orb.LineString
			switch g := g.(type) {
			case orb.LineString:
				parts = []orb.LineString{g}
			case orb.MultiLineString:
				parts = g
				require.Len(t, parts, 2)
				assert.Equal(t, tt.wantCut, parts[0][len(parts[0])-1][1], "cut latitude, end of the first part")
				assert.Equal(t, tt.wantCut, parts[1][0][1], "cut latitude, start of the second part")
			}
			for i, part := range parts {
				for j, p := range part {
					assert.Equal(t, round6(p[0]), p[0], "part %d point %d lon", i, j)
					assert.Equal(t, round6(p[1]), p[1], "part %d point %d lat", i, j)
				}
			}
		})
	}
}
