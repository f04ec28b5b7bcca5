package geo

import (
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitAntimeridian(t *testing.T) {
	tests := []struct {
		name string
		in   orb.LineString
		want orb.MultiLineString
	}{
		{"no crossing", orb.LineString{{124, 38}, {124.1, 38.1}, {124.2, 38}},
			orb.MultiLineString{{{124, 38}, {124.1, 38.1}, {124.2, 38}}}},
		{"eastward", orb.LineString{{179, 10}, {-179, 20}},
			orb.MultiLineString{{{179, 10}, {180, 15}}, {{-180, 15}, {-179, 20}}}},
		{"westward", orb.LineString{{-179.5, -5}, {179.5, -6}},
			orb.MultiLineString{{{-179.5, -5}, {-180, -5.5}}, {{180, -5.5}, {179.5, -6}}}},
		{"there and back", orb.LineString{{179, 0}, {-179, 2}, {-178, 3}, {178, 7}},
			orb.MultiLineString{{{179, 0}, {180, 1}}, {{-180, 1}, {-179, 2}, {-178, 3}, {-180, 5}}, {{180, 5}, {178, 7}}}},
		{"starting on the antimeridian", orb.LineString{{180, 10}, {-179, 10}, {-178, 11}},
			orb.MultiLineString{{{-180, 10}, {-179, 10}, {-178, 11}}}},
		{"ending on the antimeridian", orb.LineString{{179, 10}, {180, 10}, {-180, 10}},
			orb.MultiLineString{{{179, 10}, {180, 10}}}},
		{"one point", orb.LineString{{1, 2}}, nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitAntimeridian(tt.in)
			require.Len(t, got, len(tt.want))
			for i := range got {
				require.Len(t, got[i], len(tt.want[i]))
				for j := range got[i] {
					assert.InDelta(t, tt.want[i][j][0], got[i][j][0], 1e-9, "part %d point %d lon", i, j)
					assert.InDelta(t, tt.want[i][j][1], got[i][j][1], 1e-9, "part %d point %d lat", i, j)
				}
			}
		})
	}
}

func TestLineStringOrMultiGeoJSON(t *testing.T) {
	tests := []struct {
		name     string
		in       orb.LineString
		wantType string
	}{
		{"plain track", orb.LineString{{124, 38}, {124.1, 38.1}}, "LineString"},
		{"track across the dateline", orb.LineString{{179.9, 0}, {-179.9, 0.1}}, "MultiLineString"},
		{"single fix kept as is", orb.LineString{{124, 38}}, "LineString"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(geojson.NewGeometry(LineStringOrMulti(tt.in)))
			require.NoError(t, err)
			var doc struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			}
			require.NoError(t, json.Unmarshal(data, &doc))
			assert.Equal(t, tt.wantType, doc.Type)
			if tt.wantType == "MultiLineString" {
				var parts [][][2]float64
				require.NoError(t, json.Unmarshal(doc.Coordinates, &parts))
				for _, part := range parts {
					for _, pt := range part {
						assert.LessOrEqual(t, pt[0], 180.0)
						assert.GreaterOrEqual(t, pt[0], -180.0)
					}
				}
				assert.Equal(t, 180.0, parts[0][len(parts[0])-1][0])
				assert.Equal(t, -180.0, parts[1][0][0])
			}
		})
	}
}
