package ais

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
	UnsupportedType Reason = "unsupported-type" // decoded fine, but a message type stswatch passes over
)

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
	// filled in by the ais package
}

// Add counts one rejected line and keeps it as an example if fewer than a few of its reason are kept.
func (r *Rejects) Add(reason Reason, file string, line int64, text []byte) {
	panic("not implemented yet")
}

// Counts returns the number of rejected lines by reason.
func (r *Rejects) Counts() map[Reason]int64 { panic("not implemented yet") }

// Examples returns the kept examples, ordered by reason then file and line.
func (r *Rejects) Examples() []Example { panic("not implemented yet") }
