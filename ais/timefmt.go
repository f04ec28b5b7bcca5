package ais

import (
	"bytes"
	"time"
)

// isoLayouts are the ISO-8601 forms accepted before a sentence; times without a zone are UTC.
var isoLayouts = [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

// parseLeadingTime reads the time some archives put before the sentence:
// a unix time (s, ms, µs or ns) or an ISO-8601 time, followed by a space, comma, semicolon or tab.
func parseLeadingTime(b []byte) (time.Time, bool) {
	b = bytes.Trim(b, " \t,;")
	if len(b) == 0 {
		return time.Time{}, false
	}
	if t, ok := parseUnix(b); ok {
		return t, true
	}
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, string(b)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseTrailer reads what USCG-style archives append after the checksum:
// ",rSTATION" or ",bSTATION" names the receiver, and the first bare unix time is
// the receiver's time (later numbers are ignored); other fields (d-109, S2105,
// t050056.00, T56.13) are passed over.
func parseTrailer(b []byte, s *sentence) Reason {
	timed := false
	for len(b) > 0 {
		if b[0] != ',' {
			return BadField
		}
		b = b[1:]
		f := b
		if i := bytes.IndexByte(b, ','); i >= 0 {
			f, b = b[:i], b[i:]
		} else {
			b = nil
		}
		if len(f) == 0 {
			continue
		}
		switch c := f[0]; {
		case (c == 'r' || c == 'b') && len(f) > 1:
			if s.source == nil {
				s.source = f
			}
		case c >= '0' && c <= '9':
			if timed {
				continue
			}
			t, ok := parseUnix(f)
			if !ok {
				return BadField
			}
			timed = true
			if !s.hasTime {
				s.time, s.hasTime = t, true
			}
		}
	}
	return ""
}

// parsePGHP reads the fields of a Gatehouse $PGHP,1,year,month,day,hour,minute,second,millisecond,... line.
func parsePGHP(f []byte) (time.Time, bool) {
	var v [8]int
	for i := range v {
		j := bytes.IndexByte(f, ',')
		if j < 0 {
			return time.Time{}, false
		}
		n, ok := parseUint(f[:j])
		if !ok || n > 9999 {
			return time.Time{}, false
		}
		v[i], f = int(n), f[j+1:]
	}
	if v[0] != 1 || v[2] < 1 || v[2] > 12 || v[3] < 1 || v[3] > 31 || v[4] > 23 || v[5] > 59 || v[6] > 60 || v[7] > 999 {
		return time.Time{}, false
	}
	return time.Date(v[1], time.Month(v[2]), v[3], v[4], v[5], v[6], v[7]*int(time.Millisecond), time.UTC), true
}
