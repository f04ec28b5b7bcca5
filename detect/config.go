package detect

import "time"

// Config holds every threshold of the detectors. DefaultConfig gives the
// documented defaults; a YAML file (LoadConfig) overrides any subset.
type Config struct {
	Track     TrackConfig     `yaml:"track"`
	Encounter EncounterConfig `yaml:"encounter"`
	Loiter    LoiterConfig    `yaml:"loitering"`
	Gap       GapConfig       `yaml:"gap"`
	Rules     Rules           `yaml:"rules"`
}

// TrackConfig governs reordering, cleaning and interpolation of fixes.
type TrackConfig struct {
	Lateness          time.Duration `yaml:"lateness"`             // out-of-order tolerance; later records are dropped (10m)
	MaxImpliedSpeedKn float64       `yaml:"max_implied_speed_kn"` // a single fix implying more is an outlier (50)
	Step              time.Duration `yaml:"step"`                 // detector time step (10m, as GFW)
	MaxInterpGap      time.Duration `yaml:"max_interp_gap"`       // never interpolate across a longer gap (1h)
	MaxExtrapolation  time.Duration `yaml:"max_extrapolation"`    // at most this far past the last fix (15m)
	EvidencePadding   time.Duration `yaml:"evidence_padding"`     // track kept either side of an event (2h)
}

// EncounterConfig is the ship-to-ship encounter rule (GFW's published defaults).
type EncounterConfig struct {
	MaxDistanceM  float64       `yaml:"max_distance_m"`  // 500
	MaxSpeedKn    float64       `yaml:"max_speed_kn"`    // median speed of each vessel, 2
	MinDuration   time.Duration `yaml:"min_duration"`    // 2h
	MergeGap      time.Duration `yaml:"merge_gap"`       // the same pair again within this merges (4h)
	PortDistanceM float64       `yaml:"port_distance_m"` // excluded within this of a port point (10 km)
	// EarlyOngoing sends the ongoing record as soon as the final fixes settle
	// that a run passes MinDuration, up to MaxInterpGap before the step that
	// confirms it (true): the live alert comes at most about 30 min of event
	// time after the meeting passes MinDuration instead of about 1 h 10 min.
	EarlyOngoing bool `yaml:"early_ongoing"`
}

// LoiterConfig is the single-vessel loitering rule.
type LoiterConfig struct {
	MaxSpeedKn    float64       `yaml:"max_speed_kn"`    // 2
	MinDuration   time.Duration `yaml:"min_duration"`    // 4h
	AwayFromPorts bool          `yaml:"away_from_ports"` // only report away from ports (true)
}

// GapConfig is the "going dark" rule.
type GapConfig struct {
	MinDuration     time.Duration `yaml:"min_duration"`      // 6h
	CoverageRadiusM float64       `yaml:"coverage_radius_m"` // others heard within this meanwhile (50 km)
}

// DefaultConfig returns the documented defaults: GFW's published encounter
// definition (500 m, 2 kn, 2 h, merged within 4 h, 10 km from ports) on a
// 10-minute step, loitering at 2 kn for 4 h, gaps of 6 h with 50 km coverage.
// The step is GFW's 10 minutes: a 5-minute step halves the error on start and
// end but doubles the per-step work over every active vessel, and the 2-hour
// minimum duration already spans 12 steps.
func DefaultConfig() Config {
	return Config{
		Track: TrackConfig{
			Lateness:          10 * time.Minute,
			MaxImpliedSpeedKn: 50,
			Step:              10 * time.Minute,
			MaxInterpGap:      time.Hour,
			MaxExtrapolation:  15 * time.Minute,
			EvidencePadding:   2 * time.Hour,
		},
		Encounter: EncounterConfig{MaxDistanceM: 500, MaxSpeedKn: 2, MinDuration: 2 * time.Hour, MergeGap: 4 * time.Hour, PortDistanceM: 10_000, EarlyOngoing: true},
		Loiter:    LoiterConfig{MaxSpeedKn: 2, MinDuration: 4 * time.Hour, AwayFromPorts: true},
		Gap:       GapConfig{MinDuration: 6 * time.Hour, CoverageRadiusM: 50_000},
		Rules:     DefaultRules(),
	}
}
