package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/simulate"
)

const sharedData = "../../../shared/data"

// runCLI runs stswatch in-process with args and returns the exit status and outputs.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// scenario writes a simulated scenario (NMEA, feed noise, planted events) with
// its watch list and ports into a temporary directory.
type scenario struct {
	nmea, watchlist, ports string
	truth                  simulate.Truth
}

func newScenario(t *testing.T, seed int64) scenario {
	t.Helper()
	dir := t.TempDir()
	cfg := simulate.Demo()
	cfg.Seed, cfg.Vessels, cfg.Duration = seed, 20, 20*time.Hour
	s := scenario{
		nmea:      filepath.Join(dir, "scenario.nmea"),
		watchlist: filepath.Join(dir, "watchlist.csv"),
		ports:     filepath.Join(dir, "ports.csv"),
	}
	require.NoError(t, writeFile(s.nmea, func(w io.Writer) (err error) {
		s.truth, err = simulate.Generate(cfg, w)
		return err
	}))
	require.NoError(t, writeFile(s.watchlist, s.truth.WriteWatchlist))
	require.NoError(t, writeFile(s.ports, s.truth.WritePorts))
	return s
}

// readEvents parses a JSON-lines file of events.
func readEvents(t *testing.T, data string) []detect.Event {
	t.Helper()
	var events []detect.Event
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e detect.Event
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e), sc.Text())
		events = append(events, e)
	}
	return events
}

func countTypes(events []detect.Event) (byType map[string]int, alerts int) {
	byType = map[string]int{}
	for _, e := range events {
		byType[e.Type]++
		if e.Alert {
			alerts++
		}
	}
	return byType, alerts
}

// summaryCount reads "NAME N" from the summary line starting with label.
func summaryCount(t *testing.T, summary, label, name string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + label + `:.*?\b` + regexp.QuoteMeta(name) + ` (\d+)`).FindStringSubmatch(summary)
	require.NotNil(t, m, "%s %s in summary:\n%s", label, name, summary)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

// summaryTotal is the first number on the summary line that starts with label ("rejected", "messages").
func summaryTotal(t *testing.T, summary, label string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + label + `:\s+(\d+)`).FindStringSubmatch(summary)
	require.NotNil(t, m, summary)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

func TestScanSimulatedAllOutputs(t *testing.T) {
	s := newScenario(t, 7)
	dir := t.TempDir()
	out, gj, cs, pq := filepath.Join(dir, "e.jsonl"), filepath.Join(dir, "e.geojson"), filepath.Join(dir, "e.csv"), filepath.Join(dir, "e.parquet")
	code, stdout, stderr := runCLI(t, "scan", "--watchlist", s.watchlist, "--ports", s.ports,
		"--out", out, "--geojson", gj, "--csv", cs, "--parquet", pq, s.nmea)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout, "events go to --out")

	data, err := os.ReadFile(out)
	require.NoError(t, err)
	events := readEvents(t, string(data))
	byType, alerts := countTypes(events)
	for _, e := range events {
		assert.Equal(t, detect.StatusClosed, e.Status, "scan writes closed events only")
	}
	// Planted transfers are found and the DPRK ones raise alerts (recall/precision
	// against the truth file is the end-to-end tests' job; here: the wiring).
	assert.GreaterOrEqual(t, byType[detect.TypeEncounter], 1)
	assert.GreaterOrEqual(t, alerts, 1)

	// The summary counts what was written.
	assert.Equal(t, byType[detect.TypeEncounter], summaryCount(t, stderr, "events", "encounter"))
	assert.Equal(t, byType[detect.TypeGap], summaryCount(t, stderr, "events", "gap"))
	assert.Equal(t, alerts, summaryCount(t, stderr, "events", "alerts"))
	assert.Positive(t, summaryCount(t, stderr, "rejected", "bad-checksum"), "the scenario's noise is counted")
	assert.Regexp(t, `messages:  \d+ read in .* msg/s`, stderr)

	// Every output holds the same events.
	raw, err := os.ReadFile(gj)
	require.NoError(t, err)
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	require.NoError(t, err)
	points := 0
	for _, f := range fc.Features {
		if f.Properties["feature"] == "event" {
			assert.Equal(t, events[points].ID, f.Properties["event_id"])
			points++
		}
	}
	assert.Equal(t, len(events), points)

	f, err := os.Open(cs)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows, len(events)+1)

	pr, err := file.OpenParquetFile(pq, false)
	require.NoError(t, err)
	defer pr.Close()
	assert.Equal(t, int64(len(events)), pr.NumRows())
}

func TestScanAlertsOnlyAndDeterminism(t *testing.T) {
	s := newScenario(t, 11)
	code, all, stderr := runCLI(t, "scan", "--watchlist", s.watchlist, "--workers", "1", s.nmea)
	require.Equal(t, 0, code, stderr)
	code, again, stderr := runCLI(t, "scan", "--watchlist", s.watchlist, "--workers", "2", s.nmea)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, all, again, "the same input gives the same events with one or two decoding workers")

	code, alertsOnly, stderr := runCLI(t, "scan", "--watchlist", s.watchlist, "--alerts-only", s.nmea)
	require.Equal(t, 0, code, stderr)
	var wantAlerts []detect.Event
	for _, e := range readEvents(t, all) {
		if e.Alert {
			wantAlerts = append(wantAlerts, e)
		}
	}
	require.NotEmpty(t, wantAlerts)
	assert.Equal(t, wantAlerts, readEvents(t, alertsOnly))
	assert.Contains(t, stderr, "not written: --alerts-only")
}

func TestScanGarbageLinesCounted(t *testing.T) {
	s := newScenario(t, 3)
	data, err := os.ReadFile(s.nmea)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	garbage := []string{"hello, this is not AIS\n", "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*FF\n", "\x00\x01\x02\x03binary\xff\xfe\n"}
	var b strings.Builder
	inserted := 0
	for i, l := range lines {
		b.WriteString(l)
		if i%5000 == 100 {
			b.WriteString(garbage[inserted%len(garbage)])
			inserted++
		}
	}
	dirty := filepath.Join(t.TempDir(), "dirty.nmea")
	require.NoError(t, os.WriteFile(dirty, []byte(b.String()), 0o644))

	code, clean, stderr := runCLI(t, "scan", s.nmea)
	require.Equal(t, 0, code, stderr)
	cleanRejected := summaryTotal(t, stderr, "rejected")
	code, got, stderr := runCLI(t, "scan", dirty)
	require.Equal(t, 0, code, "bad lines never fail a run: %s", stderr)
	assert.Equal(t, clean, got, "garbage lines change no event")
	assert.Equal(t, cleanRejected+inserted, summaryTotal(t, stderr, "rejected"), "every garbage line is counted:\n%s", stderr)
	assert.Regexp(t, `dirty\.nmea:\d+: hello, this is not AIS\n`, stderr, "examples name file:line")
	assert.Regexp(t, `dirty\.nmea:\d+: \.\.\.\.binary\.\.\n`, stderr, "binary shows as dots")
}

func TestScanWarnsOfAnInputWithoutTimes(t *testing.T) {
	s := newScenario(t, 3)
	untimed := filepath.Join(sharedData, "aishub", "aishub_nmea-sample.txt") // a dump: no tag blocks, no receiver times
	code, _, stderr := runCLI(t, "scan", "-o", os.DevNull, untimed, s.nmea)
	require.Equal(t, 0, code, stderr)
	warnings := regexp.MustCompile(`(?m)^warning: +(.*): none of its (\d+) records has a time`).FindAllStringSubmatch(stderr, -1)
	require.Len(t, warnings, 1, "one warning, for the untimed input only:\n%s", stderr)
	assert.Equal(t, untimed, warnings[0][1])
	n, err := strconv.Atoi(warnings[0][2])
	require.NoError(t, err)
	assert.Greater(t, n, 70_000, "the AISHub sample holds 76 k records")

	code, _, stderr = runCLI(t, "scan", "-o", os.DevNull, s.nmea)
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stderr, "warning:", "a timed input gives no warning")
}

func TestScanTruncatedGzipIsAFailedInput(t *testing.T) {
	s := newScenario(t, 3)
	nmea, err := os.ReadFile(s.nmea)
	require.NoError(t, err)
	solent, err := os.ReadFile(filepath.Join(sharedData, "stonesoup", "SolentAIS_20160112_130211.csv"))
	require.NoError(t, err)
	for _, tt := range []struct {
		name string
		data []byte
	}{{"cut.nmea.gz", nmea}, {"cut.csv.gz", solent}} {
		t.Run(tt.name, func(t *testing.T) {
			var zipped bytes.Buffer
			zw := gzip.NewWriter(&zipped)
			_, err := zw.Write(tt.data)
			require.NoError(t, err)
			require.NoError(t, zw.Close())
			cut := filepath.Join(t.TempDir(), tt.name)
			require.NoError(t, os.WriteFile(cut, zipped.Bytes()[:zipped.Len()/2], 0o644))

			code, _, stderr := runCLI(t, "scan", "-o", os.DevNull, cut)
			require.Equal(t, 0, code, "the records before the cut are scanned: %s", stderr)
			assert.Contains(t, stderr, "inputs:    1 read, 1 failed\n")
			// the error line names the file once, with the line where the input broke off
			assert.Regexp(t, `(?m)^  `+regexp.QuoteMeta(cut)+`:\d+: gzip: unexpected EOF$`, stderr)
			assert.Greater(t, summaryTotal(t, stderr, "messages"), 0, "records before the cut are read")
		})
	}
}

func TestScanBadUsage(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.nmea")
	require.NoError(t, os.WriteFile(input, []byte("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\n"), 0o644))
	binary := filepath.Join(dir, "random.bin")
	require.NoError(t, os.WriteFile(binary, bytes.Repeat([]byte{0x00, 0xff, 0x13, 0x37}, 1000), 0o644))
	unreadable := filepath.Join(dir, "locked.nmea")
	require.NoError(t, os.WriteFile(unreadable, []byte("x\n"), 0o000))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"scan", "--bogus", input}, "unknown flag: --bogus"},
		{"no input", []string{"scan"}, "requires at least 1 arg"},
		{"bad format", []string{"scan", "--format", "xml", input}, `--format "xml"`},
		{"negative distance", []string{"scan", "--max-distance", "-5", input}, "--max-distance -5: must be positive"},
		{"not a duration", []string{"scan", "--min-duration", "soon", input}, `invalid argument "soon"`},
		{"zero duration", []string{"scan", "--min-duration", "0s", input}, "--min-duration 0s: must be positive"},
		{"zero speed", []string{"scan", "--max-speed", "0", input}, "--max-speed 0: must be positive"},
		{"no workers", []string{"scan", "--workers", "0", input}, "--workers 0"},
		{"bad columns", []string{"scan", "--columns", "mmsi", input}, `--columns "mmsi"`},
		{"missing config", []string{"scan", "--config", filepath.Join(dir, "nope.yaml"), input}, "nope.yaml"},
		{"missing watch list", []string{"scan", "--watchlist", filepath.Join(dir, "nope.csv"), input}, "nope.csv"},
		{"missing input", []string{"scan", filepath.Join(dir, "absent.nmea")}, "absent.nmea"},
		{"unknown format", []string{"scan", binary}, "random.bin: unknown format"},
		{"empty directory", []string{"scan", t.TempDir()}, "no input files"},
		{"output in a missing directory", []string{"scan", "--geojson", filepath.Join(dir, "no", "e.geojson"), input}, "e.geojson"},
	}
	if os.Geteuid() != 0 { // root reads any file
		tests = append(tests, struct {
			name string
			args []string
			want string
		}{"unreadable input", []string{"scan", unreadable}, "locked.nmea"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestScanSolentHarbourPairs(t *testing.T) {
	solent := filepath.Join(sharedData, "stonesoup", "SolentAIS_20160112_130211.csv")
	wpi := filepath.Join(sharedData, "reference", "world_port_index_pub150.csv")
	if _, err := os.Stat(solent); err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	code, stdout, stderr := runCLI(t, "scan", "--min-duration", "30m", solent)
	require.Equal(t, 0, code, stderr)
	byType, _ := countTypes(readEvents(t, stdout))
	assert.Positive(t, byType[detect.TypeEncounter], "slow close pairs at Portsmouth berths are found without ports:\n%s", stderr)

	found := byType[detect.TypeEncounter]

	code, stdout, stderr = runCLI(t, "scan", "--min-duration", "30m", "--ports", wpi, solent)
	require.Equal(t, 0, code, stderr)
	byType, _ = countTypes(readEvents(t, stdout))
	assert.Zero(t, byType[detect.TypeEncounter], "with the World Port Index they are in port, not transfers")

	// The same threshold from --config, and a flag overriding the config.
	config := filepath.Join(t.TempDir(), "rules.yaml")
	require.NoError(t, os.WriteFile(config, []byte("encounter:\n  min_duration: 30m\n"), 0o644))
	code, stdout, stderr = runCLI(t, "scan", "--config", config, solent)
	require.Equal(t, 0, code, stderr)
	byType, _ = countTypes(readEvents(t, stdout))
	assert.Equal(t, found, byType[detect.TypeEncounter], "--config sets the minimum duration")
	code, stdout, stderr = runCLI(t, "scan", "--config", config, "--min-duration", "3h", solent)
	require.Equal(t, 0, code, stderr)
	byType, _ = countTypes(readEvents(t, stdout))
	assert.Zero(t, byType[detect.TypeEncounter], "the flag overrides the config: 84 minutes of data hold no 3 h meeting")
}

func TestScanToDevNull(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skipf("no %s: %v", os.DevNull, err)
	}
	input := filepath.Join(t.TempDir(), "in.nmea")
	require.NoError(t, os.WriteFile(input, []byte("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\n"), 0o644))
	code, _, stderr := runCLI(t, "scan", "--out", os.DevNull, "--geojson", os.DevNull, input)
	assert.Equal(t, 0, code, "outputs that cannot be synced (devices, pipes) are fine: %s", stderr)
}

// failing is a sink whose disk is full.
type failing struct{ writes int }

func (f *failing) Write(detect.Event) error { f.writes++; return errors.New("no space left on device") }
func (f *failing) Close() error             { return nil }

func TestScanStopsWhenAnOutputFails(t *testing.T) {
	s := newScenario(t, 13)
	sink := &failing{}
	job := scanJob{files: []string{s.nmea}, cfg: detect.DefaultConfig(), open: ais.Options{Workers: 1}}
	err := job.run(context.Background(), sink, newRunStats())
	assert.EqualError(t, err, "no space left on device")
	assert.Equal(t, 1, sink.writes, "nothing more is written after a failed write")
}
