package geo

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/paulmach/orb/geojson"
)

// Zones is a set of named polygons that tag events ("zone:NAME"). It is read-only
// once loaded and safe for concurrent use.
type Zones struct {
	zones []zone // sorted by name
}

// zone is one named polygon area.
type zone struct {
	name string
	region
}

// LoadZones reads GeoJSON polygons / multipolygons with a "name" property (else
// "Name", "NAME", "id", "ID", the feature id, a property whose key holds "name" or a
// shapefile-truncated "PORT_NA…", else "zoneN" by position). Other geometries are
// skipped; a file without any polygon is an error.
func LoadZones(path string) (*Zones, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	features, err := readFeatures(path, data)
	if err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	z := &Zones{}
	for i, f := range features {
		if r, ok := newRegion(f.Geometry); ok {
			z.zones = append(z.zones, zone{name: featureName(f, i), region: r})
		}
	}
	if len(z.zones) == 0 {
		return nil, fmt.Errorf("zones: %s: no Polygon or MultiPolygon feature among %d", path, len(features))
	}
	slices.SortStableFunc(z.zones, func(a, b zone) int { return cmp.Compare(a.name, b.name) })
	return z, nil
}

// featureName returns the name a feature is tagged with (see LoadZones).
func featureName(f *geojson.Feature, i int) string {
	for _, k := range []string{"name", "Name", "NAME", "id", "ID"} {
		if s := propString(f.Properties[k]); s != "" {
			return s
		}
	}
	if s := propString(f.ID); s != "" {
		return s
	}
	keys := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		letters := strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, k)
		if strings.Contains(letters, "name") || strings.HasSuffix(letters, "portn") || strings.HasSuffix(letters, "portna") {
			if s := propString(f.Properties[k]); s != "" {
				return s
			}
		}
	}
	return fmt.Sprintf("zone%d", i+1)
}

// propString returns a string or number property as trimmed text, "" otherwise.
func propString(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return fmt.Sprint(v)
	}
	return ""
}

// Len returns the number of zones.
func (z *Zones) Len() int { return len(z.zones) }

// Names returns the names of the zones containing the position, sorted; nil (no
// allocation) when there are none.
func (z *Zones) Names(latDeg, lonDeg float64) []string {
	if z == nil {
		return nil
	}
	var out []string
	for i := range z.zones {
		zn := &z.zones[i]
		if (len(out) == 0 || out[len(out)-1] != zn.name) && zn.contains(latDeg, lonDeg) {
			out = append(out, zn.name)
		}
	}
	return out
}
