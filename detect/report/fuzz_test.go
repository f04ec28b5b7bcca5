package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/stswatch/stswatch/detect"
)

// FuzzWriters writes an event whose text comes from AIS (names, call signs: any
// bytes) through the text writers and reads each output back. (Parquet stores
// strings length-prefixed, with nothing to escape; TestParquetRoundTrip covers it.)
func FuzzWriters(f *testing.F) {
	for _, e := range testEvents() {
		name, callsign := "", ""
		if len(e.Vessels) > 0 {
			name, callsign = e.Vessels[0].Name, e.Vessels[0].Callsign
		}
		f.Add(name, callsign, "flag-kp", e.Lat, e.Lon, e.Score)
	}
	f.Add("A\"B,C\n\x00\xff@@", "X;Y", "zone:<Yellow Sea>", -90.0, 180.0, 1.0)
	f.Fuzz(func(t *testing.T, name, callsign, reason string, lat, lon, score float64) {
		for _, x := range []float64{lat, lon, score} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Skip("events carry finite numbers")
			}
		}
		e := testEvents()[0]
		e.Vessels[0].Name, e.Vessels[0].Callsign = name, callsign
		e.Reasons = []string{reason}
		e.Lat, e.Lon, e.Score = lat, lon, score
		e.Start = time.Unix(int64(math.Abs(lat)*1e6), 0).UTC()

		var jl, gj, cs bytes.Buffer
		for _, w := range []Writer{NewJSONL(&jl), NewGeoJSON(&gj), NewCSV(&cs)} {
			if err := w.Write(e); err != nil {
				t.Fatalf("%T.Write: %v", w, err)
			}
			if err := w.Close(); err != nil {
				t.Fatalf("%T.Close: %v", w, err)
			}
		}

		var back detect.Event
		if err := json.Unmarshal(jl.Bytes(), &back); err != nil {
			t.Fatalf("jsonl: %v\n%s", err, jl.String())
		}
		if back.ID != e.ID || back.Lat != e.Lat || back.Lon != e.Lon || len(back.Vessels) != 2 || !back.Start.Equal(e.Start) {
			t.Fatalf("jsonl round trip: got %+v", back)
		}
		fc, err := geojson.UnmarshalFeatureCollection(gj.Bytes())
		if err != nil {
			t.Fatalf("geojson: %v\n%s", err, gj.String())
		}
		if len(fc.Features) != 3 || fc.Features[0].Properties["event_id"] != e.ID {
			t.Fatalf("geojson: %d features", len(fc.Features))
		}
		rows, err := csv.NewReader(&cs).ReadAll()
		if err != nil {
			t.Fatalf("csv: %v\n%s", err, cs.String())
		}
		if len(rows) != 2 || len(rows[1]) != len(columns) || rows[1][0] != e.ID {
			t.Fatalf("csv: %d rows", len(rows))
		}
	})
}
