// Package geo holds geodesy (distances in metres), the spatial grid, port and
// zone indexes and GeoJSON helpers, built on github.com/paulmach/orb.
//
// Coordinates are degrees (latitude first in function arguments, lon/lat order in
// orb and GeoJSON values); distances are great-circle metres on the mean Earth
// radius. Grid answers the detector's neighbour questions (every pair within a
// radius, who is near a position) without allocating; Ports and Zones are loaded
// once and answer per event; SplitAntimeridian and LineStringOrMulti prepare
// tracks for RFC 7946 output.
package geo
