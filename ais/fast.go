package ais

import "encoding/binary"

// This file is the hand-written decoder of the hot message types (position
// reports 1, 2, 3, 18 and 27): a hot, measured path (see benchmarks/decode_test.go)
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

// bitBuf holds the first 168 bits of a payload packed into bytes, with room to read 8 bytes at any field.
type bitBuf [32]byte

// unpack packs the first chars characters of payload (a multiple of 4) into b.
// It reports false when any character of the whole payload is not valid armouring.
func (b *bitBuf) unpack(payload []byte, chars int) bool {
	bad := byte(0)
	for i := 0; i < chars; i += 4 {
		var v [4]byte
		for k := range v {
			if i+k < len(payload) {
				v[k] = sixBit[payload[i+k]]
			}
		}
		bad |= (v[0] | v[1] | v[2] | v[3]) & 0xC0
		w := uint32(v[0])<<18 | uint32(v[1])<<12 | uint32(v[2])<<6 | uint32(v[3])
		o := i / 4 * 3
		b[o], b[o+1], b[o+2] = byte(w>>16), byte(w>>8), byte(w)
	}
	for _, c := range payload[min(chars, len(payload)):] {
		bad |= sixBit[c] & 0xC0
	}
	return bad == 0
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

// decodeFast decodes a single-message payload of type 1, 2, 3, 18 or 27 into rec.
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
	default:
		return false, false
	}
	return true, true
}
