package detect

import (
	"encoding/gob"
	"fmt"
	"io"
)

// stateVersion changes whenever the checkpoint layout does.
const stateVersion = 1

// checkpoint is what SaveState writes.
type checkpoint struct {
	Version int
	State   state
}

// SaveState writes a checkpoint of all state (tracks, open runs) to w.
// Configuration and environment are not saved: give LoadState's detector the same.
func (d *Detector) SaveState(w io.Writer) error {
	d.drain()
	if err := gob.NewEncoder(w).Encode(checkpoint{Version: stateVersion, State: d.s}); err != nil {
		return fmt.Errorf("detect: save state: %w", err)
	}
	return nil
}

// LoadState restores a checkpoint written by SaveState into a new detector.
func (d *Detector) LoadState(r io.Reader) error {
	var c checkpoint
	if err := gob.NewDecoder(r).Decode(&c); err != nil {
		return fmt.Errorf("detect: load state: %w", err)
	}
	if c.Version != stateVersion {
		return fmt.Errorf("detect: load state: checkpoint version %d, want %d", c.Version, stateVersion)
	}
	s := c.State
	if s.Vessels == nil {
		s.Vessels = make(map[uint32]*vessel)
	}
	if s.Runs == nil {
		s.Runs = make(map[pairKey]*encRun)
	}
	if s.Counts.Events == nil {
		s.Counts.Events = make(map[string]int64)
	}
	if s.Ident == nil {
		s.Ident = newIdentities()
	}
	d.s = s
	d.resetOrder()
	return nil
}
