package detect

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Watchlist holds IMO numbers, MMSIs and names of vessels of interest, loaded
// from a CSV (LoadWatchlist). A nil *Watchlist is an empty list.
type Watchlist struct {
	entries []WatchEntry
	byIMO   map[uint32]int32    // index of the first entry with that IMO
	byMMSI  map[uint32]int32    // index of the first entry with that MMSI
	byName  map[string]int32    // index of the first entry with that normalised name
	imoMMSI map[uint32][]uint32 // every MMSI listed with an IMO, across rows

	skipped  int      // malformed IMO or MMSI cells, left out of their rows
	examples []string // the first few of them, "line N: imo column: ..."
}

// maxSkipExamples is how many skipped cells a Watchlist describes.
const maxSkipExamples = 5

// skip counts a malformed cell and keeps the first few descriptions.
func (w *Watchlist) skip(what string) {
	w.skipped++
	if len(w.examples) < maxSkipExamples {
		w.examples = append(w.examples, what)
	}
}

// Skipped reports how many malformed IMO or MMSI cells were left out (the rest
// of each row still counts) and describes the first few with their line, so a
// caller can warn: real lists carry MMSIs in the IMO column and the like.
func (w *Watchlist) Skipped() (n int, examples []string) {
	if w == nil {
		return 0, nil
	}
	return w.skipped, w.examples
}

// WatchEntry is one row of a watch list; zero fields were empty in the file.
type WatchEntry struct {
	IMO     uint32
	MMSI    uint32
	Name    string   // normalised (normName)
	Flag    string   // ISO 3166 alpha-2 of the listed flag, "" when absent or unknown
	Label   string   // the program / list column, e.g. "DPRK3"
	Aliases []string // other names (normalised) from an aliases column or OFAC "a.k.a."/"f.k.a." remarks
	Line    int      // line in the file, for messages
}

// watchColumns are the header names (normalised by headerKey) accepted for
// each field of a watch list.
var watchColumns = map[string][]string{
	"imo":     {"imo", "imonumber", "imono", "imonum", "lrimo", "lrimoshipno", "imolr"},
	"mmsi":    {"mmsi", "mmsinumber", "mmsino"},
	"name":    {"name", "vesselname", "shipname", "vessel", "ship"},
	"flag":    {"flag", "flagstate", "flagcountry", "vesselflag"},
	"label":   {"program", "programs", "programme", "list", "sanctionslist", "label"},
	"aliases": {"aliases", "alias", "aka", "formernames", "othernames"}, // separated by ';' or '|'
	"remarks": {"remarks", "remark", "notes"},                           // free text quoting names after a.k.a. / f.k.a. (OFAC)
}

// LoadWatchlist reads a watch list CSV whose imo, mmsi and/or name columns are
// found by header name (case-insensitive, common variants such as "IMO number"
// or "vessel_name"); optional flag and program/list columns are kept. The
// separator (comma, semicolon or tab) is taken from the header line. A file
// without those columns or with broken CSV is an error; a malformed IMO or
// MMSI cell is left out and counted (Skipped).
func LoadWatchlist(path string) (*Watchlist, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("watchlist: %w", err)
	}
	defer f.Close()
	w, err := readWatchlist(f)
	if err != nil {
		return nil, fmt.Errorf("watchlist %s: %w", path, err)
	}
	return w, nil
}

// readWatchlist parses a watch list CSV; errors carry the line and column.
func readWatchlist(r io.Reader) (*Watchlist, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4096)
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(head)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: want a header with an imo, mmsi or name column")
	}
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		k := headerKey(h)
		for field, names := range watchColumns {
			if _, done := col[field]; done {
				continue
			}
			for _, n := range names {
				if k == n {
					col[field] = i
				}
			}
		}
	}
	if _, ok := col["imo"]; !ok {
		if _, ok := col["mmsi"]; !ok {
			if _, ok := col["name"]; !ok {
				return nil, fmt.Errorf("line 1: no imo, mmsi or name column in header %q", header)
			}
		}
	}

	w := &Watchlist{
		byIMO:   map[uint32]int32{},
		byMMSI:  map[uint32]int32{},
		byName:  map[string]int32{},
		imoMMSI: map[uint32][]uint32{},
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		cell := func(field string) string {
			if i, ok := col[field]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		e := WatchEntry{Name: normName(cell("name")), Label: cell("label"), Flag: flagCode(cell("flag")), Line: line}
		e.Aliases = aliases(cell("aliases"), cell("remarks"))
		if s := cell("imo"); !missing(s) {
			if e.IMO, err = parseIMO(s); err != nil {
				w.skip(fmt.Sprintf("line %d: imo column: %v", line, err))
			}
		}
		if s := cell("mmsi"); !missing(s) {
			if e.MMSI, err = parseMMSI(s); err != nil {
				w.skip(fmt.Sprintf("line %d: mmsi column: %v", line, err))
			}
		}
		if e.IMO == 0 && e.MMSI == 0 && e.Name == "" {
			continue // a row without any identity (blank or a note) matches nothing
		}
		w.add(e)
	}
	// aliases after every primary name, so a vessel's own name wins over another's former name
	for i, e := range w.entries {
		for _, a := range e.Aliases {
			w.addName(a, int32(i))
		}
	}
	return w, nil
}

// add indexes one entry; the first entry wins a key that several rows share.
func (w *Watchlist) add(e WatchEntry) {
	i := int32(len(w.entries))
	w.entries = append(w.entries, e)
	if e.IMO != 0 {
		if _, ok := w.byIMO[e.IMO]; !ok {
			w.byIMO[e.IMO] = i
		}
		if e.MMSI != 0 {
			w.imoMMSI[e.IMO] = append(w.imoMMSI[e.IMO], e.MMSI)
		}
	}
	if e.MMSI != 0 {
		if _, ok := w.byMMSI[e.MMSI]; !ok {
			w.byMMSI[e.MMSI] = i
		}
	}
	w.addName(e.Name, i)
}

// addName indexes a name for entry i unless an earlier entry has it.
func (w *Watchlist) addName(name string, i int32) {
	if _, ok := w.byName[name]; !ok && name != "" {
		w.byName[name] = i
	}
}

// akaRe finds names quoted after "a.k.a." or "f.k.a." in OFAC remarks.
var akaRe = regexp.MustCompile(`[afAF]\.[kK]\.[aA]\.\s*'([^']+)'`)

// aliases returns the normalised other names of a row: an aliases cell split
// at ';' or '|', and the names a remarks cell quotes after a.k.a. or f.k.a.
func aliases(list, remarks string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(list, func(r rune) bool { return r == ';' || r == '|' }) {
		out = append(out, normName(part))
	}
	for _, sub := range akaRe.FindAllStringSubmatch(remarks, -1) {
		out = append(out, normName(sub[1]))
	}
	return slices.DeleteFunc(out, func(n string) bool { return n == "" })
}

// Len is the number of entries.
func (w *Watchlist) Len() int {
	if w == nil {
		return 0
	}
	return len(w.entries)
}

// ByIMO returns the entry listing the IMO number.
func (w *Watchlist) ByIMO(imo uint32) (WatchEntry, bool) {
	if w == nil || imo == 0 {
		return WatchEntry{}, false
	}
	i, ok := w.byIMO[imo]
	return w.entry(i, ok)
}

// ByMMSI returns the entry listing the MMSI.
func (w *Watchlist) ByMMSI(mmsi uint32) (WatchEntry, bool) {
	if w == nil || mmsi == 0 {
		return WatchEntry{}, false
	}
	i, ok := w.byMMSI[mmsi]
	return w.entry(i, ok)
}

// ByName returns the entry listing the name, compared after normName.
func (w *Watchlist) ByName(name string) (WatchEntry, bool) {
	if w == nil {
		return WatchEntry{}, false
	}
	n := normName(name)
	if n == "" {
		return WatchEntry{}, false
	}
	i, ok := w.byName[n]
	return w.entry(i, ok)
}

// entry turns the result of an index lookup into an entry.
func (w *Watchlist) entry(i int32, ok bool) (WatchEntry, bool) {
	if !ok {
		return WatchEntry{}, false
	}
	return w.entries[i], true
}

// foreign reports whether mmsi is not one under which the entry is listed:
// another MMSI than the listed ones, or, when the list gives no MMSI for the
// vessel, an MMSI whose flag differs from the listed flag. With neither known
// it cannot tell and reports false.
func (w *Watchlist) foreign(e WatchEntry, mmsi uint32, mmsiFlag string) bool {
	listed := w.imoMMSI[e.IMO]
	if e.IMO == 0 && e.MMSI != 0 {
		listed = []uint32{e.MMSI}
	}
	if len(listed) > 0 {
		for _, m := range listed {
			if m == mmsi {
				return false
			}
		}
		return true
	}
	return e.Flag != "" && mmsiFlag != e.Flag
}

// missing reports whether a cell means "no value": empty, 0 or a placeholder
// such as "nan" (pandas), "N/A" or "-".
func missing(s string) bool {
	switch strings.ToLower(strings.TrimSuffix(s, ".0")) {
	case "", "0", "nan", "na", "n/a", "none", "null", "-", "unknown":
		return true
	}
	return false
}

// parseIMO accepts "9383663", "IMO 9383663", "IMO9383663" or "9383663.0"; IMO numbers have 7 digits.
func parseIMO(s string) (uint32, error) {
	t := strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(strings.TrimSuffix(s, ".0")), "IMO"))
	t = strings.TrimPrefix(t, ":")
	n, err := strconv.ParseUint(strings.TrimSpace(t), 10, 32)
	if err != nil || n < 1000000 || n > 9999999 {
		return 0, fmt.Errorf("%q is not a 7-digit IMO number", s)
	}
	return uint32(n), nil
}

// parseMMSI accepts a number of up to 9 digits, also written "412000001.0".
func parseMMSI(s string) (uint32, error) {
	n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(s), ".0"), 10, 32)
	if err != nil || n == 0 || n > 999999999 {
		return 0, fmt.Errorf("%q is not an MMSI (up to 9 digits)", s)
	}
	return uint32(n), nil
}

// sniffComma picks the separator that occurs most on the header line.
func sniffComma(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	comma, best := ',', bytes.Count(head, []byte{','})
	for _, c := range []rune{';', '\t'} {
		if n := bytes.Count(head, []byte{byte(c)}); n > best {
			comma, best = c, n
		}
	}
	return comma
}

// headerKey lower-cases a header and drops everything but letters and digits,
// so "IMO number", "imo_number" and "IMO-Number" are all "imonumber".
func headerKey(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// normName is a vessel name as compared: upper case, punctuation dropped,
// runs of spaces collapsed, AIS padding ('@') removed. "Hwang-Gum  San 2." is
// "HWANG GUM SAN 2".
func normName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToUpper(r))
		case r == '\'' || r == '.':
			// dropped without a break: "ST. JOHN'S" is "ST JOHNS"
		default:
			space = true
		}
	}
	return b.String()
}

// flagCode turns the flag column of a watch list into an ISO 3166 alpha-2
// code: a two-letter code as is, or a country name as sanctions lists write
// it (OFAC: "Democratic People's Republic of Korea", "St. Kitts & Nevis").
// Unknown names give "" and so never make an MMSI look foreign.
func flagCode(s string) string {
	n := normName(s)
	if len(n) == 2 && unicode.IsLetter(rune(n[0])) && unicode.IsLetter(rune(n[1])) {
		return n
	}
	words := strings.Fields(n)
	kept := words[:0]
	for _, w := range words {
		switch w {
		case "AND", "THE", "OF":
			continue
		case "SAINT":
			w = "ST"
		}
		kept = append(kept, w)
	}
	return flagNames[strings.Join(kept, " ")]
}

// flagNames maps country names (normalised by flagCode) to ISO codes: the flags
// in the OFAC SDN vessel list plus the main open registries.
var flagNames = map[string]string{
	"DEMOCRATIC PEOPLES REPUBLIC KOREA": "KP", "KOREA DEMOCRATIC PEOPLES REPUBLIC": "KP",
	"NORTH KOREA": "KP", "DPRK": "KP",
	"KOREA SOUTH": "KR", "SOUTH KOREA": "KR", "REPUBLIC KOREA": "KR",
	"CHINA": "CN", "PEOPLES REPUBLIC CHINA": "CN", "HONG KONG": "HK", "TAIWAN": "TW",
	"IRAN": "IR", "ISLAMIC REPUBLIC IRAN": "IR", "RUSSIA": "RU", "RUSSIAN FEDERATION": "RU",
	"SYRIA": "SY", "CUBA": "CU", "VENEZUELA": "VE", "PANAMA": "PA", "LIBERIA": "LR",
	"MARSHALL ISLANDS": "MH", "MALTA": "MT", "CYPRUS": "CY", "GREECE": "GR", "BAHAMAS": "BS",
	"SINGAPORE": "SG", "MALAYSIA": "MY", "INDONESIA": "ID", "INDIA": "IN", "JAPAN": "JP",
	"VIETNAM": "VN", "VIET NAM": "VN", "CAMBODIA": "KH", "MONGOLIA": "MN", "TURKEY": "TR", "TURKIYE": "TR",
	"UNITED ARAB EMIRATES": "AE", "GABON": "GA", "COMOROS": "KM", "TOGO": "TG", "SIERRA LEONE": "SL",
	"CAMEROON": "CM", "DJIBOUTI": "DJ", "TANZANIA": "TZ", "CAYMAN ISLANDS": "KY", "COOK ISLANDS": "CK",
	"PALAU": "PW", "ST VINCENT GRENADINES": "VC", "ANTIGUA BARBUDA": "AG", "BELIZE": "BZ",
	"ST KITTS NEVIS": "KN", "SAMOA": "WS", "HONDURAS": "HN", "BRITISH VIRGIN ISLANDS": "VG",
	"GUYANA": "GY", "SAO TOME PRINCIPE": "ST", "TUVALU": "TV", "KIRIBATI": "KI", "MOLDOVA": "MD",
	"TONGA": "TO", "VANUATU": "VU", "BOLIVIA": "BO", "MAURITIUS": "MU", "FIJI": "FJ",
}
