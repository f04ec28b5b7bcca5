package ais

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxCSVRecord bounds the bytes of one CSV record, so an unclosed quote cannot
// pull a whole file into memory.
const maxCSVRecord = 1 << 20

// errRecordTooLong stops a CSV input whose record grows past maxCSVRecord.
var errRecordTooLong = errors.New("CSV record over 1 MiB (an unclosed quote?)")

// recordGuard counts the bytes read since the last record and fails past maxCSVRecord.
type recordGuard struct {
	r io.Reader
	n int
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n > maxCSVRecord {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}

// csvReader reads decoded AIS rows from a CSV file with a header. Each row
// gives a Position record and, when its static columns change for the vessel,
// a Static record right after it.
type csvReader struct {
	archiveRows
	guard *recordGuard
	cr    *csv.Reader
	cells csvCells
}

// newCSVReader reads the header and maps its columns (opt.Columns first, then
// the known names); mmsi, time, lat and lon are required.
func newCSVReader(r io.Reader, name string, opt Options) (*csvReader, error) {
	g := &recordGuard{r: r}
	cr := csv.NewReader(g)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty CSV, no header", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: CSV header: %w", name, err)
	}
	cols, err := mapColumns(header, opt.Columns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkRequired(name, cols, header); err != nil {
		return nil, err
	}
	return &csvReader{
		archiveRows: newArchiveRows(name, cols, opt),
		guard:       g,
		cr:          cr,
		cells:       csvCells{times: newTimeParser(opt.TimeLayout)},
	}, nil
}

// Next returns the next record; bad rows are counted as BadField and skipped.
func (r *csvReader) Next() (Record, error) { return r.next(r) }

// nextRow reads the next CSV record; a malformed one is counted and passed over.
func (r *csvReader) nextRow() (cells, int64, error) {
	for {
		r.guard.n = 0
		fields, err := r.cr.Read()
		line, _ := r.cr.FieldPos(0)
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) && !errors.Is(err, errRecordTooLong) {
				r.reject(int64(perr.StartLine), perr.Err.Error(), strings.Join(fields, ","))
				continue
			}
			return nil, 0, fmt.Errorf("%s:%d: %w", r.name, line, err)
		}
		r.cells.fields = fields
		return &r.cells, int64(line), nil
	}
}

// rowText joins the current record's fields.
func (r *csvReader) rowText() string { return strings.Join(r.cells.fields, ",") }

// csvCells are the text fields of one CSV row.
type csvCells struct {
	fields []string
	times  *timeParser
}

// notAvailable are the texts archives put in empty cells.
var notAvailable = [...]string{"unknown", "undefined", "n/a", "na", "null", "nan"}

// isNotAvailable reports whether a cell holds one of the notAvailable texts, in any case.
func isNotAvailable(s string) bool {
	if s == "" || (s[0]|0x20 != 'u' && s[0]|0x20 != 'n') {
		return false // all of them start with u or n: most cells are out at once
	}
	for _, na := range notAvailable {
		if strings.EqualFold(s, na) {
			return true
		}
	}
	return false
}

func (c *csvCells) text(i int) string {
	if i < 0 || i >= len(c.fields) {
		return ""
	}
	s := strings.TrimSpace(c.fields[i])
	if isNotAvailable(s) {
		return ""
	}
	return s
}

func (c *csvCells) number(i int) (float64, bool, error) {
	s := c.text(i)
	if s == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("%q is not a number", s)
	}
	return v, true, nil
}

func (c *csvCells) instant(i int) (time.Time, bool, error) {
	s := c.text(i)
	if s == "" {
		return time.Time{}, false, nil
	}
	t, err := c.times.parse(s)
	return t, err == nil, err
}
