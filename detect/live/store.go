package live

import (
	"sync"

	"github.com/stswatch/stswatch/detect"
)

// store holds the latest record of the most recent events for the API and
// fans new ones out to stream subscribers. It only learns of an event after
// the event log has it. Safe for concurrent use.
type store struct {
	max int

	mu     sync.RWMutex
	order  []string // ids, oldest first
	byID   map[string]detect.Event
	subs   map[chan detect.Event]struct{}
	closed bool
}

// subBuffer is how many events a stream subscriber may lag behind before it
// is cut off (a slow client never slows the daemon).
const subBuffer = 256

func newStore(maxEvents int) *store {
	return &store{max: maxEvents, byID: map[string]detect.Event{}, subs: map[chan detect.Event]struct{}{}}
}

// add records the event (a closed record replaces the ongoing one of the same
// id) and, when publish is set, sends it to every subscriber.
func (s *store) add(ev detect.Event, publish bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[ev.ID]; !ok {
		s.order = append(s.order, ev.ID)
	}
	s.byID[ev.ID] = ev
	if len(s.order) > s.max {
		delete(s.byID, s.order[0])
		s.order = s.order[1:]
	}
	if !publish {
		return
	}
	for ch := range s.subs {
		select {
		case ch <- ev:
		default: // too slow: cut off; the client reconnects and reads /api/events
			delete(s.subs, ch)
			close(ch)
		}
	}
}

// list returns the stored events that keep, oldest first.
func (s *store) list(keep func(detect.Event) bool) []detect.Event {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []detect.Event
	for _, id := range s.order {
		if ev := s.byID[id]; keep(ev) {
			out = append(out, ev)
		}
	}
	return out
}

// subscribe returns a channel of new events and a function to stop; the
// channel is closed when the subscriber falls behind or the store closes.
func (s *store) subscribe() (<-chan detect.Event, func()) {
	ch := make(chan detect.Event, subBuffer)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		close(ch)
		return ch, func() {}
	}
	s.subs[ch] = struct{}{}
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
	}
}

// close ends every subscription (at shutdown).
func (s *store) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for ch := range s.subs {
		delete(s.subs, ch)
		close(ch)
	}
}
