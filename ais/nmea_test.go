package ais

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedData is where the real AIS captures live, relative to the package directory.
const sharedData = "../../shared/data"

// dataFile returns the path of a shared-data file, skipping the test when the data is absent.
func dataFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedData, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	return p
}

// readAll reads every record of an NMEA file with the given options.
func readAll(t testing.TB, path string, opt Options) []Record {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := NewNMEAReader(f, filepath.Base(path), opt)
	var out []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, rec)
	}
}

// nmeaFiles lists every NMEA capture in the shared data.
func nmeaFiles(t testing.TB) []string {
	t.Helper()
	dataFile(t, "README.md")
	var out []string
	for _, pat := range []string{"*/*.txt", "*/*.nmea", "*/*.ais", "*/*.log", "*/*.nm4", "*/*.aivdm", "pyais/ais_test_messages"} {
		m, err := filepath.Glob(filepath.Join(sharedData, pat))
		require.NoError(t, err)
		out = append(out, m...)
	}
	require.NotEmpty(t, out)
	return out
}

// jsonLines reads a file of JSON objects, one a line.
func jsonLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []map[string]any
	for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var m map[string]any
		require.NoError(t, json.Unmarshal(l, &m))
		out = append(out, m)
	}
	return out
}

// TestTypeExamplesConformance decodes libais's one-message-per-type sample and
// compares every record stswatch makes with libais's and gpsdio's expected JSON.
// Where the two disagree, ITU-R M.1371-5 decides (see the cases below).
func TestTypeExamplesConformance(t *testing.T) {
	libais := jsonLines(t, dataFile(t, "libais/typeexamples.json"))
	gpsdio := jsonLines(t, dataFile(t, "libais/typeexamples.gpsdio_expected.json"))
	recs := readAll(t, dataFile(t, "libais/typeexamples.nmea"), Options{})
	require.Len(t, libais, 26)
	require.Len(t, gpsdio, 26)

	num := func(m map[string]any, k string) float64 {
		v, ok := m[k].(float64)
		require.Truef(t, ok, "field %s missing in %v", k, m)
		return v
	}
	got := 0
	for i, want := range libais {
		typ := uint8(num(want, "type"))
		if !wanted[typ] {
			continue
		}
		require.Less(t, got, len(recs))
		r := recs[got]
		got++
		other := gpsdio[i]
		require.Equal(t, typ, r.Type, "line %d", i+1)
		require.Equal(t, uint32(num(want, "mmsi")), r.MMSI)
		require.Equal(t, uint32(num(other, "mmsi")), r.MMSI)
		require.NotZero(t, r.Has&HasTime, "USCG trailer time")
		switch typ {
		case 1, 2, 3, 18, 27:
			require.Equal(t, KindPosition, r.Kind)
			lat, lon := num(want, "lat"), num(want, "lon")
			if math.Abs(lat) <= 90 && math.Abs(lon) <= 180 {
				require.NotZero(t, r.Has&HasLatLon)
				assert.InDelta(t, lat, r.Pos.LatDeg, 1e-5)
				assert.InDelta(t, lon, r.Pos.LonDeg, 1e-5)
			} else {
				// Type 2 (lat -101.5) and type 27 (lon 200.2): both decoders print
				// the raw values; M.1371 ranges are ±90/±180, so stswatch drops them.
				assert.Zero(t, r.Has&HasLatLon, "out-of-range position kept: %v", r.Pos)
			}
			assert.InDelta(t, num(want, "speed"), float64(r.Pos.SOGKn), 0.01)
			assert.InDelta(t, num(want, "course"), float64(r.Pos.COGDeg), 0.01)
			if h, ok := want["heading"].(float64); ok {
				if h < 360 && h == num(other, "heading") {
					assert.Equal(t, uint16(h), r.Pos.HeadingDeg)
					assert.NotZero(t, r.Has&HasHeading)
				} else {
					// 511 is "not available"; type 2's 472 (gpsdio says 511) is out of
					// M.1371's 0-359 range: absent either way.
					assert.Zero(t, r.Has&HasHeading)
				}
			}
			if s, ok := want["status"].(float64); ok {
				assert.Equal(t, uint8(s), r.Pos.NavStatus)
			}
		case 5:
			// gpsdio lost the name, type and dimensions of this message; its
			// bits carry them (M.1371 Table 48), as libais decodes.
			require.Equal(t, KindStatic, r.Kind)
			assert.Equal(t, "9383663", want["imo"])
			assert.Equal(t, uint32(num(other, "imo")), r.Static.IMO)
			assert.Equal(t, want["shipname"], r.Static.Name)
			assert.Equal(t, "9HMQ9", r.Static.Callsign)
			assert.Equal(t, "RUTH THERESA", r.Static.Name)
			assert.Equal(t, "BOSTON,USA", r.Static.Destination)
			assert.Equal(t, uint8(80), r.Static.ShipType)
			assert.Equal(t, [4]uint16{78, 23, 1, 17}, [4]uint16{r.Static.ToBowM, r.Static.ToSternM, r.Static.ToPortM, r.Static.ToStarboardM})
			assert.InDelta(t, num(other, "draught"), float64(r.Static.DraughtM), 1e-5)
			assert.Equal(t, ClassA, r.Class)
		case 24:
			require.Equal(t, KindStatic, r.Kind)
			assert.Equal(t, byte('A'), r.Static.Part)
			assert.Equal(t, "R/V GULF CHALLENGER", r.Static.Name)
			assert.Equal(t, ClassB, r.Class)
		}
	}
	assert.Equal(t, len(recs), got, "every record accounted for")
	assert.Equal(t, 7, got)
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestTagBlockFile reads ORBCOMM tag blocks: a two-part type 5 split by another
// sentence assembles under its g: group, and every record takes its c: time and s: source.
func TestTagBlockFile(t *testing.T) {
	want := jsonLines(t, dataFile(t, "libais/tagblock.json"))
	recs := readAll(t, dataFile(t, "libais/tagblock.nmea"), Options{})
	require.Len(t, recs, len(want))
	for i, w := range want {
		r := recs[i]
		assert.Equal(t, w["type"], float64(r.Type), "record %d", i)
		assert.Equal(t, w["mmsi"], float64(r.MMSI), "record %d", i)
		assert.True(t, r.Time.Equal(utc(w["tagblock_timestamp"].(string))), "record %d: %v", i, r.Time)
		assert.Equal(t, w["tagblock_station"], r.Source, "record %d", i)
		if r.Type == 1 { // libais prints float32: about 1.5e-5 degrees of resolution at 161°
			assert.InDelta(t, w["lat"], r.Pos.LatDeg, 3e-5)
			assert.InDelta(t, w["lon"], r.Pos.LonDeg, 3e-5)
		}
	}
	assert.Equal(t, "XPD5019", recs[1].Static.Callsign)
}

// TestGatehouseTimes: a $PGHP line times the sentences after it; one with a bad
// checksum is counted and changes nothing.
func TestGatehouseTimes(t *testing.T) {
	var rej Rejects
	recs := readAll(t, dataFile(t, "pyais/timestamped.ais"), Options{Rejects: &rej})
	require.Len(t, recs, 4)
	for _, r := range recs {
		assert.True(t, r.Time.Equal(utc("2008-05-09T00:00:00.010Z")), "%v", r.Time)
		assert.Equal(t, "timestamped.ais", r.Source)
	}
	assert.Equal(t, int64(1), rej.Counts()[BadChecksum])
	assert.Equal(t, uint32(367309370), recs[0].MMSI)
	assert.InDelta(t, 48.177737, recs[0].Pos.LatDeg, 1e-6)
}

// TestDuplicatesKept: the reader passes on receiver duplicates (dropping them is the tracker's job).
func TestDuplicatesKept(t *testing.T) {
	var rej Rejects
	recs := readAll(t, dataFile(t, "gfw_ais_listener/nmea.txt"), Options{Rejects: &rej})
	require.GreaterOrEqual(t, len(recs), 4000)
	assert.Equal(t, recs[0], recs[1], "the first sentence comes twice")
	assert.Equal(t, uint32(261010820), recs[0].MMSI)
	assert.Equal(t, uint8(15), recs[0].Pos.NavStatus)
	assert.Empty(t, rej.Counts())
	passed := rej.Passed()
	assert.Equal(t, int64(243), passed[4], "base station reports passed over")
	// 4628 messages decode; types 4, 8, 20, 21 (406) are passed over.
	assert.Equal(t, 4628-406, len(recs))
}

// TestEmptyPayloads: pyais's sample has 100 sentences with no payload, counted by reason.
func TestEmptyPayloads(t *testing.T) {
	var rej Rejects
	recs := readAll(t, dataFile(t, "pyais/nmea_data_sample.txt"), Options{Rejects: &rej})
	assert.Equal(t, int64(100), rej.Counts()[EmptyPayload])
	ex := rej.Examples()
	require.NotEmpty(t, ex)
	assert.Equal(t, Example{Reason: EmptyPayload, File: "nmea_data_sample.txt", Line: 4, Text: "!AIVDM,1,1,,B,,0*25"}, ex[0])
	assert.Greater(t, len(recs), 700)
}

// TestGoFreeQuirk: Navico GoFree writes an empty channel and an extra field after the fill bits.
func TestGoFreeQuirk(t *testing.T) {
	var rej Rejects
	recs := readAll(t, dataFile(t, "signalk/gofree-merrimac.log"), Options{Rejects: &rej})
	c := rej.Counts()
	assert.Zero(t, c[BadField]+c[Truncated]+c[BadPayload]+c[OrphanFragment]+c[BadChecksum], "%v", c)
	assert.Positive(t, c[UnknownSentence], "the log's GPS and depth sentences are not AIS")
	statics := 0
	for _, r := range recs {
		if r.Type == 5 {
			statics++
			assert.NotZero(t, r.Has&HasName, "type 5 assembled from GoFree parts: %+v", r)
		}
	}
	assert.Equal(t, 48, statics)
	assert.Equal(t, uint32(244730036), recs[0].MMSI)
	assert.InDelta(t, 53.36018, recs[0].Pos.LatDeg, 1e-6)
	assert.InDelta(t, 5.217555, recs[0].Pos.LonDeg, 1e-6)
}

// TestUSCGTrailer: the receiver time after the checksum times the record and the r/b station is its source.
func TestUSCGTrailer(t *testing.T) {
	recs := readAll(t, dataFile(t, "noaadata/test.ais"), Options{})
	require.NotEmpty(t, recs)
	assert.Equal(t, "r003669987", recs[0].Source)
	assert.True(t, recs[0].Time.Equal(time.Unix(1152921693, 0)), "%v", recs[0].Time)
	for _, r := range recs {
		require.NotZero(t, r.Has&HasTime)
		require.Equal(t, 2006, r.Time.Year())
	}
	recs = readAll(t, dataFile(t, "libais/test.aivdm"), Options{})
	assert.Equal(t, "b003669794", recs[0].Source)
	assert.True(t, recs[0].Time.Equal(time.Unix(1272412827, 0)))
}

// TestParallelEqualsSequential: with many workers (and small inputs split across
// several chunks) the records and the rejects are those of one worker.
func TestParallelEqualsSequential(t *testing.T) {
	for _, f := range nmeaFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			var rej1, rejN Rejects
			one := readAll(t, f, Options{Rejects: &rej1})
			many := readAll(t, f, Options{Rejects: &rejN, Workers: 4})
			require.Equal(t, len(one), len(many))
			for i := range one {
				require.Equal(t, one[i], many[i], "record %d", i)
			}
			assert.Equal(t, rej1.Counts(), rejN.Counts())
			assert.Equal(t, rej1.Examples(), rejN.Examples())
			assert.Equal(t, rej1.Passed(), rejN.Passed())
		})
	}
}

// TestFastMatchesGoAIS decodes every message of every shared-data file that the
// hand-written path handles (positions, and type 5 joined from its parts) with
// that path and with go-ais, field by field.
func TestFastMatchesGoAIS(t *testing.T) {
	dec := newPayloadDecoder()
	checked := map[uint8]int{}
	check := func(f string, line, payload []byte, fill uint8) {
		var fast, slow [2]Record
		handled, ok := decodeFast(payload, fill, &fast[0])
		if !handled {
			return
		}
		n, _, reason := dec.decodeGoAIS(payload, fill, slow[:])
		require.Equal(t, ok, reason == "", "%s: %s", f, line)
		if ok {
			require.Equal(t, 1, n)
			require.Equal(t, slow[0], fast[0], "%s: %s", f, line)
			checked[fast[0].Type]++
		}
	}
	for _, f := range nmeaFiles(t) {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var a assembler
		for _, line := range bytes.Split(b, []byte("\n")) {
			var s sentence
			if k, r := frameLine(line, &s); k != lineSentence || r != "" {
				continue
			}
			if s.fragCount == 1 {
				check(f, line, s.payload, s.fill)
				continue
			}
			if joined, fill, _, ok := a.add(fragment{s: &s, line: line, source: "x"}); ok {
				check(f, line, joined, fill)
			}
		}
	}
	assert.Greater(t, checked[1], 90000)
	assert.Greater(t, checked[5], 4000)
	assert.Greater(t, checked[18], 2000)
	assert.Greater(t, checked[27], 10)
}

// TestAishubStaleParts: in the aishub sample a second part left by a message that
// lost its first waits under its key (channel, sequence id); the next messages of
// that key, each with both parts in order, are joined to their own parts, not one
// part off. Destinations as go-ais decodes each message's two adjacent sentences.
func TestAishubStaleParts(t *testing.T) {
	var rej Rejects
	recs := readAll(t, dataFile(t, "aishub/aishub_nmea-sample.txt"), Options{Rejects: &rej})
	dest := map[uint32][]string{}
	for _, r := range recs {
		if r.Type == 5 {
			dest[r.MMSI] = append(dest[r.MMSI], r.Static.Destination)
		}
	}
	for _, tc := range []struct {
		mmsi uint32
		dest string
	}{
		{205233000, "ANTWERP"},              // lines 34590-34591
		{205304090, "BEAAA00013DOCKX00020"}, // a part off: "BEAAA00010"
		{636014300, "NEW ORLEANS"},          // a part off: "NEW ORLEAL\\TV,X@=LIV"
		{247194300, "LIVORN0"},              // a part off: another ship's dimensions and draught too
		{366964850, "PORT ARTHUR"},
	} {
		assert.Equal(t, []string{tc.dest}, dest[tc.mmsi], "MMSI %d", tc.mmsi)
	}
	assert.LessOrEqual(t, rej.Counts()[BadPayload], int64(6), "type 1 with 5 fill bits (163 bits) only")
}

// endless is an input that never ends: the same sentence again and again.
type endless struct{ off int }

func (e *endless) Read(p []byte) (int, error) {
	line := pos1 + "\n"
	n := 0
	for n < len(p) {
		c := copy(p[n:], line[e.off:])
		n += c
		e.off = (e.off + c) % len(line)
	}
	return n, nil
}

// TestParallelStops: a parallel reader given up before the end of an endless
// input stops its goroutines, on Close or once it is garbage: its reading
// goroutine then closes the ordered channel, which drains.
func TestParallelStops(t *testing.T) {
	for _, closeIt := range []bool{true, false} {
		r := NewNMEAReader(&endless{}, "feed", Options{Workers: 3})
		rec, err := r.Next()
		require.NoError(t, err)
		require.Equal(t, uint32(367309370), rec.MMSI)
		p := r.(*parallelReader).p
		if closeIt {
			require.NoError(t, r.(io.Closer).Close())
		}
		r = nil
		drained := make(chan struct{})
		go func() {
			for range p.order {
			}
			close(drained)
		}()
		require.Eventually(t, func() bool {
			runtime.GC()
			select {
			case <-drained:
				return true
			default:
				return false
			}
		}, 10*time.Second, 10*time.Millisecond, "close=%v", closeIt)
	}
}

// TestKystverketTagChecksums: the Norwegian capture's multi-sentence messages carry
// tag blocks \g:n-2-9999,c:...*hh\ whose checksum covers "c:..." alone (the feed
// adds g: after summing). They are accepted, so every line decodes: the 754
// single-sentence lines and the 123 two-part type 5 messages, each with its c: time.
func TestKystverketTagChecksums(t *testing.T) {
	for _, workers := range []int{1, 2} {
		var rej Rejects
		recs := readAll(t, dataFile(t, "kystverket/Ais1000Lines.nm4"), Options{Rejects: &rej, Workers: workers})
		assert.Empty(t, rej.Counts())
		require.Len(t, recs, 877)
		types := map[uint8]int{}
		for _, r := range recs {
			types[r.Type]++
			require.NotZero(t, r.Has&HasTime)
			require.True(t, !r.Time.Before(utc("2019-08-07T22:59:58Z")) && !r.Time.After(utc("2019-08-07T23:00:27Z")), "%v", r.Time)
		}
		assert.Equal(t, map[uint8]int{1: 621, 3: 115, 5: 123, 18: 12, 24: 6}, types)

		// Lines 13-14, decoded by hand from the 6-bit payload.
		i := slices.IndexFunc(recs, func(r Record) bool { return r.Type == 5 })
		require.GreaterOrEqual(t, i, 0)
		r := recs[i]
		assert.Equal(t, uint32(258488000), r.MMSI)
		assert.Equal(t, utc("2019-08-07T22:59:58Z"), r.Time)
		assert.Equal(t, "RIVA ITALIA", r.Static.Name)
		assert.Equal(t, "LJTF", r.Static.Callsign)
		assert.Equal(t, uint8(60), r.Static.ShipType)
		assert.Equal(t, [4]uint16{20, 20, 3, 3}, [4]uint16{r.Static.ToBowM, r.Static.ToSternM, r.Static.ToPortM, r.Static.ToStarboardM})
		assert.Zero(t, r.Has&(HasIMO|HasDestination|HasDraught))
	}
}
