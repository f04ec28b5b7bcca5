package ais

import (
	"maps"
	"sort"
	"sync"
)

// Reason is a stable code for why an input line or row was rejected.
type Reason string

// The rejection reasons.
const (
	BadChecksum     Reason = "bad-checksum"
	Truncated       Reason = "truncated"
	UnknownSentence Reason = "unknown-sentence"
	OrphanFragment  Reason = "orphan-fragment"
	BadField        Reason = "bad-field"
	LineTooLong     Reason = "line-too-long"
	Binary          Reason = "binary"
	BadPayload      Reason = "bad-payload"
	EmptyPayload    Reason = "empty-payload" // a sentence with a valid checksum but no payload characters
)

// maxExamples is how many example lines are kept per reason.
const maxExamples = 3

// maxExampleText is how many bytes of a rejected line an example keeps.
const maxExampleText = 120

// Example is one rejected line kept for the run summary.
type Example struct {
	Reason Reason
	File   string
	Line   int64
	Text   string // the line, cut to 120 bytes
}

// Rejects counts rejected lines by reason and keeps the first few examples of each.
// It is safe for concurrent use.
type Rejects struct {
	mu       sync.Mutex
	counts   map[Reason]int64
	examples map[Reason][]Example
	passed   map[uint8]int64
}

// AddPassed counts n valid messages of an AIS type that stswatch passes over
// (base stations, binary messages, ...): they are not rejects, but a run summary shows them.
func (r *Rejects) AddPassed(msgType uint8, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.passed == nil {
		r.passed = make(map[uint8]int64)
	}
	r.passed[msgType] += n
}

// Passed returns the number of valid messages passed over, by AIS message type.
func (r *Rejects) Passed() map[uint8]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.passed)
}

// Add counts one rejected line and keeps it as an example if fewer than a few of its reason are kept.
func (r *Rejects) Add(reason Reason, file string, line int64, text []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts == nil {
		r.counts = make(map[Reason]int64)
		r.examples = make(map[Reason][]Example)
	}
	r.counts[reason]++
	if len(r.examples[reason]) >= maxExamples {
		return
	}
	if len(text) > maxExampleText {
		text = text[:maxExampleText]
	}
	r.examples[reason] = append(r.examples[reason], Example{Reason: reason, File: file, Line: line, Text: string(text)})
}

// Counts returns the number of rejected lines by reason.
func (r *Rejects) Counts() map[Reason]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.counts)
}

// Examples returns the kept examples, ordered by reason then file and line.
func (r *Rejects) Examples() []Example {
	r.mu.Lock()
	var out []Example
	for _, ex := range r.examples {
		out = append(out, ex...)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Reason != b.Reason {
			return a.Reason < b.Reason
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return out
}
