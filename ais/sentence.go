package ais

import (
	"bytes"
	"encoding/binary"
	"time"
)

// lineKind says what a framed line is.
type lineKind uint8

// The line kinds.
const (
	lineSkip     lineKind = iota // blank, comment, or a tag block without a sentence
	lineSentence                 // an AIVDM/AIVDO sentence
	lineTime                     // a Gatehouse $PGHP line setting the time of the following sentences
	lineReject                   // a bad line; reason says why
)

// maxLineBytes is the longest line accepted; longer ones are rejected without being buffered.
const maxLineBytes = 4096

// sentence is one framed line: an AIVDM/AIVDO sentence with the time and source it carries.
// Slices point into the line.
type sentence struct {
	payload   []byte // armoured 6-bit payload
	source    []byte // tag block s: or USCG station; nil when the line names none
	time      time.Time
	hasTime   bool
	fill      uint8
	fragCount uint8
	fragNum   uint8
	seqID     int16 // -1 when empty
	channel   byte  // 0 when empty
	group     groupTag
	// groupUnsummed: the g: field lies outside the tag-block checksum (Kystverket);
	// it must then agree with the fragment fields. See parseTagBlock.
	groupUnsummed bool
	rest          []byte // another sentence after an escaped line end on the same line; nil when none
}

// escapedEOL is a line end written out as text, which some archives (dma_aislib/ais250.txt) have between sentences.
var escapedEOL = []byte(`\r\n`)

// groupTag is a tag block g: field: sentence num of count in group id.
type groupTag struct {
	num, count uint8
	id         uint32
	ok         bool
}

// frameLine splits one line (without its line end) into a sentence, a time line,
// a line to skip or a reject. It allocates nothing for sentences.
func frameLine(line []byte, s *sentence) (lineKind, Reason) {
	*s = sentence{seqID: -1}
	for len(line) > 0 && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	if len(line) == 0 || line[0] == '#' {
		return lineSkip, ""
	}
	if isBinary(line) {
		return lineReject, Binary
	}
	if line[0] == '\\' {
		end := bytes.IndexByte(line[1:], '\\')
		if end < 0 {
			return lineReject, Truncated
		}
		if r := parseTagBlock(line[1:1+end], s); r != "" {
			return lineReject, r
		}
		line = line[2+end:]
		if len(line) == 0 {
			return lineSkip, ""
		}
	}
	start := sentenceStart(line)
	if start < 0 {
		return lineReject, UnknownSentence
	}
	if start > 0 {
		t, ok := parseLeadingTime(line[:start])
		if !ok && !sentenceShaped(line[start:]) {
			return lineReject, UnknownSentence // text with a '!' or '$' in it
		}
		if !ok {
			return lineReject, BadField
		}
		if !s.hasTime {
			s.time, s.hasTime = t, true
		}
	}
	line = line[start:]
	star := bytes.IndexByte(line, '*')
	if star < 0 || len(line) < star+3 {
		return lineReject, Truncated
	}
	want, ok := parseHex2(line[star+1 : star+3])
	if !ok {
		return lineReject, BadChecksum
	}
	if xorBytes(line[1:star]) != want {
		return lineReject, BadChecksum
	}
	trailer := line[star+3:]
	if bytes.HasPrefix(trailer, escapedEOL) {
		s.rest, trailer = trailer[len(escapedEOL):], nil
	}
	if r := parseTrailer(trailer, s); r != "" {
		return lineReject, r
	}
	body := line[1:star]
	comma := bytes.IndexByte(body, ',')
	if comma < 0 {
		return lineReject, UnknownSentence
	}
	addr := body[:comma]
	if line[0] == '$' && string(addr) == "PGHP" {
		t, ok := parsePGHP(body[comma+1:])
		if !ok {
			return lineReject, BadField
		}
		s.time, s.hasTime = t, true
		return lineTime, ""
	}
	if len(addr) != 5 || addr[2] != 'V' || addr[3] != 'D' || (addr[4] != 'M' && addr[4] != 'O') {
		return lineReject, UnknownSentence
	}
	if r := parseVDM(body[comma+1:], s); r != "" {
		return lineSentence, r
	}
	if s.groupUnsummed && (!s.group.ok || s.group.num != s.fragNum || s.group.count != s.fragCount) {
		return lineReject, BadChecksum
	}
	return lineSentence, ""
}

// parseVDM reads the fields after the address: count, number, sequence id,
// channel, payload, [vendor extra,] fill bits.
func parseVDM(f []byte, s *sentence) Reason {
	// The hot path of framing: the four short fields by hand, the payload's end by IndexByte.
	var field [6][]byte
	n, start := 0, 0
	for i := 0; i < len(f) && n < 4; i++ {
		if f[i] == ',' {
			field[n], start = f[start:i], i+1
			n++
		}
	}
	if n < 4 {
		return Truncated
	}
	f = f[start:]
	end := bytes.IndexByte(f, ',')
	if end < 0 {
		return Truncated
	}
	field[4], f = f[:end], f[end+1:]
	if end = bytes.IndexByte(f, ','); end >= 0 {
		f = f[:end] // an extra field after the fill bits (Navico GoFree) is ignored
	}
	field[5] = f
	if len(field[0]) != 1 || len(field[1]) != 1 || len(field[3]) > 1 || len(field[5]) > 1 {
		return BadField
	}
	count, num := field[0][0]-'0', field[1][0]-'0'
	if count < 1 || count > 9 || num < 1 || num > count {
		return BadField
	}
	s.fragCount, s.fragNum = count, num
	switch len(field[2]) {
	case 0:
	case 1:
		if d := field[2][0] - '0'; d <= 9 {
			s.seqID = int16(d)
		} else {
			return BadField
		}
	default:
		return BadField
	}
	if len(field[3]) == 1 {
		s.channel = field[3][0]
	}
	if len(field[5]) == 1 {
		if d := field[5][0] - '0'; d <= 5 {
			s.fill = d
		} else {
			return BadField
		}
	}
	s.payload = field[4]
	if len(s.payload) == 0 {
		return EmptyPayload
	}
	return ""
}

// The SWAR helpers below test and fold 8 bytes at a time: framing is a hot, measured path.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// isBinary reports whether a line holds control characters (other than tab), DEL or non-ASCII bytes.
func isBinary(line []byte) bool {
	b := line
	var bad uint64
	for ; len(b) >= 8; b = b[8:] {
		x := binary.LittleEndian.Uint64(b)
		y := x ^ 0x7f*lsb
		bad |= (x-0x20*lsb)&^x | x | (y-lsb)&^y
	}
	if bad&msb != 0 {
		b = line // a suspect byte, perhaps a tab: look at each
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' || c >= 0x7f {
			return true
		}
	}
	return false
}

// sentenceStart returns the index of the first '!' or '$', -1 when there is none.
func sentenceStart(b []byte) int {
	if len(b) > 0 && (b[0] == '!' || b[0] == '$') {
		return 0
	}
	for i, c := range b {
		if c == '!' || c == '$' {
			return i
		}
	}
	return -1
}

// sentenceShaped reports whether b, from its '!' or '$', has a sentence's
// shape: an address of capitals or digits, a comma, then a "*hh" checksum.
// It tells a sentence behind a bad leading time (bad-field) from text.
func sentenceShaped(b []byte) bool {
	i := 1
	for i < len(b) && ('A' <= b[i] && b[i] <= 'Z' || '0' <= b[i] && b[i] <= '9') {
		i++
	}
	if i == 1 || i == len(b) || b[i] != ',' {
		return false
	}
	star := bytes.IndexByte(b[i:], '*')
	if star < 0 || len(b) < i+star+3 {
		return false
	}
	_, ok := parseHex2(b[i+star+1 : i+star+3])
	return ok
}

// xorBytes is the NMEA checksum of b.
func xorBytes(b []byte) byte {
	var w uint64
	for ; len(b) >= 8; b = b[8:] {
		w ^= binary.LittleEndian.Uint64(b)
	}
	w ^= w >> 32
	w ^= w >> 16
	w ^= w >> 8
	x := byte(w)
	for _, c := range b {
		x ^= c
	}
	return x
}

// parseHex2 reads two hexadecimal digits.
func parseHex2(b []byte) (byte, bool) {
	hi, lo := hexValue[b[0]], hexValue[b[1]]
	return hi<<4 | lo&0x0F, (hi|lo)&0xF0 == 0
}

// hexValue maps a hexadecimal digit to its value, other bytes to 0xFF.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i, c := range "0123456789ABCDEF" {
		t[c] = byte(i)
	}
	for i, c := range "abcdef" {
		t[c] = byte(10 + i)
	}
	return t
}()
