package detect

import (
	"io"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo"
)

// Env is what a detector consults besides the records: all optional.
type Env struct {
	Watchlist *Watchlist
	Ports     *geo.Ports
	Zones     *geo.Zones
}

// Detector is the streaming pipeline from records to events. It is not safe for
// concurrent use: one goroutine pushes, and emit is called from inside Push and Flush.
type Detector struct{}

// New returns a detector that calls emit for every event, in a deterministic order.
func New(cfg Config, env Env, emit func(Event)) *Detector {
	panic("detect.New: not implemented yet")
}

// Push feeds one record. Records may arrive out of order within cfg.Lateness.
func (d *Detector) Push(r ais.Record) { panic("not implemented yet") }

// Flush closes every open run at the end of input and emits what qualifies.
func (d *Detector) Flush() { panic("not implemented yet") }

// SaveState writes a checkpoint of all state (tracks, open runs) to w.
func (d *Detector) SaveState(w io.Writer) error { panic("not implemented yet") }

// LoadState restores a checkpoint written by SaveState into a new detector.
func (d *Detector) LoadState(r io.Reader) error { panic("not implemented yet") }
