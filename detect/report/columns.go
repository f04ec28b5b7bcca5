package report

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stswatch/stswatch/detect"
)

// maxFlatVessels is how many vessels get their own columns (mmsi_1, mmsi_2, ...)
// in the flat outputs; encounters have two, the rest one. Every MMSI of an
// event is also in the "mmsis" column.
const maxFlatVessels = 2

// column is one column of the flat event table shared by CSV, Parquet and the
// GeoJSON Point properties, so the three never drift apart. get returns a
// string, int64, float64, bool, time.Time, or nil when the value is absent.
type column struct {
	name string
	typ  arrow.DataType
	get  func(e *detect.Event) any
}

var timestampUTC = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// columns is the flat event table, in output order.
var columns = buildColumns()

func buildColumns() []column {
	cols := []column{
		{"event_id", arrow.BinaryTypes.String, func(e *detect.Event) any { return e.ID }},
		{"type", arrow.BinaryTypes.String, func(e *detect.Event) any { return e.Type }},
		{"status", arrow.BinaryTypes.String, func(e *detect.Event) any { return e.Status }},
		{"start", timestampUTC, func(e *detect.Event) any { return optTime(e.Start) }},
		{"end", timestampUTC, func(e *detect.Event) any { return optTime(e.End) }},
		{"duration_s", arrow.PrimitiveTypes.Int64, func(e *detect.Event) any { return e.DurationS }},
		{"lat", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optPosition(e, e.Lat) }},
		{"lon", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optPosition(e, e.Lon) }},
		{"alert", arrow.FixedWidthTypes.Boolean, func(e *detect.Event) any { return e.Alert }},
		{"score", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return e.Score }},
		{"reasons", arrow.BinaryTypes.String, func(e *detect.Event) any { return optString(strings.Join(e.Reasons, ";")) }},
		{"mmsis", arrow.BinaryTypes.String, func(e *detect.Event) any { return optString(joinMMSIs(e.Vessels)) }},
	}
	for i := range maxFlatVessels {
		cols = append(cols, vesselColumns(i)...)
	}
	return append(cols,
		column{"min_distance_m", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optFloat(e.MinDistanceM, 1) }},
		column{"median_distance_m", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optFloat(e.MedianDistanceM, 1) }},
		column{"median_sog_kn", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optFloat(e.MedianSOGKn, 2) }},
		column{"end_lat", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optFloat(e.EndLat, 6) }},
		column{"end_lon", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optFloat(e.EndLon, 6) }},
		column{"gap_distance_m", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optFloat(e.GapDistanceM, 1) }},
		column{"implied_sog_kn", arrow.PrimitiveTypes.Float64, func(e *detect.Event) any { return optFloat(e.ImpliedSOGKn, 2) }},
		column{"near_start", arrow.BinaryTypes.String, func(e *detect.Event) any { return optString(joinUint32(e.NearStart)) }},
		column{"near_end", arrow.BinaryTypes.String, func(e *detect.Event) any { return optString(joinUint32(e.NearEnd)) }},
		column{"anomaly", arrow.BinaryTypes.String, func(e *detect.Event) any { return optString(e.Anomaly) }},
		column{"detail", arrow.BinaryTypes.String, func(e *detect.Event) any { return optString(e.Detail) }},
	)
}

// vesselField is one identity field of a vessel, flattened per vessel in the
// tables and carried by each track feature of the GeoJSON.
type vesselField struct {
	name string
	typ  arrow.DataType
	get  func(v *detect.Vessel) any
}

var vesselFields = []vesselField{
	{"mmsi", arrow.PrimitiveTypes.Int64, func(v *detect.Vessel) any { return int64(v.MMSI) }},
	{"flag", arrow.BinaryTypes.String, func(v *detect.Vessel) any { return optString(v.Flag) }},
	{"name", arrow.BinaryTypes.String, func(v *detect.Vessel) any { return optString(v.Name) }},
	{"imo", arrow.PrimitiveTypes.Int64, func(v *detect.Vessel) any { return optInt(int64(v.IMO)) }},
	{"callsign", arrow.BinaryTypes.String, func(v *detect.Vessel) any { return optString(v.Callsign) }},
	{"ship_type", arrow.PrimitiveTypes.Int64, func(v *detect.Vessel) any { return optInt(int64(v.ShipType)) }},
	{"class", arrow.BinaryTypes.String, func(v *detect.Vessel) any { return optString(v.Class) }},
	{"length_m", arrow.PrimitiveTypes.Int64, func(v *detect.Vessel) any { return optInt(int64(v.LengthM)) }},
}

// vesselColumns are the identity columns of the i-th vessel (suffix _1, _2, ...).
func vesselColumns(i int) []column {
	cols := make([]column, len(vesselFields))
	for j, f := range vesselFields {
		cols[j] = column{f.name + "_" + strconv.Itoa(i+1), f.typ, func(e *detect.Event) any {
			if i >= len(e.Vessels) {
				return nil
			}
			return f.get(&e.Vessels[i])
		}}
	}
	return cols
}

func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// optPosition is a coordinate of the event's position rounded to 6 decimals,
// nil when the position is unknown, as the GeoJSON Point then has no geometry.
func optPosition(e *detect.Event, deg float64) any {
	if !knownPosition(e) {
		return nil
	}
	return round6(deg)
}

// knownPosition reports whether the event has a position: lat = lon = 0 is
// an identity anomaly before any fix (README "Event schema"), not 0°N 0°E.
func knownPosition(e *detect.Event) bool { return e.Lat != 0 || e.Lon != 0 }

func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// optFloat dereferences p rounded to the given decimals, nil when absent.
func optFloat(p *float64, decimals int) any {
	if p == nil {
		return nil
	}
	return roundTo(*p, decimals)
}

// round6 rounds degrees to 6 decimals (about 0.1 m), enough for any AIS position.
func round6(x float64) float64 { return roundTo(x, 6) }

func roundTo(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}

func joinMMSIs(vs []detect.Vessel) string {
	ids := make([]uint32, len(vs))
	for i, v := range vs {
		ids[i] = v.MMSI
	}
	return joinUint32(ids)
}

// joinUint32 lists numbers separated by ";", the list separator of the flat outputs.
func joinUint32(ns []uint32) string {
	var b []byte
	for i, n := range ns {
		if i > 0 {
			b = append(b, ';')
		}
		b = strconv.AppendUint(b, uint64(n), 10)
	}
	return string(b)
}

// formatText renders a column value as CSV text; absent values are empty.
func formatText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	return ""
}
