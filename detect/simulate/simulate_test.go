package simulate

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"
	"github.com/BertoldVdb/go-ais/aisnmea"
	nmea "github.com/adrianmo/go-nmea"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// small is a quick scenario with every kind of event, decoy and noise.
func small(seed int64) Config {
	c := Demo()
	c.Seed = seed
	c.Vessels = 20
	c.Subsample = 6
	return c
}

func generate(t testing.TB, c Config) ([]byte, Truth) {
	t.Helper()
	var b bytes.Buffer
	tr, err := Generate(c, &b)
	require.NoError(t, err)
	return b.Bytes(), tr
}

// obs is one decoded position report.
type obs struct {
	t              time.Time
	latDeg, lonDeg float64
	sogKn          float64
	status         uint8
}

// decoded is what an independent decoder (go-nmea + go-ais) makes of NMEA output.
type decoded struct {
	badLines int              // lines go-nmea rejects
	messages int              // AIS messages go-ais decodes
	fixes    map[uint32][]obs // position reports by MMSI, in output order
	imos     map[uint32]uint32
	types    map[uint8]int
}

// decodeNMEA decodes every line, reassembling multipart messages by source and g: group.
func decodeNMEA(t testing.TB, data []byte) decoded {
	t.Helper()
	codec := goais.CodecNew(false, false)
	d := decoded{fixes: map[uint32][]obs{}, imos: map[uint32]uint32{}, types: map[uint8]int{}}
	parts := map[string][][]byte{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		s, err := nmea.Parse(sc.Text())
		if err != nil {
			d.badLines++
			continue
		}
		v, ok := s.(nmea.VDMVDO)
		require.True(t, ok, "line %q is not VDM", sc.Text())
		payload := v.Payload
		if v.NumFragments > 1 {
			g := strings.Split(v.TagBlock.Grouping, "-")
			require.Len(t, g, 3, "multipart line %q without g:", sc.Text())
			key := v.TagBlock.Source + "/" + g[2]
			parts[key] = append(parts[key], v.Payload)
			if int64(len(parts[key])) < v.NumFragments {
				continue
			}
			payload = bytes.Join(parts[key], nil)
			delete(parts, key)
		}
		p := codec.DecodePacket(payload)
		require.NotNil(t, p, "undecodable message ending %q", sc.Text())
		d.messages++
		h := p.GetHeader()
		d.types[h.MessageID]++
		at := time.Unix(v.TagBlock.Time, 0).UTC()
		switch m := p.(type) {
		case goais.PositionReport:
			d.fixes[h.UserID] = append(d.fixes[h.UserID], obs{at, float64(m.Latitude), float64(m.Longitude), float64(m.Sog), m.NavigationalStatus})
		case goais.StandardClassBPositionReport:
			d.fixes[h.UserID] = append(d.fixes[h.UserID], obs{at, float64(m.Latitude), float64(m.Longitude), float64(m.Sog), 0})
		case goais.ShipStaticData:
			d.imos[h.UserID] = m.ImoNumber
		}
	}
	require.NoError(t, sc.Err())
	require.Empty(t, parts, "multipart messages left incomplete")
	for _, f := range d.fixes {
		sort.SliceStable(f, func(i, j int) bool { return f[i].t.Before(f[j].t) })
	}
	return d
}

func TestPositionEncoderMatchesGoAIS(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	codec := aisnmea.NMEACodecNew(goais.CodecNew(false, false))
	for i := range 2000 {
		p := posReport{classB: i%2 == 1, channelB: rng.IntN(2) == 1, mmsi: uint32(rng.IntN(1_000_000_000)),
			status: uint8(rng.IntN(16)), second: uint8(rng.IntN(60)), headingDeg: uint16(rng.IntN(360)),
			sogKn: 102.2 * rng.Float64(), cogDeg: 359.9 * rng.Float64(),
			latDeg: 180*rng.Float64() - 90, lonDeg: 360*rng.Float64() - 180}
		hdr := goais.Header{MessageID: 1, UserID: p.mmsi}
		var pkt goais.Packet = goais.PositionReport{Header: hdr, Valid: true, NavigationalStatus: p.status, RateOfTurn: -128,
			Sog: goais.Field10(p.sogKn), PositionAccuracy: true, Longitude: goais.FieldLatLonFine(p.lonDeg),
			Latitude: goais.FieldLatLonFine(p.latDeg), Cog: goais.Field10(p.cogDeg), TrueHeading: p.headingDeg, Timestamp: p.second}
		if p.classB {
			hdr.MessageID = 18
			pkt = goais.StandardClassBPositionReport{Header: hdr, Valid: true, Sog: goais.Field10(p.sogKn),
				PositionAccuracy: true, Longitude: goais.FieldLatLonFine(p.lonDeg), Latitude: goais.FieldLatLonFine(p.latDeg),
				Cog: goais.Field10(p.cogDeg), TrueHeading: p.headingDeg, Timestamp: p.second, ClassBUnit: true}
		}
		ch := byte(1)
		if p.channelB {
			ch = 2
		}
		want := codec.EncodeSentence(aisnmea.VdmPacket{Channel: ch, TalkerID: "AI", MessageType: "VDM", Packet: pkt})
		require.Len(t, want, 1)
		require.Equal(t, want[0], string(appendPositionSentence(nil, p)), "report %+v", p)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	for _, format := range []string{"nmea", "csv"} {
		t.Run(format, func(t *testing.T) {
			c := small(3)
			c.Format = format
			a, ta := generate(t, c)
			b, tb := generate(t, c)
			require.Equal(t, ta, tb)
			require.True(t, bytes.Equal(a, b), "same seed gave different bytes")
			c.Seed = 4
			other, to := generate(t, c)
			assert.False(t, bytes.Equal(a, other), "different seeds gave the same bytes")
			assert.NotEqual(t, ta.Events, to.Events)
		})
	}
}

func TestGenerateLinesDecode(t *testing.T) {
	for _, seed := range []int64{1, 2} {
		data, tr := generate(t, small(seed))
		d := decodeNMEA(t, data)
		nz := tr.Noise
		require.Positive(t, nz.BadChecksum+nz.Truncated, "noise on, none planted")
		require.Positive(t, nz.Duplicates)
		require.Positive(t, nz.Reordered)
		require.Positive(t, nz.Interleaved)
		assert.Equal(t, int(nz.BadChecksum+nz.Truncated), d.badLines, "only noised lines may fail")
		assert.Equal(t, int(tr.Messages-nz.BadChecksum-nz.Truncated+nz.Duplicates), d.messages)
		assert.Equal(t, int(tr.Lines), bytes.Count(data, []byte("\n")))
		for _, typ := range []uint8{1, 5, 18, 24} {
			assert.Positive(t, d.types[typ], "no message of type %d", typ)
		}
		assert.Equal(t, tr.Vessels, countVessels(tr, d), "every vessel heard")
	}
}

// countVessels counts MMSIs heard, the shared one twice.
func countVessels(tr Truth, d decoded) int {
	n := len(d.fixes)
	for _, dc := range tr.Decoys {
		if dc.Kind == KindDecoySharedMMSI {
			n++
		}
	}
	return n
}

func TestGenerateClean(t *testing.T) {
	c := small(5)
	c.Noise = Noise{}
	data, tr := generate(t, c)
	d := decodeNMEA(t, data)
	assert.Zero(t, d.badLines)
	assert.Equal(t, NoiseCounts{}, tr.Noise)
	assert.Equal(t, int(tr.Messages), d.messages)
	// Clean output is in time order.
	var last int64
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		s, err := nmea.Parse(sc.Text())
		require.NoError(t, err)
		tm := s.(nmea.VDMVDO).TagBlock.Time
		require.GreaterOrEqual(t, tm, last, "line %q out of order", sc.Text())
		last = tm
	}
}

// at interpolates a track at time t from the fixes either side; ok is false outside.
func at(f []obs, t time.Time) (orb.Point, bool) {
	i := sort.Search(len(f), func(i int) bool { return !f[i].t.Before(t) })
	switch {
	case i == len(f):
		return orb.Point{}, false
	case f[i].t.Equal(t) || i == 0:
		return orb.Point{f[i].lonDeg, f[i].latDeg}, i > 0 || f[i].t.Equal(t)
	}
	a, b := f[i-1], f[i]
	u := float64(t.Sub(a.t)) / float64(b.t.Sub(a.t))
	return orb.Point{a.lonDeg + u*(b.lonDeg-a.lonDeg), a.latDeg + u*(b.latDeg-a.latDeg)}, true
}

func within(f []obs, from, to time.Time) []obs {
	var out []obs
	for _, o := range f {
		if !o.t.Before(from) && !o.t.After(to) {
			out = append(out, o)
		}
	}
	return out
}

// TestPlantedTruthHolds checks the planted events and decoys against the
// generated data itself, decoded independently.
func TestPlantedTruthHolds(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		data, tr := generate(t, small(seed))
		d := decodeNMEA(t, data)
		p := DefaultPlants()
		require.Len(t, tr.Events, p.TransfersKPCN+p.TransfersOther+p.TransfersWatchlist+p.DarkMeetings+p.Loiterers)
		require.Len(t, tr.Decoys, 6*p.Decoys)
		assert.Equal(t, Expected{Encounters: 6, Alerts: 4, Gaps: 2, Loitering: 2}, tr.Expected)
		for _, e := range tr.Events {
			switch e.Kind {
			case KindTransferKPCN, KindTransferOther, KindTransferWatchlist:
				// Compare within the meeting only: interpolating towards a fix after
				// departure would move the barge away.
				in, b := within(d.fixes[e.MMSIs[0]], e.Start, e.End), within(d.fixes[e.MMSIs[1]], e.Start, e.End)
				require.GreaterOrEqual(t, len(in), 10, "%s: too few fixes", e.Kind)
				assert.GreaterOrEqual(t, e.End.Sub(e.Start), 150*time.Minute)
				assert.LessOrEqual(t, e.End.Sub(e.Start), 8*time.Hour)
				for _, o := range in {
					pb, ok := at(b, o.t)
					if !ok {
						continue
					}
					dist := geo.Distance(orb.Point{o.lonDeg, o.latDeg}, pb)
					assert.LessOrEqual(t, dist, 250.0, "%s %v: %0.fm apart at %v", e.Kind, e.MMSIs, dist, o.t)
					assert.GreaterOrEqual(t, dist, 10.0, "%s %v: on top of each other", e.Kind, e.MMSIs)
					assert.Less(t, o.sogKn, 2.0)
				}
				for _, o := range b {
					assert.Less(t, o.sogKn, 2.0)
				}
				assert.True(t, e.ExpectEncounter)
				assert.Equal(t, e.Kind != KindTransferOther, e.ExpectAlert)
				if e.Kind == KindTransferWatchlist {
					assert.Contains(t, watchIMOs(tr), d.imos[e.MMSIs[0]], "watch-listed IMO not broadcast")
				}
			case KindDarkMeeting:
				a := d.fixes[e.MMSIs[0]]
				assert.Empty(t, within(a, e.Start.Add(time.Minute), e.End.Add(-time.Minute)), "dark ship heard while dark")
				assert.NotEmpty(t, within(a, e.Start.Add(-time.Hour), e.Start), "dark ship not heard before")
				assert.NotEmpty(t, within(a, e.End, e.End.Add(time.Hour)), "dark ship not heard after")
				assert.GreaterOrEqual(t, e.End.Sub(e.Start), 7*time.Hour)
				assert.NotEmpty(t, within(d.fixes[e.MMSIs[1]], e.Start, e.End), "partner silent too")
			case KindLoiter:
				in := within(d.fixes[e.MMSIs[0]], e.Start, e.End)
				require.NotEmpty(t, in)
				for _, o := range in {
					assert.Less(t, o.sogKn, 2.0)
				}
				assert.GreaterOrEqual(t, e.End.Sub(e.Start), 270*time.Minute)
			default:
				t.Errorf("unexpected event kind %q", e.Kind)
			}
		}
		// Planted vessels are heard all along, except where a gap is planted.
		for _, e := range append(tr.Events, tr.Decoys...) {
			for i, m := range e.MMSIs {
				if (e.Kind == KindDarkMeeting && i == 0) || e.Kind == KindDecoySharedMMSI {
					continue
				}
				f := d.fixes[m]
				require.NotEmpty(t, f)
				assert.Less(t, f[0].t.Sub(tr.Start), 45*time.Minute, "%s %d: heard late", e.Kind, m)
				assert.Less(t, tr.End.Sub(f[len(f)-1].t), 45*time.Minute, "%s %d: silent at the end", e.Kind, m)
				for j := 1; j < len(f); j++ {
					assert.Less(t, f[j].t.Sub(f[j-1].t), 45*time.Minute, "%s %d: silent at %v", e.Kind, m, f[j-1].t)
				}
			}
		}
		for _, dc := range tr.Decoys {
			assert.False(t, dc.ExpectEncounter || dc.ExpectAlert, dc.Kind)
			a, b := d.fixes[dc.MMSIs[0]], within(d.fixes[dc.MMSIs[1]], dc.Start, dc.End)
			switch dc.Kind {
			case KindDecoyConvoy:
				for _, o := range within(a, dc.Start, dc.End) {
					assert.Greater(t, o.sogKn, 8.0)
					if pb, ok := at(b, o.t); ok {
						assert.InDelta(t, 300, geo.Distance(orb.Point{o.lonDeg, o.latDeg}, pb), 40)
					}
				}
			case KindDecoySlowPair:
				for _, o := range within(a, dc.Start, dc.End) {
					if pb, ok := at(b, o.t); ok {
						assert.InDelta(t, 1500, geo.Distance(orb.Point{o.lonDeg, o.latDeg}, pb), 550)
					}
				}
			case KindDecoyBrief:
				assert.Less(t, dc.End.Sub(dc.Start), 41*time.Minute)
			case KindDecoySharedMMSI:
				assert.Equal(t, dc.MMSIs[0], dc.MMSIs[1])
				assert.Greater(t, dc.SeparationM, 200_000.0)
			case KindDecoyAnchor:
				for _, o := range within(a, dc.Start, dc.End) {
					assert.Equal(t, uint8(1), o.status, "not at anchor")
				}
				assert.NotEmpty(t, tr.Ports)
			}
		}
	}
}

func watchIMOs(tr Truth) []uint32 {
	var out []uint32
	for _, w := range tr.Watchlist {
		out = append(out, w.IMO)
	}
	return out
}

func TestGenerateCSV(t *testing.T) {
	c := small(6)
	c.Format = "csv"
	data, tr := generate(t, c)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, csvHeader, rows[0])
	assert.Equal(t, int(tr.Messages), len(rows)-1)
	assert.Equal(t, NoiseCounts{}, tr.Noise, "CSV output carries no NMEA noise")
	last := ""
	classes := map[string]int{}
	for _, r := range rows[1:] {
		require.Len(t, r, len(csvHeader))
		require.GreaterOrEqual(t, r[1], last, "rows out of time order")
		last = r[1]
		_, err := time.Parse("2006-01-02T15:04:05", r[1])
		require.NoError(t, err)
		classes[r[16]]++
	}
	assert.Positive(t, classes["A"])
	assert.Positive(t, classes["B"])
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"format", func(c *Config) { c.Format = "json" }, "format"},
		{"vessels", func(c *Config) { c.Vessels = -1 }, "vessels"},
		{"duration", func(c *Config) { c.Duration = 0 }, "duration"},
		{"short with plants", func(c *Config) { c.Duration = 2 * time.Hour }, "too short"},
		{"region", func(c *Config) { c.Region = Region{MinLatDeg: 40, MinLonDeg: 119, MaxLatDeg: 30, MaxLonDeg: 127} }, "region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := small(1)
			tc.edit(&c)
			_, err := Generate(c, &bytes.Buffer{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	// Background only is fine for a short run.
	c := small(1)
	c.Plants, c.Duration = Plants{}, time.Hour
	_, tr := generate(t, c)
	assert.Empty(t, tr.Events)
	assert.Positive(t, tr.Messages)
}

func TestTruthFiles(t *testing.T) {
	_, tr := generate(t, small(2))
	var b bytes.Buffer
	require.NoError(t, tr.WriteWatchlist(&b))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"imo", "mmsi", "name"}, rows[0])
	require.Len(t, rows, 1+len(tr.Watchlist))
	b.Reset()
	require.NoError(t, tr.WritePorts(&b))
	rows, err = csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"name", "latitude", "longitude"}, rows[0])
	require.Len(t, rows, 1+len(tr.Ports))
	for _, w := range tr.Watchlist {
		assert.Equal(t, w.IMO%10, imoCheck(w.IMO/10), "IMO %d fails its check digit", w.IMO)
	}
	b.Reset()
	require.NoError(t, tr.WriteJSON(&b))
	assert.Contains(t, b.String(), `"expect_encounter": true`)
}

// peakWriter counts bytes and samples the live heap every few MB written.
type peakWriter struct {
	n, next  int
	peakHeap uint64
}

func (w *peakWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n >= w.next {
		w.next += 2 << 20
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.peakHeap = max(w.peakHeap, m.HeapAlloc)
	}
	return len(p), nil
}

// TestGenerateStreams checks that memory follows the fleet, not the output:
// three times the hours, three times the bytes, about the same heap.
func TestGenerateStreams(t *testing.T) {
	run := func(h time.Duration) *peakWriter {
		c := Config{Seed: 9, Vessels: 300, Duration: h, Subsample: 10, Noise: DefaultNoise()}
		w := &peakWriter{}
		_, err := Generate(c, w)
		require.NoError(t, err)
		return w
	}
	short, long := run(2*time.Hour), run(6*time.Hour)
	require.Greater(t, float64(long.n), 2.5*float64(short.n))
	t.Logf("2 h: %d bytes, peak heap %d; 6 h: %d bytes, peak heap %d", short.n, short.peakHeap, long.n, long.peakHeap)
	assert.Less(t, float64(long.peakHeap), 1.5*float64(short.peakHeap)+(1<<20), "heap grows with output")
	assert.Less(t, long.peakHeap, uint64(long.n), "heap as big as the output")
}

// benchReports are typical position reports, class A and B.
func benchReports() ([]posReport, []goais.Packet) {
	rng := rand.New(rand.NewPCG(1, 1))
	var reps []posReport
	var pkts []goais.Packet
	for i := range 1024 {
		p := posReport{classB: i%5 == 0, mmsi: 412000000 + uint32(i), second: uint8(i % 60), headingDeg: 511,
			sogKn: 20 * rng.Float64(), cogDeg: 359 * rng.Float64(), latDeg: 30 + 10*rng.Float64(), lonDeg: 119 + 8*rng.Float64()}
		hdr := goais.Header{MessageID: 1, UserID: p.mmsi}
		var pkt goais.Packet = goais.PositionReport{Header: hdr, Valid: true, RateOfTurn: -128, Sog: goais.Field10(p.sogKn),
			PositionAccuracy: true, Longitude: goais.FieldLatLonFine(p.lonDeg), Latitude: goais.FieldLatLonFine(p.latDeg),
			Cog: goais.Field10(p.cogDeg), TrueHeading: 511, Timestamp: p.second}
		if p.classB {
			hdr.MessageID = 18
			pkt = goais.StandardClassBPositionReport{Header: hdr, Valid: true, Sog: goais.Field10(p.sogKn), PositionAccuracy: true,
				Longitude: goais.FieldLatLonFine(p.lonDeg), Latitude: goais.FieldLatLonFine(p.latDeg), Cog: goais.Field10(p.cogDeg),
				TrueHeading: 511, Timestamp: p.second, ClassBUnit: true}
		}
		reps, pkts = append(reps, p), append(pkts, pkt)
	}
	return reps, pkts
}

// goaisEncodeNs is the baseline: ns per position sentence through go-ais's
// encoder (EncodePacket and EncodeSentence), best of three passes.
func goaisEncodeNs(pkts []goais.Packet) float64 {
	codec := aisnmea.NMEACodecNew(goais.CodecNew(false, false))
	best := math.MaxFloat64
	for range 3 {
		t0 := time.Now()
		for _, p := range pkts {
			codec.EncodeSentence(aisnmea.VdmPacket{Channel: 1, TalkerID: "AI", MessageType: "VDM", Packet: p})
		}
		best = min(best, float64(time.Since(t0).Nanoseconds())/float64(len(pkts)))
	}
	return best
}

// BenchmarkPositionEncoder is the hand-written position encoder against go-ais's.
func BenchmarkPositionEncoder(b *testing.B) {
	reps, pkts := benchReports()
	base := goaisEncodeNs(pkts)
	var buf []byte
	i := 0
	for b.Loop() {
		buf = appendPositionSentence(buf[:0], reps[i%len(reps)])
		i++
	}
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(base, "baseline-ns/op")
	b.ReportMetric(base/perOp, "x-vs-goais")
}

// BenchmarkGenerate is whole-scenario generation (1000 vessels, 1 h, real
// rates, NMEA with tag blocks) against go-ais merely encoding as many
// position sentences.
func BenchmarkGenerate(b *testing.B) {
	_, pkts := benchReports()
	base := goaisEncodeNs(pkts)
	c := Config{Seed: 1, Vessels: 1000, Duration: time.Hour, Subsample: 1}
	w := peakWriter{next: math.MaxInt}
	var tr Truth
	for b.Loop() {
		tr, _ = Generate(c, &w)
	}
	perMsgNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(tr.Messages)
	b.ReportMetric(1e9/perMsgNs, "msgs/s")
	b.ReportMetric(1e9/base, "baseline-msgs/s")
	b.ReportMetric(base/perMsgNs, "x-vs-goais")
}

// TestGenerateStaysInRegion checks that events, ports and every fix lie in
// the region (fixes within 1° of it: ships roam and lanes end at its edge).
func TestGenerateStaysInRegion(t *testing.T) {
	for _, r := range []Region{DefaultRegion(), {MinLatDeg: 35, MinLonDeg: 10, MaxLatDeg: 40, MaxLonDeg: 20}} {
		c := small(8)
		c.Region = r
		data, tr := generate(t, c)
		d := decodeNMEA(t, data)
		in := func(lat, lon, marginDeg float64) bool {
			return lat >= r.MinLatDeg-marginDeg && lat <= r.MaxLatDeg+marginDeg && lon >= r.MinLonDeg-marginDeg && lon <= r.MaxLonDeg+marginDeg
		}
		for _, e := range append(tr.Events, tr.Decoys...) {
			assert.True(t, in(e.LatDeg, e.LonDeg, 0.2), "%s at %.3f,%.3f outside %+v", e.Kind, e.LatDeg, e.LonDeg, r)
		}
		for m, fs := range d.fixes {
			for _, f := range fs {
				require.True(t, in(f.latDeg, f.lonDeg, 1), "%d at %.3f,%.3f far outside %+v", m, f.latDeg, f.lonDeg, r)
			}
		}
		require.NotEmpty(t, tr.Ports)
		for _, p := range tr.Ports {
			assert.True(t, in(p.LatDeg, p.LonDeg, 0), "port %s outside %+v", p.Name, r)
		}
	}
}

// TestIdentitiesUnique checks that a global-size fleet shares no MMSI, IMO
// number or name (shared identities are anomalies, planted only on purpose).
func TestIdentitiesUnique(t *testing.T) {
	f := newFleet(rand.New(rand.NewPCG(3, 3)))
	mmsis, imos, names := map[uint32]bool{}, map[uint32]bool{}, map[string]bool{}
	for range 100_000 {
		id := f.background()
		require.False(t, mmsis[id.mmsi], "MMSI %d twice", id.mmsi)
		require.False(t, names[id.name], "name %q twice", id.name)
		mmsis[id.mmsi], names[id.name] = true, true
		if id.imo != 0 {
			require.False(t, imos[id.imo], "IMO %d twice", id.imo)
			require.Equal(t, id.imo%10, imoCheck(id.imo/10), "IMO %d fails its check digit", id.imo)
			imos[id.imo] = true
		}
	}
	assert.Greater(t, len(imos), 70_000, "class A ships carry IMO numbers")
}
