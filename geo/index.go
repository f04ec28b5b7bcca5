package geo

// DistanceM is the great-circle distance in metres between two points in degrees.
func DistanceM(lat1Deg, lon1Deg, lat2Deg, lon2Deg float64) float64 {
	panic("geo.DistanceM: not implemented yet")
}

// Grid is a uniform grid of cells at least cellM wide for neighbour queries over
// many points; it is rebuilt (Reset, Insert...) at every detector step and does
// not allocate per query once warm. Correct across the antimeridian and near the poles.
type Grid struct{}

// NewGrid returns an empty grid with cells at least cellM metres wide.
func NewGrid(cellM float64) *Grid { panic("geo.NewGrid: not implemented yet") }

// Reset empties the grid, keeping its memory.
func (g *Grid) Reset() { panic("not implemented yet") }

// Insert adds point id at the given position.
func (g *Grid) Insert(id int32, latDeg, lonDeg float64) { panic("not implemented yet") }

// Pairs calls fn once for every pair of inserted points within maxDistM (maxDistM <= cell width),
// with a < b, in a deterministic order.
func (g *Grid) Pairs(maxDistM float64, fn func(a, b int32, distM float64)) {
	panic("not implemented yet")
}

// Near calls fn for every inserted point within radiusM of the position (any radius).
func (g *Grid) Near(latDeg, lonDeg, radiusM float64, fn func(id int32, distM float64)) {
	panic("not implemented yet")
}

// Ports is an index of exclusion points (ports, anchorages) and polygons.
type Ports struct{}

// LoadPorts reads a CSV (latitude/longitude columns found by header name: World
// Port Index, GFW anchorages, ...) or GeoJSON (points and polygons) file.
func LoadPorts(path string) (*Ports, error) { panic("geo.LoadPorts: not implemented yet") }

// Within reports whether the position is within distM metres of any port point or inside/within distM of a port polygon.
func (p *Ports) Within(latDeg, lonDeg, distM float64) bool { panic("not implemented yet") }

// Zones is a set of named polygons that tag events ("zone:NAME").
type Zones struct{}

// LoadZones reads GeoJSON polygons / multipolygons with a "name" property.
func LoadZones(path string) (*Zones, error) { panic("geo.LoadZones: not implemented yet") }

// Names returns the names of the zones containing the position, sorted.
func (z *Zones) Names(latDeg, lonDeg float64) []string { panic("not implemented yet") }
