package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTableFresh regenerates the table from the shared ITU list and compares it with the committed one.
func TestTableFresh(t *testing.T) {
	in := filepath.Join("..", "..", "..", "..", "shared", "data", "reference", "itu_mid.csv")
	f, err := os.Open(in)
	if err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	defer f.Close()
	got, err := build(f, in)
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("..", "..", "mid_table.go"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "mid_table.go is stale: run go generate ./ais")
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name, csv, want string
	}{
		{"unknown country", "MID,Allocated_to\n201,Atlantis (Kingdom of)\n", `x.csv:2: no ISO 3166 code for "Atlantis (Kingdom of)"`},
		{"bad MID", "MID,Allocated_to\n2x1,Albania\n", `x.csv:2: bad MID "2x1"`},
		{"unresolved shared MID", "MID,Allocated_to\n201,Albania\n201,Andorra\n", "x.csv:3: MID 201 listed as AL and AD; add it to shared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(strings.NewReader(tt.csv), "x.csv")
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestLookup(t *testing.T) {
	byName := cldrNames()
	tests := []struct{ itu, want string }{
		{"Democratic People's Republic of Korea", "KP"},
		{"China (People's Republic of) - Hong Kong (Special Administrative Region of China)", "HK"},
		{"United Kingdom of Great Britain and Northern Ireland - Gibraltar", "GI"},
		{"Portugal - Madeira", "PT"},
		{"Côte d'Ivoire (Republic of)", "CI"},
		{"Panama (Republic of)", "PA"},
		{"Marshall Islands (Republic of the)", "MH"},
	}
	for _, tt := range tests {
		got, ok := lookup(tt.itu, byName)
		assert.True(t, ok, tt.itu)
		assert.Equal(t, tt.want, got, tt.itu)
	}
}
