// Package simulate generates realistic AIS traffic with planted ship-to-ship
// transfers, dark periods, loiterers and decoys, and a Truth of what it planted,
// so that detection quality and speed can be measured end to end.
//
// Output streams in time order (with realistic arrival disorder when noise is
// on): state is per vessel plus a heap of next report times, never the output.
// The same Config gives the same bytes.
package simulate

import (
	"container/heap"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// Region is a latitude/longitude box in degrees.
type Region struct {
	MinLatDeg, MinLonDeg, MaxLatDeg, MaxLonDeg float64
}

// DefaultRegion is the Yellow Sea and northern East China Sea, where DPRK-China
// ship-to-ship transfers were reported.
func DefaultRegion() Region {
	return Region{MinLatDeg: 30, MinLonDeg: 119, MaxLatDeg: 40, MaxLonDeg: 127}
}

// Noise gives the probability per message of each kind of input damage (NMEA only).
type Noise struct {
	BadChecksum float64 // a single-sentence message's checksum spoilt
	Truncated   float64 // a single-sentence message cut short
	Duplicate   float64 // a message heard again by a second receiver
	Disorder    float64 // a message delayed by up to 3 min behind later ones
	Interleave  float64 // a multipart message split by the next message
}

// DefaultNoise is a dirty but usable feed.
func DefaultNoise() Noise {
	return Noise{BadChecksum: 0.002, Truncated: 0.002, Duplicate: 0.03, Disorder: 0.01, Interleave: 0.2}
}

// Plants says how many events and decoys of each kind to plant.
type Plants struct {
	TransfersKPCN      int  // DPRK ship with a Chinese barge (alert)
	TransfersOther     int  // other flags (no alert)
	TransfersWatchlist int  // watch-listed IMO under a foreign MMSI with a Chinese barge (alert)
	DarkMeetings       int  // a ship dark for 7-10 h around its meeting (gap)
	Loiterers          int  // one ship drifting 4.5-8 h alone (loitering)
	Decoys             int  // how many of each decoy kind (convoy, brief, slow pair, crossing, shared MMSI)
	PortDecoys         bool // also ships at anchor in a port (no encounter when Truth.Ports is the ports file)
}

// DefaultPlants is a few events of each kind and one of each decoy.
func DefaultPlants() Plants {
	return Plants{TransfersKPCN: 3, TransfersOther: 2, TransfersWatchlist: 1, DarkMeetings: 2, Loiterers: 2, Decoys: 1, PortDecoys: true}
}

// Config describes a scenario.
type Config struct {
	Seed      int64
	Vessels   int           // background vessels on the lanes (planted ones come on top)
	Duration  time.Duration // simulated time
	Start     time.Time     // first instant (UTC)
	Region    Region        // zero value: DefaultRegion
	Format    string        // "nmea" (tag blocks) or "csv" (MarineCadastre); "" is nmea
	Subsample int           // divides every reporting rate (1 or 0: real rates)
	Noise     Noise         // zero value: clean output
	Plants    Plants        // zero value: background traffic only
}

// Demo is the demo's scenario: 60 vessels for 24 h with every kind of event
// and decoy, quick to generate and scan.
func Demo() Config {
	return Config{
		Seed:      1,
		Vessels:   60,
		Duration:  24 * time.Hour,
		Start:     time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		Region:    DefaultRegion(),
		Format:    "nmea",
		Subsample: 3,
		Noise:     DefaultNoise(),
		Plants:    DefaultPlants(),
	}
}

// minPlantDuration is the shortest scenario that fits planted events.
const minPlantDuration = 16 * time.Hour

func (c Config) normalize() (Config, error) {
	if c.Region == (Region{}) {
		c.Region = DefaultRegion()
	}
	if c.Format == "" {
		c.Format = "nmea"
	}
	if c.Subsample < 1 {
		c.Subsample = 1
	}
	if c.Start.IsZero() {
		c.Start = Demo().Start
	}
	c.Start = c.Start.UTC()
	switch {
	case c.Format != "nmea" && c.Format != "csv":
		return c, fmt.Errorf("simulate: format %q: want nmea or csv", c.Format)
	case c.Vessels < 0:
		return c, fmt.Errorf("simulate: vessels %d: must not be negative", c.Vessels)
	case c.Duration <= 0:
		return c, fmt.Errorf("simulate: duration %v: must be positive", c.Duration)
	case !(c.Region.MinLatDeg < c.Region.MaxLatDeg && c.Region.MinLonDeg < c.Region.MaxLonDeg && // false for NaN too
		c.Region.MinLatDeg >= -80 && c.Region.MaxLatDeg <= 80 && c.Region.MinLonDeg >= -180 && c.Region.MaxLonDeg <= 180):
		return c, fmt.Errorf("simulate: region %+v: want min < max within ±80° latitude, ±180° longitude", c.Region)
	case c.Plants != (Plants{}) && c.Duration < minPlantDuration:
		return c, fmt.Errorf("simulate: duration %v too short for planted events (need %v)", c.Duration, minPlantDuration)
	}
	return c, nil
}

// vessel is one simulated ship: who it says it is, where it goes, when it is silent.
type vessel struct {
	id     identity
	tr     track
	dark   [][2]int64 // silent spans (unix ms), sorted
	fromMs int64      // reporting window, clipped to the scenario
	toMs   int64
}

// silentUntil returns the end of the dark span containing tMs, or 0.
func (v *vessel) silentUntil(tMs int64) int64 {
	for _, d := range v.dark {
		if tMs >= d[0] && tMs < d[1] {
			return d[1]
		}
	}
	return 0
}

// Reporting intervals (ITU-R M.1371-5 Table 1 and 2), in ms before subsampling.
const (
	staticEveryMs = 6 * 60_000
	anchoredMs    = 3 * 60_000
	classBSlowMs  = 3 * 60_000
	classBMs      = 30_000
)

// interval is the time to a vessel's next position report.
func interval(classB bool, f fix) int64 {
	if classB {
		if f.sogKn > 2 {
			return classBMs
		}
		return classBSlowMs
	}
	switch {
	case (f.status == 1 || f.status == 5) && f.sogKn < 3:
		return anchoredMs
	case f.sogKn > 23:
		return 2_000
	case f.sogKn > 14:
		return 6_000
	}
	return 10_000
}

// report is a scheduled message: a vessel's next position or static report.
type report struct {
	tMs    int64
	v      int32
	static bool
}

// schedule is a min-heap of reports by time, then vessel, positions first.
type schedule []report

func (s schedule) Len() int { return len(s) }
func (s schedule) Less(i, j int) bool {
	a, b := s[i], s[j]
	if a.tMs != b.tMs {
		return a.tMs < b.tMs
	}
	if a.v != b.v {
		return a.v < b.v
	}
	return !a.static && b.static
}
func (s schedule) Swap(i, j int) { s[i], s[j] = s[j], s[i] }
func (s *schedule) Push(x any)   { *s = append(*s, x.(report)) }
func (s *schedule) Pop() any {
	old := *s
	r := old[len(old)-1]
	*s = old[:len(old)-1]
	return r
}

// sink writes reports in one output format.
type sink interface {
	position(tMs int64, v *vessel, f fix) error
	static(tMs int64, v *vessel, f fix) error
	flush() error
}

// Generate writes the scenario to w in time order and returns what it planted.
func Generate(cfg Config, w io.Writer) (Truth, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return Truth{}, err
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5EED_57_5))
	sc := newScenario(cfg, rng)
	if err := sc.build(); err != nil {
		return Truth{}, err
	}
	truth := &sc.truth
	var out sink
	if cfg.Format == "csv" {
		out, err = newCSVSink(w, rng, truth)
	} else {
		out = newNMEASink(w, cfg, rng, truth)
	}
	if err != nil {
		return Truth{}, err
	}
	if err := run(cfg, rng, sc.vessels, out); err != nil {
		return Truth{}, err
	}
	if err := out.flush(); err != nil {
		return Truth{}, fmt.Errorf("simulate: write: %w", err)
	}
	return *truth, nil
}

// run pops reports in time order and hands them to the sink.
func run(cfg Config, rng *rand.Rand, vessels []*vessel, out sink) error {
	sub := int64(cfg.Subsample)
	jitter := func(ms int64) int64 { return ms*sub*9/10 + rng.Int64N(ms*sub/5+1) }
	h := make(schedule, 0, 2*len(vessels))
	for i, v := range vessels {
		if v.fromMs > v.toMs {
			continue
		}
		first := interval(v.id.classB, v.tr.at(v.fromMs)) * sub
		h = append(h, report{tMs: v.fromMs + rng.Int64N(first), v: int32(i)},
			report{tMs: v.fromMs + rng.Int64N(staticEveryMs*sub), v: int32(i), static: true})
	}
	heap.Init(&h)
	for h.Len() > 0 {
		r := &h[0]
		v := vessels[r.v]
		if r.tMs > v.toMs {
			heap.Pop(&h)
			continue
		}
		if until := v.silentUntil(r.tMs); until != 0 {
			r.tMs = until + rng.Int64N(10_000)
			heap.Fix(&h, 0)
			continue
		}
		f := v.tr.at(r.tMs)
		var err error
		if r.static {
			err = out.static(r.tMs, v, f)
			r.tMs += jitter(staticEveryMs)
		} else {
			err = out.position(r.tMs, v, f)
			r.tMs += jitter(interval(v.id.classB, f))
		}
		if err != nil {
			return fmt.Errorf("simulate: write: %w", err)
		}
		heap.Fix(&h, 0)
	}
	return nil
}

// errNoSite says the region had no room for another planted event.
var errNoSite = errors.New("simulate: no room for another planted event in the region")
