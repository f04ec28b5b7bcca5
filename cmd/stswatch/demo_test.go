package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/simulate"
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

	m := regexp.MustCompile(`Planted encounters found: (\d+) of (\d+), with an alert: (\d+) of (\d+)\.`).FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	assert.Positive(t, atoi(t, m[1]), "planted encounters are found")
	assert.LessOrEqual(t, atoi(t, m[1]), atoi(t, m[2]))
	assert.LessOrEqual(t, atoi(t, m[3]), atoi(t, m[4]))

	// Deterministic: a second run writes the same events.
	code, _, stderr = runCLI(t, "demo", "--dir", dir)
	require.Equal(t, 0, code, stderr)
	again, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, events, readEvents(t, string(again)))
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

func TestPlantedFound(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 4, 0, 0, 0, time.UTC)
	planted := []simulate.Planted{
		{Kind: simulate.KindTransferKPCN, MMSIs: []uint32{445000001, 412000001}, Start: t0, End: t0.Add(4 * time.Hour), ExpectEncounter: true, ExpectAlert: true},
		{Kind: simulate.KindTransferOther, MMSIs: []uint32{351000001, 352000001}, Start: t0, End: t0.Add(3 * time.Hour), ExpectEncounter: true},
		{Kind: simulate.KindTransferKPCN, MMSIs: []uint32{445000002, 412000002}, Start: t0, End: t0.Add(3 * time.Hour), ExpectEncounter: true, ExpectAlert: true},
		{Kind: simulate.KindDecoyConvoy, MMSIs: []uint32{1, 2}, Start: t0, End: t0.Add(3 * time.Hour)},
	}
	enc := func(a, b uint32, start time.Time, alert bool) detect.Event {
		return detect.Event{Type: detect.TypeEncounter, Vessels: []detect.Vessel{{MMSI: a}, {MMSI: b}}, Start: start, End: start.Add(2 * time.Hour), Alert: alert}
	}
	found := []detect.Event{
		enc(412000001, 445000001, t0.Add(30*time.Minute), true), // matches the first, either vessel order
		enc(351000001, 352000001, t0.Add(5*time.Hour), false),   // right pair, but after the planted meeting
		enc(412000002, 445000002, t0, false),                    // matches the third, without the alert
		enc(1, 2, t0, false),                                    // a decoy is not counted
	}
	hit, want, hitAlerts, wantAlerts := plantedFound(planted, found)
	assert.Equal(t, []int{2, 3, 1, 2}, []int{hit, want, hitAlerts, wantAlerts})
}
