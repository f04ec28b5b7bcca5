package ais

import (
	"io"
	"sync/atomic"
	"time"
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
	Columns    map[string]string // canonical name (mmsi, time, lat, lon, sog, cog, heading, name, imo, callsign, ship_type, length, width, draught, class) -> header name
	TimeLayout string            // Go time layout of the CSV time column; "" auto-detects
	Workers    int               // decoding goroutines for large inputs; <= 0 means 1
	Rejects    *Rejects          // where bad lines are counted; nil discards
	BytesRead  *atomic.Int64     // when set, counts raw (compressed) bytes read, for progress
	Clock      func() time.Time  // live feeds: arrival time for lines that carry no time of their own; nil for archives
}

// Open opens a file ("-" is standard input), detects compression (gzip, zstd,
// bzip2, zip) and format, and returns a reader of its records.
func Open(name string, opt Options) (ReadCloser, error) {
	panic("ais.Open: not implemented yet")
}

// Expand turns files, directories and glob patterns into an ordered list of
// files, so that daily archives come in time order. "-" passes through.
func Expand(args []string) ([]string, error) {
	panic("ais.Expand: not implemented yet")
}
