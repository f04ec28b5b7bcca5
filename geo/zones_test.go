package geo

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZonesNames(t *testing.T) {
	z, err := LoadZones("testdata/zones.geojson")
	require.NoError(t, err)
	assert.Equal(t, 6, z.Len(), "the Point feature is skipped")

	tests := []struct {
		name     string
		lat, lon float64
		want     []string
	}{
		{"inside one", 37.5, 123.5, []string{"Yellow Sea STS"}},
		{"inside two, sorted", 38.5, 124.5, []string{"Overlap", "Yellow Sea STS"}},
		{"on a shared corner", 38, 124, []string{"Overlap", "Yellow Sea STS"}},
		{"outside all", 36, 123.5, nil},
		{"across the dateline, east of it", 0.5, -179.5, []string{"Dateline"}},
		{"across the dateline, west of it", -0.5, 179.5, []string{"Dateline"}},
		{"across the dateline, on it", 0, 180, []string{"Dateline"}},
		{"past the dateline zone", 0, -178.5, nil},
		{"name from the feature id", 10.2, 10.2, []string{"holed"}},
		{"in the hole", 11, 11, nil},
		{"second polygon of the multipolygon", 20.2, 20.5, []string{"holed"}},
		{"name from a shapefile-truncated PORT_NAME", 50.5, 0.5, []string{"SHAPEFILE HARBOUR"}},
		{"no name at all: by position", -9.5, -9.5, []string{"zone6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, z.Names(tt.lat, tt.lon))
		})
	}
	var none *Zones
	assert.Nil(t, none.Names(38, 124), "no zones file tags nothing")
	assert.Zero(t, testing.AllocsPerRun(100, func() { z.Names(36, 123.5) }), "no allocation outside every zone")
}

func TestLoadZonesErrors(t *testing.T) {
	tests := []struct{ name, data, wantErr string }{
		{"only points", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}`, "no Polygon or MultiPolygon feature among 1"},
		{"not json", `name,lat`, "not GeoJSON"},
		{"degenerate polygon", `{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`, "no Polygon or MultiPolygon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "zones.geojson", tt.data)
			_, err := LoadZones(path)
			require.ErrorContains(t, err, tt.wantErr)
			assert.ErrorContains(t, err, path)
		})
	}
}

func TestZonesMedBunkerPolygons(t *testing.T) {
	z, err := LoadZones(refPath(t, "med_bunker_port_polygons.geojson"))
	require.NoError(t, err)
	assert.Equal(t, 30, z.Len())
	// The Valletta circle (PortId 145, centre 35.8926907 N 14.5145105 E, ~0.1° radius).
	assert.Equal(t, []string{"Malta"}, z.Names(35.8926907, 14.5145105))
	assert.Equal(t, []string{"Malta"}, z.Names(35.8926907, 14.60))
	assert.Nil(t, z.Names(35.8926907, 14.65), "just outside the circle")
	assert.Nil(t, z.Names(34, 18), "the open Ionian Sea")
}
