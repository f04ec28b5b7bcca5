package geo

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// region is a polygon area with its rings' longitudes unwrapped (no edge jumps
// more than 180°), so a polygon drawn across the antimeridian stays one shape; its
// bound may then reach past ±180° and queries are repeated 360° over.
type region struct {
	mp    orb.MultiPolygon
	bound orb.Bound
}

// newRegion returns the region of a Polygon or MultiPolygon, dropping rings with
// fewer than 3 points and polygons without an outer ring; ok is false when nothing is left.
func newRegion(g orb.Geometry) (r region, ok bool) {
	var in orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		in = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		in = g
	default:
		return region{}, false
	}
	for _, poly := range in {
		var out orb.Polygon
		for i, ring := range poly {
			if len(ring) < 3 {
				if i == 0 {
					break
				}
				continue
			}
			out = append(out, unwrapRing(ring))
		}
		if len(out) > 0 {
			r.mp = append(r.mp, out)
		}
	}
	if len(r.mp) == 0 {
		return region{}, false
	}
	r.bound = r.mp.Bound()
	return r, true
}

// unwrapRing returns a copy of ring whose consecutive longitudes differ by at most 180°.
func unwrapRing(ring orb.Ring) orb.Ring {
	out := make(orb.Ring, len(ring))
	copy(out, ring)
	for i := 1; i < len(out); i++ {
		for out[i][0]-out[i-1][0] > 180 {
			out[i][0] -= 360
		}
		for out[i][0]-out[i-1][0] < -180 {
			out[i][0] += 360
		}
	}
	return out
}

// lonShifts are the longitude offsets a query is tried at, for regions unwrapped past ±180°.
var lonShifts = [...]float64{0, -360, 360}

// contains reports whether the position is inside the region (on the boundary counts).
func (r *region) contains(latDeg, lonDeg float64) bool {
	for _, s := range lonShifts {
		p := orb.Point{lonDeg + s, latDeg}
		if r.bound.Contains(p) && planar.MultiPolygonContains(r.mp, p) {
			return true
		}
	}
	return false
}

// within reports whether the position is inside the region or within distM metres of
// its boundary. Distances to edges are measured in a local equirectangular projection
// around the position: within 0.5 % of the great circle for distM up to ~100 km away
// from the poles, which is ample for a port exclusion radius.
func (r *region) within(latDeg, lonDeg, distM float64) bool {
	if r.contains(latDeg, lonDeg) {
		return true
	}
	padLat := distM / MetresPerDegLat
	ky := MetresPerDegLat
	kx := math.Cos(latDeg*radPerDeg) * MetresPerDegLat
	padLon := 360.0
	if kx > distM/180 {
		padLon = distM / kx
	}
	for _, s := range lonShifts {
		x := lonDeg + s
		if latDeg < r.bound.Min[1]-padLat || latDeg > r.bound.Max[1]+padLat ||
			x < r.bound.Min[0]-padLon || x > r.bound.Max[0]+padLon {
			continue
		}
		for _, poly := range r.mp {
			for _, ring := range poly {
				for i := range ring {
					a, b := ring[i], ring[(i+1)%len(ring)]
					if segmentDistM((a[0]-x)*kx, (a[1]-latDeg)*ky, (b[0]-x)*kx, (b[1]-latDeg)*ky) <= distM {
						return true
					}
				}
			}
		}
	}
	return false
}

// segmentDistM is the planar distance from the origin to the segment (ax,ay)-(bx,by).
func segmentDistM(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = max(0, min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// readFeatures parses GeoJSON data as a FeatureCollection, a single Feature or a bare
// geometry, returning its features; name is used in errors.
func readFeatures(name string, data []byte) ([]*geojson.Feature, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s: not GeoJSON: %w", name, err)
	}
	switch head.Type {
	case "FeatureCollection":
		fc, err := geojson.UnmarshalFeatureCollection(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return fc.Features, nil
	case "Feature":
		f, err := geojson.UnmarshalFeature(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return []*geojson.Feature{f}, nil
	case "":
		return nil, fmt.Errorf("%s: not GeoJSON: no \"type\" member", name)
	default:
		g, err := geojson.UnmarshalGeometry(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return []*geojson.Feature{geojson.NewFeature(g.Geometry())}, nil
	}
}
