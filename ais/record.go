// Package ais reads AIS archives and feeds (NMEA with tag blocks and other time
// dialects, decoded CSV and Parquet, plain or compressed) and decodes them into
// compact, timed records.
package ais

import "time"

// Kind says which part of a Record is filled.
type Kind uint8

// The record kinds.
const (
	KindPosition Kind = iota + 1 // types 1, 2, 3, 18, 19, 27 and position rows of decoded archives
	KindStatic                   // types 5, 19, 24 A/B and static columns of decoded archives
)

// Class is the AIS transceiver class.
type Class uint8

// The transceiver classes.
const (
	ClassUnknown Class = iota
	ClassA
	ClassB
)

// String returns "A", "B" or "".
func (c Class) String() string {
	switch c {
	case ClassA:
		return "A"
	case ClassB:
		return "B"
	}
	return ""
}

// Has is a set of bits saying which optional values a record carries.
// AIS "not available" values (lat 91, lon 181, SOG 102.3, COG 360, heading 511)
// leave their bit clear instead of being stored as numbers.
type Has uint16

// The optional values.
const (
	HasTime Has = 1 << iota
	HasLatLon
	HasSOG
	HasCOG
	HasHeading
	HasNavStatus
	HasIMO
	HasName
	HasCallsign
	HasShipType
	HasDims // ToBow, ToStern, ToPort, ToStarboard
	HasDraught
	HasDestination
)

// Position is the kinematic part of a position report.
type Position struct {
	LatDeg     float64
	LonDeg     float64
	SOGKn      float32
	COGDeg     float32
	HeadingDeg uint16
	NavStatus  uint8
	Accuracy   bool // true: high (<10 m)
}

// Static is the identity part of a static / voyage report.
type Static struct {
	IMO          uint32
	Name         string
	Callsign     string
	Destination  string
	ShipType     uint8
	ToBowM       uint16
	ToSternM     uint16
	ToPortM      uint16
	ToStarboardM uint16
	DraughtM     float32
	Part         byte // type 24: 'A' or 'B'; 0 otherwise
}

// LengthM is the hull length from the antenna offsets, 0 when unknown.
func (s Static) LengthM() int { return int(s.ToBowM) + int(s.ToSternM) }

// WidthM is the beam from the antenna offsets, 0 when unknown.
func (s Static) WidthM() int { return int(s.ToPortM) + int(s.ToStarboardM) }

// Record is one decoded message or archive row: a value type, passed by value.
type Record struct {
	Kind   Kind
	Type   uint8 // AIS message number 1-27; 0 for rows of decoded archives
	MMSI   uint32
	Class  Class
	Has    Has
	Time   time.Time // event time (UTC); valid when Has&HasTime != 0
	Source string    // receiver or feed (tag block s:, station, file); interned, not allocated per record
	Pos    Position  // valid when Kind == KindPosition
	Static Static    // valid when Kind == KindStatic
}
