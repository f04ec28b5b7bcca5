package simulate

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// The kinds of planted events and decoys in a Truth.
const (
	KindTransferKPCN      = "transfer-kp-cn"     // DPRK ship alongside a Chinese barge: encounter, alert
	KindTransferOther     = "transfer-other"     // other flags alongside: encounter, no alert
	KindTransferWatchlist = "transfer-watchlist" // watch-listed IMO under a foreign MMSI with a Chinese barge: encounter, alert
	KindDarkMeeting       = "dark-meeting"       // a ship silent around its meeting with a barge: gap
	KindLoiter            = "loiter"             // one ship drifting alone: loitering
	KindDecoyConvoy       = "decoy-convoy"       // two ships at speed 300 m apart: nothing
	KindDecoyBrief        = "decoy-brief"        // a 30-40 min meeting: nothing
	KindDecoySlowPair     = "decoy-slow-pair"    // two slow ships 1-2 km apart: nothing
	KindDecoyAnchor       = "decoy-anchor"       // two ships at anchor in a port: nothing when the ports file is used
	KindDecoyCrossing     = "decoy-crossing"     // two ships crossing at speed: nothing
	KindDecoySharedMMSI   = "decoy-shared-mmsi"  // two ships far apart on one MMSI: identity anomaly, no encounter
)

// Planted is one planted event or decoy: what happened, who, when and where.
type Planted struct {
	Kind   string    `json:"kind"`
	MMSIs  []uint32  `json:"mmsis"` // the vessels involved; for a dark meeting the silent one first
	Start  time.Time `json:"start"` // meeting (or loiter, or gap) start
	End    time.Time `json:"end"`
	LatDeg float64   `json:"lat"` // meeting place; for a gap where the vessel went dark
	LonDeg float64   `json:"lon"`

	EndLatDeg   float64 `json:"end_lat,omitempty"` // gaps: where the vessel reappeared
	EndLonDeg   float64 `json:"end_lon,omitempty"`
	SeparationM float64 `json:"separation_m,omitempty"` // planned distance between the two vessels

	ExpectEncounter bool `json:"expect_encounter"`
	ExpectAlert     bool `json:"expect_alert"`
	ExpectGap       bool `json:"expect_gap"`
	ExpectLoiter    bool `json:"expect_loitering"`
}

// WatchEntry is one watch-list row.
type WatchEntry struct {
	IMO  uint32 `json:"imo"`
	MMSI uint32 `json:"mmsi,omitempty"` // a former MMSI, not the one the ship now uses
	Name string `json:"name"`
}

// Port is one port or anchorage point the scenario uses.
type Port struct {
	Name   string  `json:"name"`
	LatDeg float64 `json:"lat"`
	LonDeg float64 `json:"lon"`
}

// NoiseCounts says how many messages each kind of noise touched.
type NoiseCounts struct {
	BadChecksum int64 `json:"bad_checksum"` // lines whose checksum was spoilt (message lost)
	Truncated   int64 `json:"truncated"`    // lines cut short (message lost)
	Duplicates  int64 `json:"duplicates"`   // messages heard again by a second receiver
	Reordered   int64 `json:"reordered"`    // messages delayed behind later ones
	Interleaved int64 `json:"interleaved"`  // multipart messages split by another message
}

// Expected counts what a correct detector finds.
type Expected struct {
	Encounters int `json:"encounters"`
	Alerts     int `json:"alerts"`
	Gaps       int `json:"gaps"`
	Loitering  int `json:"loitering"`
}

// Truth is what a scenario planted: the answer key for end-to-end tests.
type Truth struct {
	Seed      int64        `json:"seed"`
	Start     time.Time    `json:"start"`
	End       time.Time    `json:"end"`
	Format    string       `json:"format"`
	Vessels   int          `json:"vessels"`  // ships simulated (background and planted)
	Messages  int64        `json:"messages"` // AIS messages generated, before noise
	Lines     int64        `json:"lines"`    // lines written, noise included
	Events    []Planted    `json:"events"`
	Decoys    []Planted    `json:"decoys"`
	Expected  Expected     `json:"expected"`
	Watchlist []WatchEntry `json:"watchlist"`
	Ports     []Port       `json:"ports,omitempty"`
	Noise     NoiseCounts  `json:"noise"`
}

// WriteJSON writes the truth as indented JSON.
func (t *Truth) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return fmt.Errorf("simulate: write truth: %w", err)
	}
	return nil
}

// WriteWatchlist writes the watch list as CSV with imo, mmsi and name columns,
// the form detect.LoadWatchlist reads.
func (t *Truth) WriteWatchlist(w io.Writer) error {
	rows := [][]string{{"imo", "mmsi", "name"}}
	for _, e := range t.Watchlist {
		mmsi := ""
		if e.MMSI != 0 {
			mmsi = strconv.FormatUint(uint64(e.MMSI), 10)
		}
		rows = append(rows, []string{strconv.FormatUint(uint64(e.IMO), 10), mmsi, e.Name})
	}
	return writeCSV(w, rows, "watch list")
}

// WritePorts writes the scenario's ports as CSV with name, latitude and longitude
// columns, the form geo.LoadPorts reads.
func (t *Truth) WritePorts(w io.Writer) error {
	rows := [][]string{{"name", "latitude", "longitude"}}
	for _, p := range t.Ports {
		rows = append(rows, []string{p.Name, strconv.FormatFloat(p.LatDeg, 'f', 5, 64), strconv.FormatFloat(p.LonDeg, 'f', 5, 64)})
	}
	return writeCSV(w, rows, "ports")
}

func writeCSV(w io.Writer, rows [][]string, what string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("simulate: write %s: %w", what, err)
	}
	return nil
}
