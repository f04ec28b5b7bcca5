package ais

import "io"

// NewNMEAReader reads NMEA 0183 AIS sentences (with tag blocks, $PGHP, USCG
// trailers, leading timestamps) line by line from r; name labels file:line in rejects.
func NewNMEAReader(r io.Reader, name string, opt Options) Reader {
	panic("ais.NewNMEAReader: not implemented yet")
}
