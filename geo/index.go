package geo

// Ports is an index of exclusion points (ports, anchorages) and polygons, each
// excluding a radius around it. Near answers in O(1) expected time.
type Ports struct{}

// Zones is a set of named polygons that tag events ("zone:NAME").
type Zones struct{}
