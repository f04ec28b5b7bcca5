package ais

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Reader yields records in input order. Next returns io.EOF at the end of input;
// any other error is fatal for that input (bad lines are counted in Rejects, not returned).
type Reader interface {
	Next() (Record, error)
}

// ReadCloser is a Reader over an opened file.
type ReadCloser interface {
	Reader
	io.Closer
}

// Options say how to read an input. The zero value auto-detects everything.
type Options struct {
	Format     string            // "", "nmea", "csv" or "parquet"; "" detects from content and name
	Columns    map[string]string // canonical name (mmsi, time, lat, lon, sog, cog, heading, nav_status, name, imo, callsign, ship_type, length, width, draught, destination, class, to_bow, to_stern, to_port, to_starboard) -> header name
	TimeLayout string            // Go time layout of the CSV time column; "" auto-detects
	Workers    int               // decoding goroutines for large inputs; <= 0 means 1
	Rejects    *Rejects          // where bad lines are counted; nil discards
	BytesRead  *atomic.Int64     // when set, counts raw (compressed) bytes read, for progress
	Clock      func() time.Time  // live feeds: arrival time for lines that carry no time of their own; nil for archives
	// Source, for live feeds, names the source of a line that names none (no
	// tag block s:, no USCG station): a UDP feed's datagram sender (see
	// feed.Reader.Sender). Like a named source it keeps apart the parts of
	// multi-sentence messages from different sources, and records take it as
	// their Source. nil, or a nil result, leaves such a line the input's name.
	// Called in input order as each sentence is resolved, like Clock (so for a
	// one-worker reader of a feed); the bytes need only last the call.
	Source func() []byte
}

// Open opens a file ("-" is standard input), detects compression (gzip, zstd,
// bzip2, zip) and format, and returns a reader of its records.
//
// Compression is told by magic bytes; a zip archive is read entry by entry in
// name order. The format is opt.Format, or else detected from the content:
// Parquet by its magic, NMEA by lines starting with '!', '$' or '\' (or a
// sentence after a leading time), CSV by a header with known column names; the
// name's ending decides when the content does not. Zip and Parquet read from
// standard input are spooled to a temporary file, removed on Close. Its
// errors, and those of the reader's Next, begin with the input's name (and
// the line, where there is one).
func Open(name string, opt Options) (ReadCloser, error) {
	in := &input{}
	r, err := openFile(name, opt, &in.closers)
	if err != nil {
		in.closers.close()
		return nil, err
	}
	in.Reader = r
	return in, nil
}

// input is an opened file: its reader and what to close.
type input struct {
	Reader
	closers closers
}

// Close releases the decompressors, the file and any spooled copy.
func (in *input) Close() error { return in.closers.close() }

// openFile opens name (or standard input) and hands it, counted, to openStream.
func openFile(name string, opt Options, c *closers) (Reader, error) {
	if name == "-" {
		var r io.Reader = os.Stdin
		if opt.BytesRead != nil {
			r = countingReader{r, opt.BytesRead}
		}
		return openStream(name, r, nil, opt, c)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	c.push(f.Close)
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory (expand it first)", name)
	}
	var r io.Reader = f
	var ra io.ReaderAt = f
	if opt.BytesRead != nil {
		r, ra = countingReader{f, opt.BytesRead}, countingReaderAt{f, opt.BytesRead}
	}
	return openStream(name, r, &randomAccess{ReaderAt: ra, size: st.Size()}, opt, c)
}

// utf8BOM is the byte-order mark some CSV exports start with.
var utf8BOM = []byte("\xef\xbb\xbf")

// nmeaSentence finds an AIS sentence anywhere in a line (after a leading time, say).
var nmeaSentence = regexp.MustCompile(`[!$][A-Z]{2}VD[MO],`)

// detectFormat tells the format of an uncompressed input from its first bytes, then its name.
func detectFormat(name string, br *bufio.Reader, opt Options) (string, error) {
	head, err := br.Peek(peekSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if bytes.HasPrefix(head, magicParquet) {
		return "parquet", nil
	}
	text := bytes.TrimPrefix(head, utf8BOM)
	if len(bytes.TrimSpace(text)) == 0 {
		return "nmea", nil // empty: no records, whatever the format
	}
	first, _, _ := bytes.Cut(text, []byte("\n"))
	first = bytes.TrimRight(first, "\r")
	switch {
	case len(first) > 0 && (first[0] == '!' || first[0] == '$' || first[0] == '\\'):
		return "nmea", nil
	case looksLikeCSVHeader(first, opt):
		return "csv", nil
	case nmeaSentence.Match(text):
		return "nmea", nil
	}
	if f := formatByName(name); f != "" {
		return f, nil
	}
	if bytes.IndexByte(first, 0) >= 0 || !utf8.Valid(first) {
		return "", fmt.Errorf("%s: unknown format: binary content that is not gzip, zstd, bzip2, zip or parquet", name)
	}
	if len(first) > 60 {
		first = first[:60]
	}
	return "", fmt.Errorf("%s: unknown format: no NMEA sentence and no CSV header with mmsi/time/lat/lon columns (first line %q)", name, first)
}

// looksLikeCSVHeader reports whether a line is a CSV header naming at least two known columns.
func looksLikeCSVHeader(line []byte, opt Options) bool {
	cr := csv.NewReader(bytes.NewReader(line))
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil || len(header) < 2 {
		return false
	}
	cols, err := mapColumns(header, opt.Columns)
	if err != nil {
		return false
	}
	known := 0
	for _, i := range cols {
		if i >= 0 {
			known++
		}
	}
	return known >= 2
}
