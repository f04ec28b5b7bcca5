package geo

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// portCellM is the row height of the ports grid: the default exclusion radius.
// Within works for any radius; this only tunes its speed.
const portCellM = 10_000

// Header names (compared lower-case) of the latitude and longitude columns of a ports CSV.
var (
	latHeaders = []string{"latitude", "lat", "lat_deg", "latitude_deg", "lat_dd", "latitude_dd"}
	lonHeaders = []string{"longitude", "lon", "long", "lng", "lon_deg", "longitude_deg", "lon_dd", "longitude_dd"}
)

// Ports is an index of exclusion points (ports, anchorages) and polygons. It is
// read-only once loaded and safe for concurrent use.
type Ports struct {
	points   *Grid
	regions  []region
	badRows  int
	reasons  map[string]int // bad rows by reason
	examples []string       // the first few bad rows, "file:line: reason"
}

// maxBadExamples is how many bad rows Ports keeps as examples.
const maxBadExamples = 3

// reject counts one bad row or feature by reason and keeps the first few as examples.
func (p *Ports) reject(where, reason string) {
	p.badRows++
	if p.reasons == nil {
		p.reasons = make(map[string]int)
	}
	p.reasons[reason]++
	if len(p.examples) < maxBadExamples {
		p.examples = append(p.examples, where+": "+reason)
	}
}

// LoadPorts reads a CSV (latitude/longitude columns found by header name: World
// Port Index, GFW anchorages, ...) or GeoJSON (points and polygons) file.
// Rows or features without a usable position are counted (BadRows), not fatal; a
// file with no usable position at all is an error.
func LoadPorts(path string) (*Ports, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ports: %w", err)
	}
	defer f.Close()
	p := &Ports{points: NewGrid(portCellM)}
	br := bufio.NewReader(f)
	if isGeoJSON(path, br) {
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("ports: %s: %w", path, err)
		}
		err = p.addGeoJSON(path, data)
		if err != nil {
			return nil, fmt.Errorf("ports: %w", err)
		}
	} else if err := p.addCSV(path, br); err != nil {
		return nil, fmt.Errorf("ports: %w", err)
	}
	if p.Len() == 0 {
		err := fmt.Errorf("ports: %s: no usable position (%d bad rows)", path, p.badRows)
		if len(p.examples) > 0 {
			err = fmt.Errorf("%w; first: %s", err, p.examples[0])
		}
		return nil, err
	}
	p.points.Build() // so Within only reads
	return p, nil
}

// isGeoJSON reports whether the file is GeoJSON: by its extension, else by a leading '{'.
func isGeoJSON(path string, br *bufio.Reader) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json":
		return true
	case ".csv", ".tsv", ".txt":
		return false
	}
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	return len(head) > 0 && head[0] == '{'
}

// addCSV adds the positions of a CSV whose latitude and longitude columns are found by header name.
func (p *Ports) addCSV(name string, r io.Reader) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: reading the header: %w", name, err)
	}
	latCol, lonCol := -1, -1
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for _, want := range latHeaders {
			if h == want && latCol < 0 {
				latCol = i
			}
		}
		for _, want := range lonHeaders {
			if h == want && lonCol < 0 {
				lonCol = i
			}
		}
	}
	if latCol < 0 || lonCol < 0 {
		return fmt.Errorf("%s: no latitude/longitude columns (want one of %v and one of %v; the header has %q)",
			name, latHeaders, lonHeaders, header)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			p.reject(fmt.Sprintf("%s:%d", name, perr.StartLine), "csv-syntax")
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("%s:%d", name, line)
		if latCol >= len(rec) || lonCol >= len(rec) {
			p.reject(where, "short-row")
			continue
		}
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(rec[latCol]), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(rec[lonCol]), 64)
		switch {
		case err1 != nil || err2 != nil:
			p.reject(where, "bad-number")
		case !validLatLon(lat, lon):
			p.reject(where, "out-of-range")
		default:
			p.points.Insert(int32(p.points.Len()), lat, lon)
		}
	}
}

// validLatLon reports whether the position is a real one (not NaN, within ±90°/±180°).
func validLatLon(latDeg, lonDeg float64) bool {
	return latDeg >= -90 && latDeg <= 90 && lonDeg >= -180 && lonDeg <= 180
}

// addGeoJSON adds the Points, MultiPoints, Polygons and MultiPolygons of GeoJSON data
// (in collections too); other or empty geometries count as bad rows.
func (p *Ports) addGeoJSON(name string, data []byte) error {
	features, err := readFeatures(name, data)
	if err != nil {
		return err
	}
	for i, f := range features {
		p.addGeometry(fmt.Sprintf("%s: feature %d", name, i+1), f.Geometry)
	}
	return nil
}

// addGeometry adds one geometry to the index.
func (p *Ports) addGeometry(where string, g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		p.addPoint(where, g)
	case orb.MultiPoint:
		for _, pt := range g {
			p.addPoint(where, pt)
		}
	case orb.Polygon, orb.MultiPolygon:
		if r, ok := newRegion(g); ok {
			p.regions = append(p.regions, r)
		} else {
			p.reject(where, "degenerate-polygon")
		}
	case orb.Collection:
		for _, c := range g {
			p.addGeometry(where, c)
		}
	case nil:
		p.reject(where, "no-geometry")
	default:
		p.reject(where, "unsupported-geometry "+g.GeoJSONType())
	}
}

// addPoint adds one GeoJSON point (lon, lat).
func (p *Ports) addPoint(where string, pt orb.Point) {
	if !validLatLon(pt[1], pt[0]) {
		p.reject(where, "out-of-range")
		return
	}
	p.points.Insert(int32(p.points.Len()), pt[1], pt[0])
}

// Len returns the number of port points and polygons loaded.
func (p *Ports) Len() int { return p.points.Len() + len(p.regions) }

// BadRows returns the number of rows or features skipped for want of a usable position.
func (p *Ports) BadRows() int { return p.badRows }

// BadReasons returns the bad rows by reason ("bad-number", "out-of-range",
// "short-row", "csv-syntax", "no-geometry", "unsupported-geometry LineString", ...).
func (p *Ports) BadReasons() map[string]int { return maps.Clone(p.reasons) }

// BadExamples returns the first few bad rows as "file:line: reason" (GeoJSON: "file: feature N: reason").
func (p *Ports) BadExamples() []string { return slices.Clone(p.examples) }

// Within reports whether the position is within distM metres of any port point or inside/within distM of a port polygon.
func (p *Ports) Within(latDeg, lonDeg, distM float64) bool {
	if p == nil {
		return false
	}
	if p.points.Any(latDeg, lonDeg, distM) {
		return true
	}
	for i := range p.regions {
		if p.regions[i].within(latDeg, lonDeg, distM) {
			return true
		}
	}
	return false
}
