package ais

import (
	"fmt"
	"hash/fnv"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The canonical columns of decoded archives (CSV, Parquet), as indexes.
const (
	colMMSI = iota
	colTime
	colLat
	colLon
	colSOG
	colCOG
	colHeading
	colNavStatus
	colName
	colIMO
	colCallsign
	colShipType
	colLength
	colWidth
	colDraught
	colDestination
	colClass
	colToBow
	colToStern
	colToPort
	colToStarboard
	numCols
)

// columnNames are the canonical names Options.Columns maps from.
var columnNames = [numCols]string{
	"mmsi", "time", "lat", "lon", "sog", "cog", "heading", "nav_status",
	"name", "imo", "callsign", "ship_type", "length", "width", "draught", "destination", "class",
	"to_bow", "to_stern", "to_port", "to_starboard",
}

// columnAliases are the header names recognised for each column, normalised by
// normHeader: MarineCadastre, Danish Maritime Authority, Stone Soup and common spellings.
var columnAliases = [numCols][]string{
	colMMSI:        {"mmsi", "userid", "mmsinumber"},
	colTime:        {"basedatetime", "timestamp", "time", "datetime", "timestamputc", "timeutc", "postime"},
	colLat:         {"lat", "latitude", "latitudedegrees", "latdeg"},
	colLon:         {"lon", "long", "lng", "longitude", "longitudedegrees", "londeg"},
	colSOG:         {"sog", "sogknots", "speed", "speedoverground"},
	colCOG:         {"cog", "cogdegrees", "course", "courseoverground"},
	colHeading:     {"heading", "trueheading", "hdg"},
	colNavStatus:   {"status", "navigationalstatus", "navstatus"},
	colName:        {"vesselname", "name", "shipname"},
	colIMO:         {"imo", "imonumber"},
	colCallsign:    {"callsign"},
	colShipType:    {"vesseltype", "shiptype"},
	colLength:      {"length"},
	colWidth:       {"width", "beam"},
	colDraught:     {"draft", "draught"},
	colDestination: {"destination"},
	colClass:       {"transceiverclass", "transcieverclass", "typeofmobile", "class"},
	// The antenna offsets, lettered as in ITU-R M.1371 (A bow, B stern, C port, D starboard):
	// the Danish Maritime Authority's A, B, C, D (older exports: Size A ...). Its column
	// list describes C as starboard and D as port; the letters are ITU's, which decides.
	colToBow:       {"tobow", "sizea", "a"},
	colToStern:     {"tostern", "sizeb", "b"},
	colToPort:      {"toport", "sizec", "c"},
	colToStarboard: {"tostarboard", "sized", "d"},
}

// dimCols are the antenna offset columns, used only all together.
var dimCols = [...]int{colToBow, colToStern, colToPort, colToStarboard}

// requiredCols must be found in every decoded archive.
var requiredCols = [...]int{colMMSI, colTime, colLat, colLon}

// normHeader lower-cases a header name and drops a byte-order mark, '#', spaces, '_' and '-'.
func normHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	return strings.Map(func(r rune) rune {
		switch r {
		case '#', ' ', '_', '-', '\t':
			return -1
		}
		return toLowerASCII(r)
	}, h)
}

func toLowerASCII(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// mapColumns finds each canonical column's index in a header (-1 when absent):
// explicit maps canonical names to header names (case-insensitive) and wins over the aliases.
func mapColumns(header []string, explicit map[string]string) ([numCols]int, error) {
	var cols [numCols]int
	for c := range cols {
		cols[c] = -1
	}
	used := make([]bool, len(header))
	for canon, h := range explicit {
		c := indexOf(columnNames[:], canon)
		if c < 0 {
			return cols, fmt.Errorf("unknown column %q in mapping (want one of %s)", canon, strings.Join(columnNames[:], ", "))
		}
		i := -1
		for j, name := range header {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")), h) {
				i = j
				break
			}
		}
		if i < 0 {
			return cols, fmt.Errorf("column %q (for %s) not in header", h, canon)
		}
		cols[c], used[i] = i, true
	}
	for i, name := range header {
		n := normHeader(name)
		for c := range cols {
			if cols[c] < 0 && !used[i] && indexOf(columnAliases[c], n) >= 0 {
				cols[c], used[i] = i, true
			}
		}
	}
	// A lone "C" or "D" column is not an offset: the four come together or not at all.
	found := 0
	for _, c := range dimCols {
		if cols[c] >= 0 {
			found++
		}
	}
	if found < len(dimCols) {
		for _, c := range dimCols {
			if _, named := explicit[columnNames[c]]; !named {
				cols[c] = -1
			}
		}
	}
	return cols, nil
}

// checkRequired says which required columns a mapping lacks, naming the header.
func checkRequired(name string, cols [numCols]int, header []string) error {
	var missing []string
	for _, c := range requiredCols {
		if cols[c] < 0 {
			missing = append(missing, columnNames[c])
		}
	}
	if missing == nil {
		return nil
	}
	return fmt.Errorf("%s: header lacks %s (columns: %s); map them with --columns, e.g. mmsi=ID,time=ts",
		name, strings.Join(missing, ", "), strings.Join(header, ", "))
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// cells gives the values of one archive row by header index, hiding CSV text
// and Parquet typed columns from the row decoder. Absent, empty or null cells
// give ok == false.
type cells interface {
	text(i int) string
	number(i int) (v float64, ok bool, err error)
	instant(i int) (t time.Time, ok bool, err error)
}

// maxStaticVessels bounds the per-vessel memory of the last static values seen;
// when full it is cleared, so a vessel's next static row is emitted again.
const maxStaticVessels = 1 << 16

// lastStatic is the static part of a row last emitted for a vessel.
type lastStatic struct {
	has    Has
	static Static
}

// rowDecoder turns archive rows into records. It emits a Static record only
// when a vessel's static values change.
type rowDecoder struct {
	cols   [numCols]int
	source string // file base name, Record.Source
	last   map[uint32]lastStatic
}

func newRowDecoder(name string, cols [numCols]int) rowDecoder {
	return rowDecoder{cols: cols, source: filepath.Base(name), last: make(map[uint32]lastStatic)}
}

// rowSource is a decoded archive seen as rows: CSV lines or Parquet rows.
type rowSource interface {
	// nextRow moves to the next row and returns its cells and its line (CSV)
	// or row (Parquet) number; io.EOF at the end.
	nextRow() (cells, int64, error)
	// rowText returns the current row as text for a reject example, "" when it has none.
	rowText() string
}

// archiveRows yields the records of a rowSource: a Position per row, then a
// Static when the row's static values are new; bad rows go to rejects as BadField.
type archiveRows struct {
	rowDecoder
	name    string
	rejects *Rejects
	pending Record // a Static record waiting its turn
}

func newArchiveRows(name string, cols [numCols]int, opt Options) archiveRows {
	return archiveRows{rowDecoder: newRowDecoder(name, cols), name: name, rejects: opt.Rejects}
}

// next returns the waiting Static record, or else the Position of the next good row.
func (a *archiveRows) next(src rowSource) (Record, error) {
	if a.pending.Kind != 0 {
		rec := a.pending
		a.pending = Record{}
		return rec, nil
	}
	for {
		c, line, err := src.nextRow()
		if err != nil {
			return Record{}, err
		}
		pos, st, err := a.decode(c)
		if err != nil {
			a.reject(line, err.Error(), src.rowText())
			continue
		}
		a.pending = st
		return pos, nil
	}
}

// reject counts a bad row with its line, why and text.
func (a *archiveRows) reject(line int64, why, text string) {
	if a.rejects == nil {
		return
	}
	if text != "" {
		why += ": " + text
	}
	a.rejects.Add(BadField, a.name, line, []byte(why))
}

// decode fills pos from one row and, when its static values are present and
// new for the vessel, st (st.Kind is then KindStatic). A bad required or
// kinematic cell gives an error naming the column.
func (d *rowDecoder) decode(c cells) (pos, st Record, err error) {
	pos = Record{Kind: KindPosition, Source: d.source, Has: HasTime}
	if pos.MMSI, err = d.vesselID(c); err != nil {
		return pos, st, err
	}
	t, ok, err := c.instant(d.cols[colTime])
	if err != nil || !ok {
		return pos, st, fmt.Errorf("time: %v", orEmpty(err))
	}
	pos.Time = t
	lat, okLat, errLat := c.number(d.cols[colLat])
	lon, okLon, errLon := c.number(d.cols[colLon])
	if errLat != nil || errLon != nil {
		return pos, st, fmt.Errorf("lat/lon: %v", firstErr(errLat, errLon))
	}
	if okLat && okLon {
		setLatLon(&pos, lat, lon)
	}
	if v, ok, err := c.number(d.cols[colSOG]); err != nil {
		return pos, st, fmt.Errorf("sog: %w", err)
	} else if ok && v >= 0 {
		setSOG(&pos, v)
	}
	if v, ok, err := c.number(d.cols[colCOG]); err != nil {
		return pos, st, fmt.Errorf("cog: %w", err)
	} else if ok && v >= 0 {
		setCOG(&pos, v)
	}
	if v, ok, err := c.number(d.cols[colHeading]); err != nil {
		return pos, st, fmt.Errorf("heading: %w", err)
	} else if ok && v >= 0 && v < 360 {
		setHeading(&pos, uint16(v))
	}
	d.navStatus(c, &pos)
	pos.Class = classOf(c.text(d.cols[colClass]))
	st = d.static(c, pos)
	return pos, st, nil
}

// vesselID reads the vessel column: a uint32 number as is, anything else (an
// anonymised id) as its FNV-1a hash mapped into [1e9, 2^32), above every MMSI,
// so the vessel is still tracked.
func (d *rowDecoder) vesselID(c cells) (uint32, error) {
	i := d.cols[colMMSI]
	if v, ok, err := c.number(i); err == nil && ok && v >= 0 && v <= math.MaxUint32 && v == math.Trunc(v) {
		return uint32(v), nil
	}
	s := c.text(i)
	if s == "" {
		return 0, fmt.Errorf("mmsi: empty")
	}
	return anonymousID(s), nil
}

// anonymousID maps a non-numeric vessel id to a stable number in [1e9, 2^32).
func anonymousID(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	const base = 1_000_000_000
	return base + h.Sum32()%(math.MaxUint32-base+1)
}

// navStatuses maps the Danish Maritime Authority's navigational status texts to AIS codes.
var navStatuses = map[string]uint8{
	"under way using engine":     0,
	"at anchor":                  1,
	"not under command":          2,
	"restricted maneuverability": 3,
	"restricted manoeuvrability": 3,
	"constrained by her draught": 4,
	"moored":                     5,
	"aground":                    6,
	"engaged in fishing":         7,
	"under way sailing":          8,
	"ais-sart":                   14,
}

// navStatus reads a numeric (0-14) or textual navigational status; others leave it absent.
func (d *rowDecoder) navStatus(c cells, r *Record) {
	i := d.cols[colNavStatus]
	if v, ok, err := c.number(i); err == nil && ok {
		if v >= 0 && v < 15 && v == math.Trunc(v) {
			r.Pos.NavStatus, r.Has = uint8(v), r.Has|HasNavStatus
		}
		return
	}
	if s, ok := navStatuses[strings.ToLower(c.text(i))]; ok {
		r.Pos.NavStatus, r.Has = s, r.Has|HasNavStatus
	}
}

// classOf reads a transceiver class: "A", "Class A", "B", "Class B".
func classOf(s string) Class {
	switch strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(s, "Class "), "class ")) {
	case "A":
		return ClassA
	case "B":
		return ClassB
	}
	return ClassUnknown
}

// shipTypes maps the Danish Maritime Authority's ship type texts to the first
// AIS code of their range.
var shipTypes = map[string]uint8{
	"wig": 20, "fishing": 30, "towing": 31, "towing long/wide": 32, "dredging": 33,
	"diving": 34, "military": 35, "sailing": 36, "pleasure": 37, "hsc": 40,
	"pilot": 50, "sar": 51, "tug": 52, "port tender": 53, "anti-pollution": 54,
	"law enforcement": 55, "medical": 58, "not party to conflict": 59,
	"passenger": 60, "cargo": 70, "tanker": 80, "other": 90,
}

// static reads the static columns of a row; it returns a zero Record when
// there are none or they equal the vessel's last emitted ones. Unreadable
// static cells are left out: they do not spoil the position.
func (d *rowDecoder) static(c cells, pos Record) Record {
	st := Record{Kind: KindStatic, MMSI: pos.MMSI, Class: pos.Class, Time: pos.Time, Has: HasTime, Source: pos.Source}
	setName(&st, c.text(d.cols[colName]))
	setCallsign(&st, c.text(d.cols[colCallsign]))
	if imo, ok := imoOf(c, d.cols[colIMO]); ok {
		st.Static.IMO, st.Has = imo, st.Has|HasIMO
	}
	if v, ok, err := c.number(d.cols[colShipType]); err == nil && ok {
		if v >= 1 && v <= 99 {
			setShipType(&st, uint8(v))
		}
	} else if t, ok := shipTypes[strings.ToLower(c.text(d.cols[colShipType]))]; ok {
		setShipType(&st, t)
	}
	var dims [len(dimCols)]uint16
	for k, col := range dimCols {
		dims[k] = positiveUint16(c, d.cols[col])
	}
	if dims != [len(dimCols)]uint16{} {
		st.Static.ToBowM, st.Static.ToSternM, st.Static.ToPortM, st.Static.ToStarboardM = dims[0], dims[1], dims[2], dims[3]
		st.Has |= HasDims
	} else if length, width := positiveUint16(c, d.cols[colLength]), positiveUint16(c, d.cols[colWidth]); length > 0 || width > 0 {
		// Only length and width: stored as bow and port offsets, so LengthM and WidthM are right.
		st.Static.ToBowM, st.Static.ToPortM, st.Has = length, width, st.Has|HasDims
	}
	if v, ok, err := c.number(d.cols[colDraught]); err == nil && ok && v > 0 && v < 100 {
		st.Static.DraughtM, st.Has = float32(v), st.Has|HasDraught
	}
	if s := cleanText(c.text(d.cols[colDestination])); s != "" {
		st.Static.Destination, st.Has = s, st.Has|HasDestination
	}
	if st.Has == HasTime {
		return Record{}
	}
	now := lastStatic{has: st.Has, static: st.Static}
	if prev, ok := d.last[st.MMSI]; ok && prev == now {
		return Record{}
	}
	if len(d.last) >= maxStaticVessels {
		clear(d.last)
	}
	d.last[st.MMSI] = now
	return st
}

// imoOf reads an IMO number, bare or as "IMO9383663"; 0 is absent.
func imoOf(c cells, i int) (uint32, bool) {
	if v, ok, err := c.number(i); err == nil {
		return uint32(v), ok && v >= 1 && v <= 9_999_999
	}
	s := c.text(i)
	if len(s) > 3 && strings.EqualFold(s[:3], "IMO") {
		s = strings.TrimSpace(s[3:])
	}
	v, err := strconv.ParseUint(s, 10, 32)
	return uint32(v), err == nil && v >= 1 && v <= 9_999_999
}

// positiveUint16 reads a dimension in metres; absent, bad or out of range gives 0.
func positiveUint16(c cells, i int) uint16 {
	if v, ok, err := c.number(i); err == nil && ok && v >= 1 && v < 1000 {
		return uint16(v)
	}
	return 0
}

func orEmpty(err error) string {
	if err == nil {
		return "empty"
	}
	return err.Error()
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// timeLayouts are the layouts tried, in order, on the first time value of a file.
var timeLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"02/01/2006 15:04:05",
	"2006/01/02 15:04:05",
	"01/02/2006 15:04:05",
}

// newTimeParser parses with a given Go layout ("unix" for unix times), or detects one when layout is "".
func newTimeParser(layout string) *timeParser {
	if layout == "unix" {
		return &timeParser{fixed: true}
	}
	return &timeParser{layout: layout, fixed: layout != ""}
}

// timeParser parses a file's time column with the layout its first value fits
// (or a given one); all-digit values are unix seconds, ms, µs or ns by size.
type timeParser struct {
	layout string
	fixed  bool // layout given, or detected
}

// parse reads one time value as UTC.
func (p *timeParser) parse(s string) (time.Time, error) {
	if p.fixed {
		if p.layout == "" {
			return parseUnixText(s)
		}
		t, err := time.Parse(p.layout, s)
		if err != nil {
			return t, fmt.Errorf("%q does not fit layout %q", s, p.layout)
		}
		return t.UTC(), nil
	}
	if t, err := parseUnixText(s); err == nil {
		p.fixed = true
		return t, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			p.layout, p.fixed = layout, true
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is in no known layout; give one with --time-layout", s)
}

// parseUnixText reads a unix time, its unit told by its size: seconds before
// 1e11, then milliseconds, microseconds and nanoseconds. A fraction is allowed for seconds.
func parseUnixText(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return unixTime(n), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f >= 1e11 || strings.ContainsAny(s, "eEnN") {
		return time.Time{}, fmt.Errorf("%q is not a unix time", s)
	}
	return unixFloat(f) // seconds, as f < 1e11
}

// unixTime reads an integer unix time in seconds, ms, µs or ns, told by its size.
func unixTime(n int64) time.Time {
	unit := unixUnit(n)
	per := int64(time.Second / unit)
	return time.Unix(n/per, n%per*int64(unit)).UTC()
}

// unixUnit is the unit of an integer unix time, told by its size: seconds
// before 1e11 (until year 5138), then milliseconds, microseconds and nanoseconds.
func unixUnit(n int64) time.Duration {
	switch {
	case n < 1e11:
		return time.Second
	case n < 1e14:
		return time.Millisecond
	case n < 1e17:
		return time.Microsecond
	}
	return time.Nanosecond
}

// unixFloat reads a float unix time as unixTime reads its whole part (unit
// told by size), keeping the fraction of that unit; NaN, ±Inf and values
// beyond int64 are errors.
func unixFloat(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < math.MinInt64 || f >= math.MaxInt64 {
		return time.Time{}, fmt.Errorf("%v is not a unix time", f)
	}
	whole, frac := math.Modf(f)
	n := int64(whole)
	return unixTime(n).Add(time.Duration(math.Round(frac * float64(unixUnit(n))))), nil
}
