// Package e2e scans simulated scenarios end to end (ais readers, detector,
// rules) and scores the events against the simulator's truth.
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/simulate"
	"github.com/stswatch/stswatch/geo"
)

// scenario is one simulated run: its config, its output and truth, and the events found.
type scenario struct {
	name    string
	truth   simulate.Truth
	events  []detect.Event
	rejects *ais.Rejects
}

// config is a quick scenario with every planted kind and decoy.
func config(seed int64, format string) simulate.Config {
	c := simulate.Demo()
	c.Seed, c.Vessels, c.Format = seed, 40, format
	if format == "csv" {
		c.Noise = simulate.Noise{}
	}
	return c
}

// scan generates the scenario, writes its watch list and ports, and runs the
// default detector over it through the ais readers, with the watch list and
// ports unless bare.
func scan(t *testing.T, c simulate.Config, bare bool) scenario {
	t.Helper()
	dir := t.TempDir()
	var buf bytes.Buffer
	truth, err := simulate.Generate(c, &buf)
	require.NoError(t, err)
	write := func(name string, fn func(io.Writer) error) string {
		var b bytes.Buffer
		require.NoError(t, fn(&b))
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b.Bytes(), 0o644))
		return p
	}
	env := detect.Env{}
	if !bare {
		env.Watchlist, err = detect.LoadWatchlist(write("watchlist.csv", truth.WriteWatchlist))
		require.NoError(t, err)
		env.Ports, err = geo.LoadPorts(write("ports.csv", truth.WritePorts))
		require.NoError(t, err)
	}

	sc := scenario{name: fmt.Sprintf("seed %d %s /%d", c.Seed, c.Format, c.Subsample), truth: truth, rejects: &ais.Rejects{}}
	opt := ais.Options{Rejects: sc.rejects}
	var r ais.Reader
	if c.Format == "csv" {
		rc, err := ais.Open(write("scenario.csv", func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }), opt)
		require.NoError(t, err)
		defer rc.Close()
		r = rc
	} else {
		r = ais.NewNMEAReader(&buf, "scenario.nmea", opt)
	}
	d := detect.New(detect.DefaultConfig(), env, func(e detect.Event) { sc.events = append(sc.events, e) })
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		d.Push(rec)
	}
	d.Flush()
	return sc
}

// mmsis returns the event's vessels' MMSIs, sorted.
func mmsis(e detect.Event) []uint32 {
	var out []uint32
	for _, v := range e.Vessels {
		out = append(out, v.MMSI)
	}
	slices.Sort(out)
	return out
}

func sorted(m []uint32) []uint32 {
	m = slices.Clone(m)
	slices.Sort(m)
	return m
}

func overlaps(e detect.Event, p simulate.Planted) bool {
	return e.Start.Before(p.End) && p.Start.Before(e.End)
}

// matches says whether event e is the planted p: same type, same vessels, overlapping time.
func matches(e detect.Event, p simulate.Planted, typ string) bool {
	if e.Type != typ || e.Status != detect.StatusClosed || !overlaps(e, p) {
		return false
	}
	if typ == detect.TypeEncounter {
		return slices.Equal(mmsis(e), sorted(p.MMSIs))
	}
	return len(e.Vessels) == 1 && e.Vessels[0].MMSI == p.MMSIs[0]
}

// score tallies detection quality over scenarios.
type score struct {
	planted, found       int // planted encounters, and those found
	closed, true_        int // closed encounters, and those matching a planted one
	gaps, gapsFound      int
	gapEvents, gapsTrue  int // closed gap events, and those matching a planted gap
	loiters, loiterFound int
	misses               []string
}

func (s score) recall() float64    { return ratio(s.found, s.planted) }
func (s score) precision() float64 { return ratio(s.true_, s.closed) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (s *score) add(t *testing.T, sc scenario) {
	for _, e := range sc.events {
		if e.Type == detect.TypeGap && e.Status == detect.StatusClosed {
			s.gapEvents++
			if slices.ContainsFunc(sc.truth.Events, func(p simulate.Planted) bool { return p.ExpectGap && matches(e, p, detect.TypeGap) }) {
				s.gapsTrue++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s: false gap %v %s..%s at %.3f,%.3f", sc.name, mmsis(e),
					e.Start.Format(time.TimeOnly), e.End.Format(time.TimeOnly), e.Lat, e.Lon))
			}
		}
		if e.Type != detect.TypeEncounter || e.Status != detect.StatusClosed {
			continue
		}
		s.closed++
		hit := slices.ContainsFunc(sc.truth.Events, func(p simulate.Planted) bool {
			return p.ExpectEncounter && matches(e, p, detect.TypeEncounter)
		})
		if hit {
			s.true_++
		} else {
			s.misses = append(s.misses, fmt.Sprintf("%s: false encounter %v %s..%s at %.3f,%.3f", sc.name, mmsis(e),
				e.Start.Format(time.TimeOnly), e.End.Format(time.TimeOnly), e.Lat, e.Lon))
		}
	}
	for _, p := range sc.truth.Events {
		find := func(typ string) (detect.Event, bool) {
			i := slices.IndexFunc(sc.events, func(e detect.Event) bool { return matches(e, p, typ) })
			if i < 0 {
				s.misses = append(s.misses, fmt.Sprintf("%s: missed %s %s %v %s..%s at %.3f,%.3f", sc.name, typ, p.Kind, p.MMSIs,
					p.Start.Format(time.TimeOnly), p.End.Format(time.TimeOnly), p.LatDeg, p.LonDeg))
				return detect.Event{}, false
			}
			return sc.events[i], true
		}
		if p.ExpectEncounter {
			s.planted++
			if e, ok := find(detect.TypeEncounter); ok {
				s.found++
				assert.Equal(t, p.ExpectAlert, e.Alert, "%s: %s %v alert (reasons %v)", sc.name, p.Kind, p.MMSIs, e.Reasons)
			}
		}
		if p.ExpectGap {
			s.gaps++
			if _, ok := find(detect.TypeGap); ok {
				s.gapsFound++
			}
		}
		if p.ExpectLoiter {
			s.loiters++
			if _, ok := find(detect.TypeLoitering); ok {
				s.loiterFound++
			}
		}
	}
}

// TestScenarios scans several seeds in NMEA (with feed noise) and CSV, and one
// at real reporting rates, and asserts encounter recall and precision, alerts,
// decoys, gap recall and precision, and loitering recall.
func TestScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end scenarios take a few seconds")
	}
	var total score
	var configs []simulate.Config
	for _, format := range []string{"nmea", "csv"} {
		for _, seed := range []int64{1, 2, 3} {
			configs = append(configs, config(seed, format))
		}
	}
	dense := config(6, "nmea") // real reporting rates: 10 s under way, 3 min at anchor
	dense.Subsample = 1
	configs = append(configs, dense)
	for _, c := range configs {
		sc := scan(t, c, false)
		require.NotEmpty(t, sc.events, sc.name)
		total.add(t, sc)
		for _, dc := range sc.truth.Decoys {
			for _, e := range sc.events {
				if e.Type != detect.TypeEncounter || !overlaps(e, dc) {
					continue
				}
				ms := mmsis(e)
				assert.False(t, slices.Contains(ms, dc.MMSIs[0]) && slices.Contains(ms, dc.MMSIs[1]),
					"%s: decoy %s %v gave encounter %s..%s", sc.name, dc.Kind, dc.MMSIs, e.Start, e.End)
			}
		}
		if c.Format == "nmea" {
			n := sc.truth.Noise
			got := sc.rejects.Counts()
			assert.Equal(t, n.BadChecksum+n.Truncated, got[ais.BadChecksum]+got[ais.Truncated],
				"%s: rejected lines vs planted noise %+v (rejects %v)", sc.name, n, got)
		}
	}
	for _, m := range total.misses {
		t.Log(m)
	}
	t.Logf("encounters: recall %.2f (%d/%d), precision %.2f (%d/%d); gaps: recall %d/%d, precision %d/%d; loitering recall %d/%d",
		total.recall(), total.found, total.planted, total.precision(), total.true_, total.closed,
		total.gapsFound, total.gaps, total.gapsTrue, total.gapEvents, total.loiterFound, total.loiters)
	assert.GreaterOrEqual(t, total.recall(), 0.9, "encounter recall")
	assert.GreaterOrEqual(t, total.precision(), 0.9, "encounter precision")
	assert.GreaterOrEqual(t, ratio(total.gapsFound, total.gaps), 0.9, "gap recall")
	assert.GreaterOrEqual(t, ratio(total.gapsTrue, total.gapEvents), 0.9, "gap precision")
	assert.GreaterOrEqual(t, ratio(total.loiterFound, total.loiters), 0.9, "loitering recall")
}

// TestWithoutWatchlistAndPorts checks that the watch-listed transfer alerts
// because of the watch list, and the ships at anchor are dropped because of the
// ports file: without them, the same scenario gives no alert for that pair and
// an encounter in port, while DPRK-China transfers still alert.
func TestWithoutWatchlistAndPorts(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end scenario takes a few seconds")
	}
	sc := scan(t, config(4, "nmea"), true)
	found := map[string]int{}
	for _, p := range append(sc.truth.Events, sc.truth.Decoys...) {
		for _, e := range sc.events {
			if !matches(e, p, detect.TypeEncounter) {
				continue
			}
			found[p.Kind]++
			switch p.Kind {
			case simulate.KindTransferWatchlist:
				assert.False(t, e.Alert, "watch-listed transfer alerted without a watch list: %v", e.Reasons)
			case simulate.KindTransferKPCN:
				assert.True(t, e.Alert, "DPRK-China transfer did not alert: %v", e.Reasons)
			}
		}
	}
	assert.Equal(t, 1, found[simulate.KindTransferWatchlist], "watch-listed transfer found once")
	assert.Equal(t, simulate.DefaultPlants().TransfersKPCN, found[simulate.KindTransferKPCN], "DPRK-China transfers found")
	assert.Equal(t, 1, found[simulate.KindDecoyAnchor], "ships at anchor in port found once without a ports file")
}

// TestSharedMMSI checks that the decoy of two ships far apart on one MMSI is
// reported as an identity event naming that MMSI (issue 3: "two ships on one
// MMSI ... reported as an identity anomaly").
func TestSharedMMSI(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end scenario takes a few seconds")
	}
	for _, c := range []simulate.Config{config(1, "nmea"), config(2, "nmea"), config(5, "nmea"), config(1, "csv"), config(3, "csv")} {
		sc := scan(t, c, true)
		for _, dc := range sc.truth.Decoys {
			if dc.Kind != simulate.KindDecoySharedMMSI {
				continue
			}
			found := slices.ContainsFunc(sc.events, func(e detect.Event) bool {
				return e.Type == detect.TypeIdentity && slices.Contains(mmsis(e), dc.MMSIs[0])
			})
			assert.True(t, found, "%s: no identity event for MMSI %d used by two ships %.0f km apart %s..%s",
				sc.name, dc.MMSIs[0], dc.SeparationM/1000, dc.Start.Format(time.DateTime), dc.End.Format(time.DateTime))
		}
	}
}
