package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/detect"
)

func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "demo", "--dir", dir)
	require.Equal(t, 0, code, stderr)

	raw, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	require.NoError(t, err)
	events := readEvents(t, string(raw))
	byType, alerts := countTypes(events)
	assert.Positive(t, byType[detect.TypeEncounter], "the planted transfers are found")
	assert.Positive(t, alerts, "the DPRK-China transfers raise alerts")

	raw, err = os.ReadFile(filepath.Join(dir, "events.geojson"))
	require.NoError(t, err)
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	require.NoError(t, err)
	assert.Greater(t, len(fc.Features), len(events), "a point per event and tracks for encounters")

	assert.Contains(t, stdout, "TYPE  ")
	assert.Contains(t, stdout, "ALERT")
	assert.Contains(t, stdout, "KP")
	assert.Contains(t, stdout, filepath.Join(dir, "events.geojson"))
	assert.Regexp(t, fmt.Sprintf(`Found %d events: %d encounters, \d+ loitering, %d gaps, \d+ identity anomalies; %d alerts`,
		len(events), byType[detect.TypeEncounter], byType[detect.TypeGap], alerts), stdout)
	for _, e := range events {
		if e.Alert {
			assert.Contains(t, stdout, e.Start.UTC().Format("2006-01-02 15:04"), "alert %s is in the table", e.ID)
		}
	}

	// Deterministic: a second run writes the same events.
	code, _, stderr = runCLI(t, "demo", "--dir", dir)
	require.Equal(t, 0, code, stderr)
	again, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, events, readEvents(t, string(again)))
}
