package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/detect"
)

func writeAll(t *testing.T, w Writer, events []detect.Event) {
	t.Helper()
	for _, e := range events {
		require.NoError(t, w.Write(e))
	}
	require.NoError(t, w.Close())
}

func TestJSONLRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	events := testEvents()
	writeAll(t, NewJSONL(&buf), events)

	sc := bufio.NewScanner(&buf)
	var got []detect.Event
	for sc.Scan() {
		var e detect.Event
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e), sc.Text())
		got = append(got, e)
	}
	require.Len(t, got, len(events))
	for i, want := range events {
		want.Tracks = nil // evidence is not part of the JSON line
		assert.True(t, want.Start.Equal(got[i].Start))
		assert.True(t, want.End.Equal(got[i].End))
		got[i].Start, got[i].End = want.Start, want.End // same instant; only the location pointer differs
		assert.Equal(t, want, got[i])
	}
}

func TestJSONLFieldNames(t *testing.T) {
	var buf bytes.Buffer
	writeAll(t, NewJSONL(&buf), testEvents()[2:3])
	var m map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
	for _, k := range []string{"id", "type", "status", "start", "end", "duration_s", "lat", "lon", "vessels",
		"end_lat", "end_lon", "gap_distance_m", "implied_sog_kn", "alert", "score", "reasons"} {
		assert.Contains(t, m, k)
	}
	assert.NotContains(t, m, "Tracks")
	assert.Equal(t, "2026-03-01T22:00:00Z", m["start"])
}

func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	writeAll(t, NewCSV(&buf), testEvents())
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 5)
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	require.Len(t, col, len(rows[0]), "column names are unique")

	tests := []struct {
		row         int
		column, val string
	}{
		{1, "event_id", "enc1"},
		{1, "type", "encounter"},
		{1, "start", "2026-03-01T22:00:00Z"},
		{1, "end", "2026-03-02T01:00:00Z"},
		{1, "duration_s", "10800"},
		{1, "lat", "38.123457"},
		{1, "alert", "true"},
		{1, "score", "0.93"},
		{1, "reasons", "flag-kp;flag-cn;barge-like"},
		{1, "mmsis", "445123456;412000001"},
		{1, "mmsi_1", "445123456"},
		{1, "name_1", "CHON MA SAN"},
		{1, "imo_1", "8660313"},
		{1, "ship_type_1", "70"},
		{1, "mmsi_2", "412000001"},
		{1, "class_2", "B"},
		{1, "imo_2", ""},
		{1, "min_distance_m", "42.4"},
		{1, "median_sog_kn", "0.81"},
		{2, "mmsi_2", ""},
		{2, "alert", "false"},
		{3, "end_lat", "39.1"},
		{3, "gap_distance_m", "20000.5"},
		{3, "near_start", "412000001;413000002"},
		{3, "min_distance_m", ""},
		{4, "anomaly", "imo-checksum"},
		{4, "reasons", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.val, rows[tt.row][col[tt.column]], "row %d column %s", tt.row, tt.column)
	}
}

func TestCSVEmptyHasHeader(t *testing.T) {
	var buf bytes.Buffer
	writeAll(t, NewCSV(&buf), nil)
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, "event_id", rows[0][0])
	assert.Len(t, rows[0], len(columns))
}

type recorder struct {
	ids      []string
	failOn   string
	closeErr error
}

func (r *recorder) Write(e detect.Event) error {
	if e.ID == r.failOn {
		return errors.New("full")
	}
	r.ids = append(r.ids, e.ID)
	return nil
}

func (r *recorder) Close() error { return r.closeErr }

func TestMulti(t *testing.T) {
	a, b := &recorder{}, &recorder{closeErr: errors.New("b close")}
	m := Multi(a, b)
	for _, e := range testEvents()[:2] {
		require.NoError(t, m.Write(e))
	}
	assert.Equal(t, []string{"enc1", "loi1"}, a.ids)
	assert.Equal(t, a.ids, b.ids)
	assert.EqualError(t, m.Close(), "b close")

	c := &recorder{failOn: "loi1"}
	m = Multi(c, a)
	assert.NoError(t, m.Write(testEvents()[0]))
	assert.EqualError(t, m.Write(testEvents()[1]), "full")
}

// TestTimesKeepFractionalSeconds checks that the text outputs (CSV, GeoJSON
// properties) write an event's times as the JSON line does (RFC 3339 with the
// fraction of a second when there is one), not cut to whole seconds: records
// with sub-second times (tag blocks, $PGHP, CSV exports in ms) give events
// whose start and end are not whole seconds, and Parquet keeps them.
func TestTimesKeepFractionalSeconds(t *testing.T) {
	tests := []struct {
		name  string
		start time.Time
		want  string
	}{
		{"whole seconds", t0, "2026-03-01T22:00:00Z"},
		{"milliseconds", t0.Add(760 * time.Millisecond), "2026-03-01T22:00:00.76Z"},
		{"microseconds", t0.Add(123456 * time.Microsecond), "2026-03-01T22:00:00.123456Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := testEvents()[1] // a loiter, with a track
			e.Start, e.End = tt.start, tt.start.Add(5*time.Hour)
			for i := range e.Tracks[0].Points {
				e.Tracks[0].Points[i].Time = tt.start.Add(time.Duration(i) * time.Minute)
			}
			wantEnd := e.End.Format(time.RFC3339Nano)

			var line bytes.Buffer
			writeAll(t, NewJSONL(&line), []detect.Event{e})
			var m map[string]any
			require.NoError(t, json.Unmarshal(line.Bytes(), &m))
			require.Equal(t, tt.want, m["start"], "the JSON line, the reference")

			var buf bytes.Buffer
			writeAll(t, NewCSV(&buf), []detect.Event{e})
			rows, err := csv.NewReader(&buf).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, 2)
			assert.Equal(t, tt.want, rows[1][3], "csv start")
			assert.Equal(t, wantEnd, rows[1][4], "csv end")

			fs := Features(e)
			require.Len(t, fs, 2)
			assert.Equal(t, tt.want, fs[0].Properties["start"], "geojson start")
			assert.Equal(t, wantEnd, fs[0].Properties["end"], "geojson end")
			assert.Equal(t, tt.want, fs[1].Properties["track_start"], "geojson track_start")
			assert.Equal(t, tt.start.Add(3*time.Minute).Format(time.RFC3339Nano), fs[1].Properties["track_end"], "geojson track_end")
		})
	}
}

// TestUnknownPositionIsAbsent: an identity event before any fix has lat = lon
// = 0 in the JSON line (README "Event schema"); the GeoJSON gives it no
// geometry, and the tables leave its lat and lon empty (CSV) or null
// (Parquet) rather than put it at 0°N 0°E, where QGIS and kepler.gl, reading
// the columns as coordinates, would plot it.
func TestUnknownPositionIsAbsent(t *testing.T) {
	tests := []struct {
		name     string
		lat, lon float64
		want     []string // CSV lat, lon
	}{
		{"no known position", 0, 0, []string{"", ""}},
		{"on the equator", 0, 122.5, []string{"0", "122.5"}},
		{"on the prime meridian", 51.5, 0, []string{"51.5", "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := testEvents()[3]
			e.Lat, e.Lon = tt.lat, tt.lon

			var buf bytes.Buffer
			writeAll(t, NewCSV(&buf), []detect.Event{e})
			rows, err := csv.NewReader(&buf).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, 2)
			assert.Equal(t, tt.want, rows[1][6:8], "csv lat, lon")

			var pq bytes.Buffer
			p, err := NewParquet(&pq)
			require.NoError(t, err)
			writeAll(t, p, []detect.Event{e})
			tbl, _ := readParquet(t, pq.Bytes())
			for i, name := range []string{"lat", "lon"} {
				col := columnOf(t, tbl, name).(*array.Float64)
				if tt.want[i] == "" {
					assert.True(t, col.IsNull(0), "parquet %s", name)
				} else {
					assert.Equal(t, tt.want[i], formatText(col.Value(0)), "parquet %s", name)
				}
			}

			props := Features(e)[0].Properties
			for i, name := range []string{"lat", "lon"} {
				if tt.want[i] == "" {
					assert.NotContains(t, props, name, "geojson")
				} else {
					assert.Equal(t, tt.want[i], formatText(props[name]), "geojson %s", name)
				}
			}
		})
	}
}
