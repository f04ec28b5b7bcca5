// Package geo holds geodesy (distances in metres), the spatial grid, port and
// zone indexes and GeoJSON helpers, built on github.com/paulmach/orb.
package geo
