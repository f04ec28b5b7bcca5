package detect

import "time"

// DefaultConfig is a temporary stand-in until the detector core lands its own.
func DefaultConfig() Config {
	return Config{
		Track: TrackConfig{
			Lateness: 10 * time.Minute, MaxImpliedSpeedKn: 50, Step: 10 * time.Minute,
			MaxInterpGap: time.Hour, MaxExtrapolation: 15 * time.Minute, EvidencePadding: 2 * time.Hour,
		},
		Encounter: EncounterConfig{MaxDistanceM: 500, MaxSpeedKn: 2, MinDuration: 2 * time.Hour, MergeGap: 4 * time.Hour, PortDistanceM: 10000},
		Loiter:    LoiterConfig{MaxSpeedKn: 2, MinDuration: 4 * time.Hour, AwayFromPorts: true},
		Gap:       GapConfig{MinDuration: 6 * time.Hour, CoverageRadiusM: 50000},
		Rules:     DefaultRules(),
	}
}
