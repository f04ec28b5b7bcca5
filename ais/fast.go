package ais

import "encoding/binary"

// This file is the hand-written decoder of the hot message types (position
// reports 1, 2, 3, 18 and 27, and the multipart static report 5): a hot, measured path (see benchmarks/decode_test.go)
// that reads fields straight from the armoured payload through a lookup table
// and allocates nothing. Every other type goes through go-ais. A test checks it
// against go-ais field by field on all of ../shared/data and on fuzzed payloads.

// sixBit maps a payload character to its 6-bit value, 0xFF when the character
// is not valid armouring. Like go-nmea, '0'..'w' are accepted ('X'..'_' included).
var sixBit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for c := 48; c < 120; c++ {
		d := c - 48
		if d > 40 {
			d -= 8
		}
		t[c] = byte(d)
	}
	return t
}()

// msgType returns the AIS message number from the first payload character, 0xFF when invalid.
func msgType(payload []byte) uint8 {
	if len(payload) == 0 {
		return 0xFF
	}
	return sixBit[payload[0]]
}

// bitBuf holds the first 432 bits of a payload packed into bytes, with room to read 8 bytes at any field.
type bitBuf [64]byte

// unpack packs the first chars characters of payload into b. It reports false
// when any character of the whole payload is not valid armouring.
func (b *bitBuf) unpack(payload []byte, chars int) bool {
	n := min(chars, len(payload))
	var bad byte
	i, o := 0, 0
	for ; i+4 <= n; i, o = i+4, o+3 {
		v0, v1, v2, v3 := sixBit[payload[i]], sixBit[payload[i+1]], sixBit[payload[i+2]], sixBit[payload[i+3]]
		bad |= v0 | v1 | v2 | v3
		w := uint32(v0)<<18 | uint32(v1)<<12 | uint32(v2)<<6 | uint32(v3)
		b[o], b[o+1], b[o+2] = byte(w>>16), byte(w>>8), byte(w)
	}
	if i < n {
		var w uint32
		for k := 0; i+k < n; k++ {
			v := sixBit[payload[i+k]]
			bad |= v
			w |= uint32(v) << (18 - 6*k)
		}
		b[o], b[o+1], b[o+2] = byte(w>>16), byte(w>>8), byte(w)
	}
	for _, c := range payload[n:] {
		bad |= sixBit[c]
	}
	return bad&0xC0 == 0
}

// text reads an AIS 6-bit text field of chars characters at bit offset off,
// without its trailing '@' padding and spaces.
func (b *bitBuf) text(off uint, chars int) string {
	var buf [20]byte
	for i := range chars {
		c := byte(b.u(off+uint(6*i), 6))
		if c < 32 {
			c += 64
		}
		buf[i] = c
	}
	n := chars
	for n > 0 && (buf[n-1] == '@' || buf[n-1] == ' ') {
		n--
	}
	if n == 0 {
		return ""
	}
	return string(buf[:n])
}

// u reads an unsigned field of width bits (at most 32) at bit offset off.
func (b *bitBuf) u(off, width uint) uint32 {
	return uint32(binary.BigEndian.Uint64(b[off>>3:]) << (off & 7) >> (64 - width))
}

// s reads a two's-complement signed field of width bits at bit offset off.
func (b *bitBuf) s(off, width uint) int32 {
	return int32(int64(binary.BigEndian.Uint64(b[off>>3:])<<(off&7)) >> (64 - width))
}

// kinematics reads SOG, accuracy, lon, lat, COG and heading, which types 1, 2, 3
// and 18 lay out alike from bit off. The scaling is written as go-ais writes it,
// so both give the same float64 bits.
func (b *bitBuf) kinematics(rec *Record, off uint) {
	setKinematics(rec, float64(b.u(off, 10))/10, b.u(off+10, 1) == 1,
		float64(b.s(off+39, 27))/10000/60, float64(b.s(off+11, 28))/10000/60,
		float64(b.u(off+66, 12))/10, uint16(b.u(off+78, 9)))
}

// decodeFast decodes a payload of type 1, 2, 3, 5, 18 or 27 into rec.
// handled is false for other types (the caller uses go-ais); ok is false when
// go-ais would reject the payload too (bad characters, too short).
func decodeFast(payload []byte, fill uint8, rec *Record) (handled, ok bool) {
	typ := msgType(payload)
	bits := len(payload)*6 - int(fill)
	var b bitBuf
	switch typ {
	case 1, 2, 3:
		if bits < 168 || !b.unpack(payload, 28) {
			return true, false
		}
		*rec = Record{Kind: KindPosition, Type: typ, MMSI: b.u(8, 30), Class: ClassA}
		rec.Pos.NavStatus = uint8(b.u(38, 4))
		rec.Has |= HasNavStatus
		b.kinematics(rec, 50)
	case 18:
		if bits < 168 || !b.unpack(payload, 28) {
			return true, false
		}
		*rec = Record{Kind: KindPosition, Type: typ, MMSI: b.u(8, 30), Class: ClassB}
		b.kinematics(rec, 46)
	case 27:
		if bits < 96 || !b.unpack(payload, 16) {
			return true, false
		}
		*rec = Record{Kind: KindPosition, Type: typ, MMSI: b.u(8, 30), Class: ClassA}
		p := &rec.Pos
		p.Accuracy = b.u(38, 1) == 1
		p.NavStatus = uint8(b.u(40, 4))
		rec.Has |= HasNavStatus
		setLatLon(rec, float64(b.s(62, 17))/10/60, float64(b.s(44, 18))/10/60)
		setSOG27(rec, uint8(b.u(79, 6)))
		setCOG(rec, float64(b.u(85, 9)))
	case 5:
		if bits < 424 || !b.unpack(payload, 71) {
			return true, false
		}
		*rec = Record{Kind: KindStatic, Type: typ, MMSI: b.u(8, 30), Class: ClassA}
		setStatic(rec, &rec.Static.IMO, HasIMO, b.u(40, 30))
		setCallsign(rec, b.text(70, 7))
		setName(rec, b.text(112, 20))
		setShipType(rec, uint8(b.u(232, 8)))
		setDims(rec, uint16(b.u(240, 9)), uint16(b.u(249, 9)), uint16(b.u(258, 6)), uint16(b.u(264, 6)))
		setStatic(rec, &rec.Static.DraughtM, HasDraught, float32(float64(b.u(294, 8))/10))
		setStatic(rec, &rec.Static.Destination, HasDestination, b.text(302, 20))
	default:
		return false, false
	}
	return true, true
}
