package geo

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
