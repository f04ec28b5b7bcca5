package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/geo"
)

// Simplestyle colours: alerts stand out in red; otherwise one colour per event type.
const (
	ColorAlert     = "#d7191c"
	ColorEncounter = "#fdae61"
	ColorLoitering = "#2c7bb6"
	ColorGap       = "#878787"
	ColorIdentity  = "#7b3294"
)

// Features returns the GeoJSON features of one event: a Point at the meeting
// place (for a gap, where the vessel went dark; no geometry when the position is
// unknown, lat = lon = 0) carrying the whole event, and for
// encounters and loiters one LineString per vessel track (a MultiLineString when
// it crosses the antimeridian). Coordinates are lon/lat rounded to 6 decimals.
// The live daemon's HTTP API serves the same features.
func Features(e detect.Event) []*geojson.Feature {
	base := geojson.Properties{
		"event_id":   e.ID,
		"type":       e.Type,
		"status":     e.Status,
		"alert":      e.Alert,
		"score":      e.Score,
		"reasons":    nonNil(e.Reasons),
		"start":      formatText(optTime(e.Start)),
		"end":        formatText(optTime(e.End)),
		"duration_s": e.DurationS,
	}
	color, size, width := style(e)
	base["marker-color"], base["marker-size"] = color, size
	base["stroke"], base["stroke-width"] = color, width

	var where orb.Geometry = orb.Point{round6(e.Lon), round6(e.Lat)}
	if !knownPosition(&e) {
		where = nil // no known position (an identity anomaly before any fix): "geometry": null, not null island
	}
	point := geojson.NewFeature(where)
	point.Properties = maps.Clone(base)
	for _, c := range columns {
		if _, ok := base[c.name]; ok {
			continue
		}
		if v := c.get(&e); v != nil {
			point.Properties[c.name] = v
		}
	}
	point.Properties["feature"] = "event"
	point.Properties["vessels"] = nonNil(e.Vessels)
	out := []*geojson.Feature{point}

	if e.Type != detect.TypeEncounter && e.Type != detect.TypeLoitering {
		return out
	}
	for _, t := range e.Tracks {
		if len(t.Points) < 2 {
			continue
		}
		f := geojson.NewFeature(trackGeometry(t.Points))
		f.Properties = maps.Clone(base)
		f.Properties["feature"] = "track"
		v := vesselOf(e.Vessels, t.MMSI)
		for _, vf := range vesselFields {
			if val := vf.get(&v); val != nil {
				f.Properties[vf.name] = val
			}
		}
		f.Properties["track_start"] = formatText(t.Points[0].Time.UTC())
		f.Properties["track_end"] = formatText(t.Points[len(t.Points)-1].Time.UTC())
		out = append(out, f)
	}
	return out
}

// style returns the simplestyle marker colour, marker size and stroke width of an event.
func style(e detect.Event) (color, size string, width int) {
	if e.Alert {
		return ColorAlert, "large", 3
	}
	switch e.Type {
	case detect.TypeEncounter:
		return ColorEncounter, "medium", 2
	case detect.TypeLoitering:
		return ColorLoitering, "medium", 2
	case detect.TypeGap:
		return ColorGap, "medium", 2
	}
	return ColorIdentity, "medium", 2
}

// trackGeometry is the track as a LineString, or a MultiLineString split at the antimeridian.
func trackGeometry(pts []detect.TrackPoint) orb.Geometry {
	ls := make(orb.LineString, len(pts))
	for i, p := range pts {
		ls[i] = orb.Point{round6(p.LonDeg), round6(p.LatDeg)}
	}
	// the points cut at ±180° have interpolated latitudes: rounded too (orb's default, 6 decimals, as round6)
	return orb.Round(geo.LineStringOrMulti(ls))
}

// vesselOf finds the identity of mmsi among the event's vessels (MMSI only when absent).
func vesselOf(vs []detect.Vessel, mmsi uint32) detect.Vessel {
	for _, v := range vs {
		if v.MMSI == mmsi {
			return v
		}
	}
	return detect.Vessel{MMSI: mmsi}
}

// nonNil keeps JSON arrays as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// GeoJSON streams one RFC 7946 FeatureCollection: the header first, features
// as events arrive, the closing brackets at Close. It holds no events.
type GeoJSON struct {
	bw *bufio.Writer
	n  int
}

// NewGeoJSON returns a FeatureCollection writer to w.
func NewGeoJSON(w io.Writer) *GeoJSON { return &GeoJSON{bw: bufio.NewWriter(w)} }

const geojsonHeader = `{"type":"FeatureCollection","features":[`

// Write appends the event's features.
func (g *GeoJSON) Write(e detect.Event) error {
	for _, f := range Features(e) {
		b, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("geojson: event %s: %w", e.ID, err)
		}
		sep := ",\n"
		if g.n == 0 {
			sep = geojsonHeader + "\n"
		}
		g.n++
		g.bw.WriteString(sep)
		if _, err := g.bw.Write(b); err != nil {
			return fmt.Errorf("geojson: %w", err)
		}
	}
	return nil
}

// Close ends the collection and flushes; the output is a valid document even with no events.
func (g *GeoJSON) Close() error {
	if g.n == 0 {
		g.bw.WriteString(geojsonHeader)
	}
	g.bw.WriteString("\n]}\n")
	if err := g.bw.Flush(); err != nil {
		return fmt.Errorf("geojson: %w", err)
	}
	return nil
}
