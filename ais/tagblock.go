package ais

import (
	"bytes"
	"math"
	"time"
)

// parseTagBlock reads an NMEA 4.10 tag block (the text between the backslashes):
// comma-separated k:v fields and a *hh checksum over them. It fills the
// sentence's source (s:), time (c:, seconds or milliseconds) and group (g:).
//
// Kystverket's feed (kystverket/Ais1000Lines.nm4) puts a g: field in front of
// a tag block already summed, without summing it again: \g:1-2-9999,c:1565218798*53\
// carries the checksum of "c:1565218798" alone. Such a block is accepted with
// s.groupUnsummed set, so that the caller can check the g: field against the
// sentence's own (summed) fragment fields; any other checksum mismatch is a reject.
func parseTagBlock(tb []byte, s *sentence) Reason {
	star := bytes.LastIndexByte(tb, '*')
	if star >= 0 {
		if len(tb) != star+3 {
			return BadChecksum
		}
		want, ok := parseHex2(tb[star+1:])
		if !ok {
			return BadChecksum
		}
		if sum := xorBytes(tb[:star]); sum != want {
			comma := bytes.IndexByte(tb[:star], ',')
			if !bytes.HasPrefix(tb, []byte("g:")) || comma < 0 || sum^xorBytes(tb[:comma+1]) != want {
				return BadChecksum
			}
			s.groupUnsummed = true
		}
		tb = tb[:star]
	}
	for len(tb) > 0 {
		var f []byte
		if i := bytes.IndexByte(tb, ','); i >= 0 {
			f, tb = tb[:i], tb[i+1:]
		} else {
			f, tb = tb, nil
		}
		if len(f) < 2 || f[1] != ':' {
			if len(f) > 0 && bytes.IndexByte(f, ':') < 0 {
				return BadField
			}
			continue // multi-letter keys such as DMA's si: carry nothing we use
		}
		v := f[2:]
		switch f[0] {
		case 's':
			if len(v) > 0 {
				s.source = v
			}
		case 'c':
			t, ok := parseUnix(v)
			if !ok {
				return BadField
			}
			s.time, s.hasTime = t, true
		case 'g':
			g, ok := parseGroup(v)
			if !ok {
				return BadField
			}
			s.group = g
		}
	}
	return ""
}

// parseGroup reads a g: value "num-count-id".
func parseGroup(v []byte) (groupTag, bool) {
	a := bytes.IndexByte(v, '-')
	if a < 0 {
		return groupTag{}, false
	}
	b := bytes.IndexByte(v[a+1:], '-')
	if b < 0 {
		return groupTag{}, false
	}
	num, ok1 := parseUint(v[:a])
	count, ok2 := parseUint(v[a+1 : a+1+b])
	id, ok3 := parseUint(v[a+2+b:])
	if !ok1 || !ok2 || !ok3 || num < 1 || count < 1 || num > count || count > 9 || id > 1<<32-1 {
		return groupTag{}, false
	}
	return groupTag{num: uint8(num), count: uint8(count), id: uint32(id), ok: true}, true
}

// parseUint reads a decimal number of at most 19 digits.
func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// parseUnix reads a unix time in seconds (optionally with a fraction),
// milliseconds, microseconds or nanoseconds, told apart by magnitude.
func parseUnix(b []byte) (time.Time, bool) {
	frac := []byte(nil)
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		b, frac = b[:i], b[i+1:]
	}
	n, ok := parseUint(b)
	if !ok || n > math.MaxInt64 {
		return time.Time{}, false
	}
	var t time.Time
	switch {
	case n < 1e11: // seconds: until year 5138
		var ns uint64
		if len(frac) > 9 {
			frac = frac[:9]
		}
		if len(frac) > 0 {
			f, ok := parseUint(frac)
			if !ok {
				return time.Time{}, false
			}
			ns = f
			for i := len(frac); i < 9; i++ {
				ns *= 10
			}
		}
		t = time.Unix(int64(n), int64(ns))
	case frac != nil:
		return time.Time{}, false
	case n < 1e14:
		t = time.UnixMilli(int64(n))
	case n < 1e17:
		t = time.UnixMicro(int64(n))
	default:
		t = time.Unix(0, int64(n))
	}
	return t.UTC(), true
}
