package ais

import (
	"strings"

	goais "github.com/BertoldVdb/go-ais"
)

// wanted says which AIS message types become records; the others are counted and passed over.
var wanted = [64]bool{1: true, 2: true, 3: true, 5: true, 18: true, 19: true, 24: true, 27: true}

// payloadDecoder turns assembled armoured payloads into records: the hand-written
// fast path for position reports, go-ais for the rest. It is not safe for concurrent use.
type payloadDecoder struct {
	codec *goais.Codec
	bits  []byte // one byte per bit, as go-ais wants it; reused
}

// newPayloadDecoder returns a decoder with go-ais set up as the issue measured fastest.
func newPayloadDecoder() *payloadDecoder {
	return &payloadDecoder{codec: goais.CodecNewFast(false, false, true)}
}

// decode decodes one complete payload into dst and returns how many records it
// made (type 19 makes a position and a static record: dst must hold 2 for it). n == 0 with reason ""
// means a valid type that stswatch passes over.
func (d *payloadDecoder) decode(payload []byte, fill uint8, dst []Record) (n int, typ uint8, reason Reason) {
	typ = msgType(payload)
	if typ >= 64 {
		return 0, typ, BadPayload
	}
	if !wanted[typ] {
		return 0, typ, ""
	}
	if handled, ok := decodeFast(payload, fill, &dst[0]); handled {
		if !ok {
			return 0, typ, BadPayload
		}
		return 1, typ, ""
	}
	return d.decodeGoAIS(payload, fill, dst)
}

// decodeGoAIS decodes a payload through go-ais.
func (d *payloadDecoder) decodeGoAIS(payload []byte, fill uint8, dst []Record) (n int, typ uint8, reason Reason) {
	typ = msgType(payload)
	nbits := len(payload)*6 - int(fill)
	if nbits < 0 {
		return 0, typ, BadPayload
	}
	d.bits = d.bits[:0]
	for _, c := range payload {
		v := sixBit[c]
		if v == 0xFF {
			return 0, typ, BadPayload
		}
		for i := 5; i >= 0; i-- {
			d.bits = append(d.bits, v>>uint(i)&1)
		}
	}
	p := d.codec.DecodePacket(d.bits[:nbits])
	if p == nil {
		return 0, typ, BadPayload
	}
	n = fromPacket(p, dst)
	if n == 0 && wanted[typ] {
		return 0, typ, BadPayload
	}
	return n, typ, ""
}

// fromPacket maps a go-ais packet to records.
func fromPacket(p goais.Packet, dst []Record) int {
	h := p.GetHeader()
	base := Record{Type: h.MessageID, MMSI: h.UserID}
	switch m := p.(type) {
	case goais.PositionReport:
		r := base
		r.Kind, r.Class = KindPosition, ClassA
		r.Pos.NavStatus = m.NavigationalStatus
		r.Has |= HasNavStatus
		setKinematics(&r, float64(m.Sog), m.PositionAccuracy, float64(m.Latitude), float64(m.Longitude), float64(m.Cog), m.TrueHeading)
		dst[0] = r
		return 1
	case goais.StandardClassBPositionReport:
		r := base
		r.Kind, r.Class = KindPosition, ClassB
		setKinematics(&r, float64(m.Sog), m.PositionAccuracy, float64(m.Latitude), float64(m.Longitude), float64(m.Cog), m.TrueHeading)
		dst[0] = r
		return 1
	case goais.ExtendedClassBPositionReport:
		r := base
		r.Kind, r.Class = KindPosition, ClassB
		setKinematics(&r, float64(m.Sog), m.PositionAccuracy, float64(m.Latitude), float64(m.Longitude), float64(m.Cog), m.TrueHeading)
		dst[0] = r
		s := base
		s.Kind, s.Class = KindStatic, ClassB
		setName(&s, m.Name)
		setShipType(&s, m.Type)
		setDims(&s, m.Dimension.A, m.Dimension.B, uint16(m.Dimension.C), uint16(m.Dimension.D))
		dst[1] = s
		return 2
	case goais.LongRangeAisBroadcastMessage:
		r := base
		r.Kind, r.Class = KindPosition, ClassA
		r.Pos.Accuracy = m.PositionAccuracy
		r.Pos.NavStatus = m.NavigationalStatus
		r.Has |= HasNavStatus
		setLatLon(&r, float64(m.Latitude), float64(m.Longitude))
		setSOG27(&r, m.Sog)
		setCOG(&r, float64(m.Cog))
		dst[0] = r
		return 1
	case goais.ShipStaticData:
		s := base
		s.Kind, s.Class = KindStatic, ClassA
		setStatic(&s, &s.Static.IMO, HasIMO, m.ImoNumber)
		setCallsign(&s, m.CallSign)
		setName(&s, m.Name)
		setShipType(&s, m.Type)
		setDims(&s, m.Dimension.A, m.Dimension.B, uint16(m.Dimension.C), uint16(m.Dimension.D))
		setStatic(&s, &s.Static.DraughtM, HasDraught, float32(m.MaximumStaticDraught))
		setStatic(&s, &s.Static.Destination, HasDestination, cleanText(m.Destination))
		dst[0] = s
		return 1
	case goais.StaticDataReport:
		s := base
		s.Kind, s.Class = KindStatic, ClassB
		if !m.PartNumber {
			s.Static.Part = 'A'
			setName(&s, m.ReportA.Name)
		} else {
			s.Static.Part = 'B'
			setShipType(&s, m.ReportB.ShipType)
			setCallsign(&s, m.ReportB.CallSign)
			if KindOf(h.UserID) != MMSICraftAssociated { // an auxiliary craft's dimension bits hold its mother ship's MMSI
				setDims(&s, m.ReportB.Dimension.A, m.ReportB.Dimension.B, uint16(m.ReportB.Dimension.C), uint16(m.ReportB.Dimension.D))
			}
		}
		dst[0] = s
		return 1
	}
	return 0
}

// setKinematics sets the fields common to position reports 1, 2, 3, 18 and 19.
func setKinematics(r *Record, sogKn float64, accuracy bool, latDeg, lonDeg, cogDeg float64, headingDeg uint16) {
	setSOG(r, sogKn)
	r.Pos.Accuracy = accuracy
	setLatLon(r, latDeg, lonDeg)
	setCOG(r, cogDeg)
	setHeading(r, headingDeg)
}

// setLatLon keeps a position only when it is available and on the globe (lat 91 and lon 181 mean "not available").
func setLatLon(r *Record, latDeg, lonDeg float64) {
	if latDeg < -90 || latDeg > 90 || lonDeg < -180 || lonDeg > 180 {
		return
	}
	r.Pos.LatDeg, r.Pos.LonDeg = latDeg, lonDeg
	r.Has |= HasLatLon
}

// setSOG keeps a speed over ground unless it is 102.3 kn, "not available".
func setSOG(r *Record, sogKn float64) {
	if sogKn > 102.25 {
		return
	}
	r.Pos.SOGKn = float32(sogKn)
	r.Has |= HasSOG
}

// setSOG27 keeps a type 27 speed (whole knots) unless it is 63, "not available".
func setSOG27(r *Record, sogKn uint8) {
	if sogKn < 63 {
		setSOG(r, float64(sogKn))
	}
}

// setCOG keeps a course over ground below 360°; 360 (511 in type 27) means "not available".
func setCOG(r *Record, cogDeg float64) {
	if cogDeg >= 360 {
		return
	}
	r.Pos.COGDeg = float32(cogDeg)
	r.Has |= HasCOG
}

// setHeading keeps a true heading below 360°; 511 means "not available".
func setHeading(r *Record, headingDeg uint16) {
	if headingDeg >= 360 {
		return
	}
	r.Pos.HeadingDeg = headingDeg
	r.Has |= HasHeading
}

// setName keeps a name, cleaned of its '@' padding and trailing spaces, unless it is empty.
func setName(r *Record, name string) { setStatic(r, &r.Static.Name, HasName, cleanText(name)) }

// setCallsign keeps a call sign, cleaned of its '@' padding and trailing spaces, unless it is empty.
func setCallsign(r *Record, cs string) { setStatic(r, &r.Static.Callsign, HasCallsign, cleanText(cs)) }

// setShipType keeps a ship type unless it is 0, "not available".
func setShipType(r *Record, t uint8) { setStatic(r, &r.Static.ShipType, HasShipType, t) }

// setStatic keeps a static field unless it is zero or empty, AIS's "not available";
// text comes already cleaned of its '@' padding and trailing spaces (cleanText).
func setStatic[T comparable](r *Record, dst *T, bit Has, v T) {
	var zero T
	if v != zero {
		*dst = v
		r.Has |= bit
	}
}

// setDims keeps the antenna offsets (bow, stern, port, starboard) unless all are 0, "not available".
func setDims(r *Record, bowM, sternM, portM, starboardM uint16) {
	if bowM == 0 && sternM == 0 && portM == 0 && starboardM == 0 {
		return
	}
	r.Static.ToBowM, r.Static.ToSternM, r.Static.ToPortM, r.Static.ToStarboardM = bowM, sternM, portM, starboardM
	r.Has |= HasDims
}

// cleanText drops the trailing '@' padding and spaces of an AIS text field.
func cleanText(s string) string { return strings.TrimRight(s, "@ ") }
