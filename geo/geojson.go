package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// SplitAntimeridian splits a track (lon, lat points) where consecutive points jump
// across ±180°, interpolating the crossing latitude and ending one part at ±180° and
// starting the next at ∓180°, as RFC 7946 §3.1.9 asks. Parts with fewer than two
// points are dropped; a track that never crosses comes back as one part.
func SplitAntimeridian(ls orb.LineString) orb.MultiLineString {
	var out orb.MultiLineString
	var cur orb.LineString
	flush := func() {
		if len(cur) >= 2 {
			out = append(out, cur)
		}
		cur = nil
	}
	for i, b := range ls {
		if i == 0 {
			cur = append(cur, b)
			continue
		}
		a := ls[i-1]
		dLon := b[0] - a[0]
		if math.Abs(dLon) <= 180 {
			cur = append(cur, b)
			continue
		}
		// The short way round crosses ±180°: eastward (dLon < -180) ends at +180.
		edge, bLon := 180.0, b[0]+360
		if dLon > 180 {
			edge, bLon = -180, b[0]-360
		}
		lat := a[1]
		if bLon != a[0] {
			lat += (edge - a[0]) / (bLon - a[0]) * (b[1] - a[1])
		}
		if last := cur[len(cur)-1]; last != (orb.Point{edge, lat}) {
			cur = append(cur, orb.Point{edge, lat})
		}
		flush()
		cur = append(cur, orb.Point{-edge, lat})
		if b != cur[0] {
			cur = append(cur, b)
		}
	}
	flush()
	return out
}

// LineStringOrMulti returns the track as a LineString when it does not cross the
// antimeridian and as a MultiLineString split there when it does (for GeoJSON
// output); a track of fewer than two points comes back unchanged.
func LineStringOrMulti(ls orb.LineString) orb.Geometry {
	mls := SplitAntimeridian(ls)
	switch len(mls) {
	case 0:
		return ls
	case 1:
		return mls[0]
	default:
		return mls
	}
}
