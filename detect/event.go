// Package detect turns a stream of AIS records into events: ship-to-ship
// encounters, loitering, AIS gaps and identity anomalies, each scored against
// rules. It works in event time with a watermark, so batch and live runs give
// the same events.
package detect

import "time"

// Event types and statuses: the values of Event.Type and Event.Status.
const (
	TypeEncounter = "encounter"
	TypeLoitering = "loitering"
	TypeGap       = "gap"
	TypeIdentity  = "identity"

	StatusOngoing = "ongoing"
	StatusClosed  = "closed"
)

// Vessel is one vessel's identity as known when the event was emitted.
type Vessel struct {
	MMSI     uint32 `json:"mmsi"`
	Flag     string `json:"flag,omitempty"` // ISO 3166 alpha-2 from the MID
	Name     string `json:"name,omitempty"`
	IMO      uint32 `json:"imo,omitempty"`
	Callsign string `json:"callsign,omitempty"`
	ShipType int    `json:"ship_type,omitempty"`
	Class    string `json:"class,omitempty"` // "A" or "B"
	LengthM  int    `json:"length_m,omitempty"`
}

// TrackPoint is one fix of a vessel's track kept as evidence with an event.
type TrackPoint struct {
	Time   time.Time `json:"t"`
	LatDeg float64   `json:"lat"`
	LonDeg float64   `json:"lon"`
	SOGKn  float64   `json:"sog"`
}

// Track is one vessel's fixes around an event (the event plus 2 h either side).
type Track struct {
	MMSI   uint32       `json:"mmsi"`
	Points []TrackPoint `json:"points"`
}

// Event is the record other tools read, one JSON object per line.
// Its field names are a contract: see README "Event schema".
type Event struct {
	ID        string    `json:"id"` // stable: hash of type, vessels and start
	Type      string    `json:"type"`
	Status    string    `json:"status"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	DurationS int64     `json:"duration_s"`
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	Vessels   []Vessel  `json:"vessels"`

	// Encounter statistics (loitering uses MedianSOGKn).
	MinDistanceM    *float64 `json:"min_distance_m,omitempty"`
	MedianDistanceM *float64 `json:"median_distance_m,omitempty"`
	MedianSOGKn     *float64 `json:"median_sog_kn,omitempty"`

	// Gap fields: where the vessel reappeared and what the gap implies.
	EndLat       *float64 `json:"end_lat,omitempty"`
	EndLon       *float64 `json:"end_lon,omitempty"`
	GapDistanceM *float64 `json:"gap_distance_m,omitempty"`
	ImpliedSOGKn *float64 `json:"implied_sog_kn,omitempty"`
	NearStart    []uint32 `json:"near_start,omitempty"` // MMSIs heard near where it went dark
	NearEnd      []uint32 `json:"near_end,omitempty"`   // MMSIs heard near where it reappeared

	// Identity fields.
	Anomaly string `json:"anomaly,omitempty"` // stable code, e.g. "imo-checksum", "mmsi-shared"
	Detail  string `json:"detail,omitempty"`  // human-readable explanation

	Alert   bool     `json:"alert"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`

	// Tracks are the evidence for map review (GeoJSON); not part of the JSON line.
	Tracks []Track `json:"-"`
}
