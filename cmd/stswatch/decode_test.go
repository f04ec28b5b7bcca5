package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
)

// decodeData is the shared test data, relative to this package.
const decodeData = "../../../shared/data"

// runDecodeCmd runs "stswatch decode args..." in-process and returns its stdout lines parsed as JSON, and its stderr.
func runDecodeCmd(t *testing.T, args ...string) ([]map[string]any, string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errw bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errw)
	root.SetArgs(append([]string{"decode"}, args...))
	err := root.Execute()
	var objs []map[string]any
	for _, l := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal(l, &m), "%s", l)
		objs = append(objs, m)
	}
	return objs, errw.String(), err
}

func sharedFile(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(decodeData, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	return p
}

func TestDecodeCommand(t *testing.T) {
	objs, stderr, err := runDecodeCmd(t, "--workers", "2", sharedFile(t, "libais/typeexamples.nmea"))
	require.NoError(t, err)
	require.Len(t, objs, 7, "types 1, 2, 3, 5, 18, 24 and 27 of the 26 examples")
	// Type 1, libais/typeexamples.nmea line 2.
	assert.Equal(t, map[string]any{
		"type": 1.0, "mmsi": 367033650.0, "time": "2012-01-01T05:01:00Z", "lat": 42.79855, "lon": -70.346905,
		"sog": 8.6, "cog": 35.9, "nav_status": 0.0, "class": "A", "flag": "US",
	}, objs[0])
	// Type 5 of a Maltese tanker.
	assert.Equal(t, map[string]any{
		"type": 5.0, "mmsi": 249190000.0, "time": "2012-01-01T05:01:05Z", "class": "A", "imo": 9383663.0,
		"callsign": "9HMQ9", "name": "RUTH THERESA", "ship_type": 80.0, "to_bow": 78.0, "to_stern": 23.0,
		"to_port": 1.0, "to_starboard": 17.0, "draught": 7.8, "destination": "BOSTON,USA", "flag": "MT",
	}, objs[1])
	var types []float64
	for _, o := range objs {
		types = append(types, o["type"].(float64))
	}
	assert.Equal(t, []float64{1, 5, 3, 18, 24, 27, 2}, types, "input order")
	// Type 2 with an out-of-range latitude and heading: those fields are absent.
	assert.NotContains(t, objs[6], "lat")
	assert.NotContains(t, objs[6], "heading")
	assert.Equal(t, 67.0, objs[6]["sog"])
	// Type 24 part A: only the name.
	assert.Equal(t, "R/V GULF CHALLENGER", objs[4]["name"])
	assert.NotContains(t, objs[4], "callsign")
	assert.Contains(t, stderr, "passed over")
}

// TestDecodeCommandRejects: bad lines are summarised on stderr and do not fail the run; duplicates are all printed.
func TestDecodeCommandRejects(t *testing.T) {
	objs, stderr, err := runDecodeCmd(t, sharedFile(t, "pyais/nmea_data_sample.txt"), sharedFile(t, "gfw_ais_listener/nmea.txt"))
	require.NoError(t, err)
	assert.Contains(t, stderr, "rejected empty-payload: 100\n")
	assert.Contains(t, stderr, `nmea_data_sample.txt:4: empty-payload: "!AIVDM,1,1,,B,,0*25"`)
	n := 0
	for _, o := range objs {
		if o["mmsi"] == 261010820.0 && o["type"] == 1.0 && o["lat"] == 54.696855 {
			n++
		}
	}
	assert.Equal(t, 2, n, "the gfw capture's first sentence comes twice and is printed twice")
}

func TestDecodeCommandMissingFile(t *testing.T) {
	_, stderr, err := runDecodeCmd(t, filepath.Join(t.TempDir(), "nope.nmea"))
	require.Error(t, err)
	assert.Contains(t, stderr+err.Error(), "nope.nmea")
}

func TestAppendRecordJSON(t *testing.T) {
	r := ais.Record{Kind: ais.KindStatic, Type: 24, MMSI: 445123456, Class: ais.ClassB, Has: ais.HasName | ais.HasCallsign,
		Static: ais.Static{Name: "A \"Q\" \\ \x01 é", Callsign: "\xff"}}
	b := appendRecordJSON(nil, &r)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	assert.Equal(t, "A \"Q\" \\ \x01 é", m["name"])
	assert.Equal(t, "\ufffd", m["callsign"])
	assert.Equal(t, "KP", m["flag"])
	assert.True(t, strings.HasSuffix(string(b), "}\n"))
	assert.NotContains(t, m, "time")
	assert.NotContains(t, m, "lat")
}

// TestDecodeCommandDMACSV: a Danish Maritime Authority CSV row prints its real
// antenna offsets (columns A, B, C, D), not length and width folded into bow and port.
func TestDecodeCommandDMACSV(t *testing.T) {
	objs, _, err := runDecodeCmd(t, "--workers", "1", "../../ais/testdata/dma.csv")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(objs), 2)
	assert.Equal(t, map[string]any{
		"type": 0.0, "mmsi": 219000001.0, "time": "2024-03-01T00:00:00Z", "class": "A", "imo": 9074729.0,
		"callsign": "OXYZ2", "name": "DANA SEA", "ship_type": 70.0, "to_bow": 150.0, "to_stern": 30.0,
		"to_port": 14.0, "to_starboard": 14.0, "draught": 8.1, "destination": "AARHUS", "flag": "DK",
	}, objs[1])
}
