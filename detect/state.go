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
	for mmsi, v := range s.Vessels {
		if err := v.checkSegments(); err != nil {
			return fmt.Errorf("detect: load state: vessel %d: %w (damaged checkpoint)", mmsi, err)
		}
	}
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

// checkSegments reports a segment that breaks what the steps rely on (gob
// decodes some damage without an error): at least one fix, and a position
// within its fixes.
func (v *vessel) checkSegments() error {
	if v == nil {
		return fmt.Errorf("no vessel data")
	}
	for i := range v.Segs {
		s := &v.Segs[i]
		switch {
		case len(s.Fixes) == 0:
			return fmt.Errorf("segment %d has no fixes", s.Sub)
		case s.Cur < 0 || s.Cur > len(s.Fixes):
			return fmt.Errorf("segment %d: position %d outside its %d fixes", s.Sub, s.Cur, len(s.Fixes))
		}
	}
	return nil
}
