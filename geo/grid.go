package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/stswatch/stswatch/geo/radix"
)

// Grid is a uniform grid of cells at least cellM wide for neighbour queries over
// many points; it is rebuilt (Reset, Insert...) at every detector step and does
// not allocate per query once warm. Correct across the antimeridian and near the poles.
//
// Rows are bands of fixed latitude at least cellM high; inside a row the points are
// kept sorted by longitude, so a cell is a longitude window whose width follows
// 1/cos(lat) of the row's most poleward edge and wraps at ±180°. A row touching a
// pole is one cell. Hand-written rather than orb's quadtree: this is the detector's
// hot path, measured in benchmarks/grid_test.go.
type Grid struct {
	rowDeg   float64     // row height in degrees of latitude (a little over cellM)
	nRows    int32       // number of rows from -90° to 90°
	pts      []gridPoint // inserted points; sorted by comparePoints once built
	rows     []int32     // occupied rows, ascending
	rowStart []int32     // pts[rowStart[i]:rowStart[i+1]] are the points of rows[i]
	rowCos   []float64   // rowCos[i] is the cosine of the most poleward latitude of rows[i]
	built    bool        // pts, rows and rowStart are sorted and current

	spare     []gridPoint // the other buffer of the radix sort's gather
	keys, tmp []radix.Key // radix sort buffers
}

// gridPoint is one inserted point with the cosine of its latitude cached for haversine.
type gridPoint struct {
	lat, lon, cos float64
	key           uint64 // row in the high 32 bits, longitude quantised in the low 32
	id            int32
}

// row returns the point's row.
func (p *gridPoint) row() int32 { return int32(p.key >> 32) }

// Safety margins against floating-point rounding: bounds are widened a little so
// no pair is missed; the exact distance test decides.
const (
	relMargin = 1e-9
	absMargin = 1e-12
)

// NewGrid returns an empty grid with cells at least cellM metres wide (1 m if cellM is not positive).
func NewGrid(cellM float64) *Grid {
	if !(cellM > 0) {
		cellM = 1
	}
	rowDeg := cellM / MetresPerDegLat * (1 + 1e-6)
	nRows := math.Ceil(180 / rowDeg)
	if nRows > math.MaxInt32/2 {
		nRows = math.MaxInt32 / 2
		rowDeg = 180 / nRows
	}
	return &Grid{rowDeg: rowDeg, nRows: int32(nRows)}
}

// Reset empties the grid, keeping its memory.
func (g *Grid) Reset() {
	g.pts = g.pts[:0]
	g.rows = g.rows[:0]
	g.rowStart = g.rowStart[:0]
	g.rowCos = g.rowCos[:0]
	g.built = false
}

// Len returns the number of points in the grid.
func (g *Grid) Len() int { return len(g.pts) }

// Insert adds point id (ids should be distinct) at the given position; positions
// outside ±90°/±180° or NaN are ignored.
func (g *Grid) Insert(id int32, latDeg, lonDeg float64) {
	if !(latDeg >= -90 && latDeg <= 90 && lonDeg >= -180 && lonDeg <= 180) {
		return
	}
	lonQ := min((lonDeg+180)*(1<<32/360.0), math.MaxUint32)
	key := uint64(g.rowOf(latDeg))<<32 | uint64(lonQ)
	g.pts = append(g.pts, gridPoint{lat: latDeg, lon: lonDeg, cos: math.Cos(latDeg * radPerDeg), key: key, id: id})
	g.built = false
}

// rowOf returns the row holding latitude latDeg, clamped to the grid.
func (g *Grid) rowOf(latDeg float64) int32 {
	r := math.Floor((latDeg + 90) / g.rowDeg)
	if !(r >= 0) {
		return 0
	}
	if r >= float64(g.nRows) {
		return g.nRows - 1
	}
	return int32(r)
}

// poleCos returns the cosine of the most poleward latitude of row r (0 at a pole).
func (g *Grid) poleCos(r int32) float64 {
	lo := float64(r)*g.rowDeg - 90
	m := max(math.Abs(lo), math.Abs(lo+g.rowDeg))*(1+relMargin) + absMargin
	if m >= 90 {
		return 0
	}
	return math.Cos(m * radPerDeg)
}

// comparePoints orders points by row, longitude, latitude and id, so the order
// (and with it every callback order) does not depend on insertion order. The key
// comes first: it orders by row and longitude, only coarser.
func comparePoints(a, b gridPoint) int {
	if c := cmp.Compare(a.key, b.key); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lon, b.lon); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lat, b.lat); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// radixMin is the number of points from which build radix-sorts keys instead of
// sorting the points with comparisons (measured: 3x faster at 1 M points).
const radixMin = 256

// Build indexes the inserted points; Pairs and Near do it when needed. After Build,
// Pairs, Near and Any only read the grid and are safe for concurrent use until the
// next Insert or Reset.
func (g *Grid) Build() { g.build() }

// build sorts the points and indexes the occupied rows.
func (g *Grid) build() {
	if g.built {
		return
	}
	if len(g.pts) < radixMin {
		slices.SortFunc(g.pts, comparePoints)
	} else {
		g.radixSort()
	}
	g.rows = g.rows[:0]
	g.rowStart = g.rowStart[:0]
	g.rowCos = g.rowCos[:0]
	for i := range g.pts {
		if r := g.pts[i].row(); i == 0 || r != g.pts[i-1].row() {
			g.rows = append(g.rows, r)
			g.rowStart = append(g.rowStart, int32(i))
			g.rowCos = append(g.rowCos, g.poleCos(r))
		}
	}
	g.rowStart = append(g.rowStart, int32(len(g.pts)))
	g.built = true
}

// radixSort sorts the points by comparePoints: a radix sort of the keys (see
// package radix), a gather, then a comparison sort of the rare runs of equal
// keys.
func (g *Grid) radixSort() {
	n := len(g.pts)
	g.keys = slices.Grow(g.keys[:0], n)[:n]
	g.tmp = slices.Grow(g.tmp[:0], n)[:n]
	for i := range g.pts {
		g.keys[i] = radix.Key{Key: g.pts[i].key, Idx: int32(i)}
	}
	src := radix.Sort(g.keys, g.tmp)
	g.spare = slices.Grow(g.spare[:0], n)[:n]
	for i, k := range src {
		g.spare[i] = g.pts[k.Idx]
	}
	g.pts, g.spare = g.spare, g.pts
	for i := 0; i < n; {
		j := i + 1
		for j < n && g.pts[j].key == g.pts[i].key {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(g.pts[i:j], comparePoints)
		}
		i = j
	}
}

// search holds the bounds of one distance query derived once from its radius.
type search struct {
	distM  float64 // the radius in metres
	latDeg float64 // bound on |Δlat| in degrees for points within distM
	sHalf  float64 // sin(distM / 2R), or +Inf when distM spans half the globe
	hMax   float64 // loose bound on the haversine of points within distM
	hIn    float64 // a haversine at most this is surely within distM (no arcsine needed)
}

// newSearch derives the bounds of a query of radius distM.
func newSearch(distM float64) search {
	a := distM / (2 * EarthRadiusM)
	s := search{distM: distM, latDeg: distM/MetresPerDegLat*(1+relMargin) + absMargin, sHalf: math.Inf(1), hMax: 1, hIn: 1}
	if a < math.Pi/2 {
		s.sHalf = math.Sin(a)
		s.hMax = min(1, s.sHalf*s.sHalf*(1+relMargin)+absMargin)
		s.hIn = s.sHalf*s.sHalf*(1-relMargin) - absMargin
	}
	return s
}

// dLon bounds |Δlon| in degrees between points within the radius whose latitudes have
// cosines at least c1 and c2: sin(Δλ/2) <= x = sin(d/2R) / sqrt(cos φ1 cos φ2), and
// Δλ/2 = asin(x) <= x / sqrt(1-x²), a bound without asin. It returns 180 or more when
// every longitude qualifies.
func (s search) dLon(c1, c2 float64) float64 {
	c := c1 * c2
	if c <= 0 {
		return 360
	}
	x := s.sHalf / math.Sqrt(c)
	if x >= 1 {
		return 360
	}
	return 2*x/math.Sqrt(1-x*x)/radPerDeg*(1+relMargin) + absMargin
}

// hav returns the haversine of the distance between two points, and false
// when the point is surely beyond the radius (by latitude or hMax).
func (s search) hav(lat1, lon1, cos1 float64, p *gridPoint) (float64, bool) {
	if math.Abs(p.lat-lat1) > s.latDeg {
		return 0, false
	}
	h := haversine(lat1, lon1, cos1, p.lat, p.lon, p.cos)
	return h, h <= s.hMax
}

// within returns the distance between two points and whether it is at most the radius;
// the distance is exactly DistanceM's.
func (s search) within(lat1, lon1, cos1 float64, p *gridPoint) (float64, bool) {
	h, ok := s.hav(lat1, lon1, cos1, p)
	if !ok {
		return 0, false
	}
	d := 2 * EarthRadiusM * math.Asin(math.Sqrt(h))
	return d, d <= s.distM
}

// inside reports whether the point is within the query's radius, as within
// does, without a sine for a point well inside (most of a crowd): as
// sin x <= x, the haversine is at most the flat sum below. The arcsine is
// taken only near the edge.
func (q *query) inside(p *gridPoint) bool {
	dLat, dLon := (p.lat-q.atLat)*radPerDeg/2, (p.lon-q.atLon)*radPerDeg/2
	if dLat*dLat+q.atCos*p.cos*dLon*dLon <= q.hIn {
		return true
	}
	h, ok := q.hav(q.atLat, q.atLon, q.atCos, p)
	return ok && (h <= q.hIn || 2*EarthRadiusM*math.Asin(math.Sqrt(h)) <= q.distM)
}

// lonWindow returns the index ranges [a0,a1) and [b0,b1) of the points of seg (sorted
// by longitude) whose longitude is within dl degrees of lonDeg, wrapping at ±180°.
func lonWindow(seg []gridPoint, lonDeg, dl float64) (a0, a1, b0, b1 int) {
	if dl >= 180 {
		return 0, len(seg), 0, 0
	}
	lo, hi := lonDeg-dl, lonDeg+dl
	switch {
	case lo < -180:
		return 0, upperBound(seg, hi), lowerBound(seg, lo+360), len(seg)
	case hi > 180:
		return 0, upperBound(seg, hi-360), lowerBound(seg, lo), len(seg)
	default:
		return lowerBound(seg, lo), upperBound(seg, hi), 0, 0
	}
}

// lowerBound returns the first index of seg with longitude >= lonDeg.
func lowerBound(seg []gridPoint, lonDeg float64) int {
	lo, hi := 0, len(seg)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if seg[m].lon < lonDeg {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// upperBound returns the first index of seg with longitude > lonDeg.
func upperBound(seg []gridPoint, lonDeg float64) int {
	lo, hi := 0, len(seg)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if seg[m].lon <= lonDeg {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Pairs calls fn once for every pair of inserted points within maxDistM, with a < b,
// in a deterministic order (by row, then longitude); distM is exactly DistanceM's.
// Any maxDistM works; it is fastest when maxDistM <= the cell width.
func (g *Grid) Pairs(maxDistM float64, fn func(a, b int32, distM float64)) {
	if !(maxDistM >= 0) {
		return
	}
	g.build()
	s := newSearch(maxDistM)
	k := int32(min(math.Ceil(s.latDeg/g.rowDeg), float64(g.nRows)))
	emit := func(p, q *gridPoint, d float64) {
		if p.id < q.id {
			fn(p.id, q.id, d)
		} else {
			fn(q.id, p.id, d)
		}
	}
	for ri, r := range g.rows {
		seg := g.pts[g.rowStart[ri]:g.rowStart[ri+1]]
		c := g.rowCos[ri]
		// Pairs inside the row: each point with the points after it, plus across ±180°.
		dl := s.dLon(c, c)
		for i := range seg {
			p := &seg[i]
			for j := i + 1; j < len(seg) && (dl >= 180 || seg[j].lon <= p.lon+dl); j++ {
				if d, ok := s.within(p.lat, p.lon, p.cos, &seg[j]); ok {
					emit(p, &seg[j], d)
				}
			}
			if dl < 180 && p.lon+dl > 180 {
				for j := 0; j < i && seg[j].lon <= p.lon+dl-360; j++ {
					if d, ok := s.within(p.lat, p.lon, p.cos, &seg[j]); ok {
						emit(p, &seg[j], d)
					}
				}
			}
		}
		// Pairs with the rows above, up to k rows away.
		for rj := ri + 1; rj < len(g.rows) && g.rows[rj] <= r+k; rj++ {
			up := g.pts[g.rowStart[rj]:g.rowStart[rj+1]]
			dl := s.dLon(c, g.rowCos[rj])
			lo, hi := 0, 0 // the window slides east with p: two pointers, not a search per point
			for i := range seg {
				p := &seg[i]
				var a0, a1, b0, b1 int
				if dl < 180 && p.lon-dl >= -180 && p.lon+dl <= 180 {
					for lo < len(up) && up[lo].lon < p.lon-dl {
						lo++
					}
					hi = max(hi, lo)
					for hi < len(up) && up[hi].lon <= p.lon+dl {
						hi++
					}
					a0, a1 = lo, hi
				} else {
					a0, a1, b0, b1 = lonWindow(up, p.lon, dl)
				}
				for j := a0; j < a1; j++ {
					if d, ok := s.within(p.lat, p.lon, p.cos, &up[j]); ok {
						emit(p, &up[j], d)
					}
				}
				for j := b0; j < b1; j++ {
					if d, ok := s.within(p.lat, p.lon, p.cos, &up[j]); ok {
						emit(p, &up[j], d)
					}
				}
			}
		}
	}
}

// Near calls fn for every inserted point within radiusM of the position (any radius),
// in a deterministic order; distM is exactly DistanceM's.
func (g *Grid) Near(latDeg, lonDeg, radiusM float64, fn func(id int32, distM float64)) {
	if q, ok := g.query(latDeg, lonDeg, radiusM); ok {
		g.near(&q, func(p *gridPoint) {
			if d, ok := q.within(q.atLat, q.atLon, q.atCos, p); ok {
				fn(p.id, d)
			}
		})
	}
}

// AppendNear appends to dst the ids of the inserted points within radiusM of
// the position, in Near's order, and returns the extended slice: Near without
// the distances, which spares the arcsine for the points well inside.
func (g *Grid) AppendNear(dst []int32, latDeg, lonDeg, radiusM float64) []int32 {
	if q, ok := g.query(latDeg, lonDeg, radiusM); ok {
		g.near(&q, func(p *gridPoint) {
			if q.inside(p) {
				dst = append(dst, p.id)
			}
		})
	}
	return dst
}

// Any reports whether any inserted point is within radiusM of the position; it
// searches the rows nearest the position first and stops at the first point found.
func (g *Grid) Any(latDeg, lonDeg, radiusM float64) bool {
	q, ok := g.query(latDeg, lonDeg, radiusM)
	if !ok {
		return false
	}
	stop := func(p *gridPoint) bool { return !q.inside(p) }
	up, _ := slices.BinarySearch(g.rows, g.rowOf(latDeg))
	down := up - 1
	for {
		upOK := up < len(g.rows) && g.rows[up] <= q.rhi
		downOK := down >= 0 && g.rows[down] >= q.rlo
		switch {
		case upOK && (!downOK || g.rows[up]-q.row <= q.row-g.rows[down]):
			if !g.scanRow(up, &q, stop) {
				return true
			}
			up++
		case downOK:
			if !g.scanRow(down, &q, stop) {
				return true
			}
			down--
		default:
			return false
		}
	}
}

// near calls visit for the points that can be within the query's radius (it
// tests the distance), by row and longitude.
func (g *Grid) near(q *query, visit func(p *gridPoint)) {
	all := func(p *gridPoint) bool {
		visit(p)
		return true
	}
	ri, _ := slices.BinarySearch(g.rows, q.rlo)
	for ; ri < len(g.rows) && g.rows[ri] <= q.rhi; ri++ {
		g.scanRow(ri, q, all)
	}
}

// query is one Near or Any question with its bounds.
type query struct {
	search
	atLat, atLon, atCos float64 // the position in degrees and the cosine of its latitude
	row, rlo, rhi       int32   // its row and the rows that can hold answers
}

// query builds the grid and returns the bounds of a question; ok is false for an invalid one.
func (g *Grid) query(latDeg, lonDeg, radiusM float64) (q query, ok bool) {
	if !(latDeg >= -90 && latDeg <= 90 && lonDeg >= -180 && lonDeg <= 180 && radiusM >= 0) {
		return query{}, false
	}
	g.build()
	q = query{search: newSearch(radiusM), atLat: latDeg, atLon: lonDeg, atCos: math.Cos(latDeg * radPerDeg), row: g.rowOf(latDeg)}
	q.rlo, q.rhi = g.rowOf(latDeg-q.search.latDeg), g.rowOf(latDeg+q.search.latDeg)
	return q, true
}

// scanRow calls visit for the points of rows[ri] in the query's longitude
// window (the candidates: visit tests the distance); it returns false as soon as visit does.
func (g *Grid) scanRow(ri int, q *query, visit func(p *gridPoint) bool) bool {
	seg := g.pts[g.rowStart[ri]:g.rowStart[ri+1]]
	a0, a1, b0, b1 := lonWindow(seg, q.atLon, q.dLon(q.atCos, g.rowCos[ri]))
	for _, r := range [2][2]int{{a0, a1}, {b0, b1}} {
		for j := r[0]; j < r[1]; j++ {
			if !visit(&seg[j]) {
				return false
			}
		}
	}
	return true
}
