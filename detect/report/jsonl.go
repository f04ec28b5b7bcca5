package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/stswatch/stswatch/detect"
)

// JSONL writes one JSON object per event per line: the record of README "Event schema".
type JSONL struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// NewJSONL returns a JSON-lines writer to w, buffered until Close.
func NewJSONL(w io.Writer) *JSONL {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &JSONL{bw: bw, enc: enc}
}

// Write appends the event as one line.
func (j *JSONL) Write(e detect.Event) error {
	if err := j.enc.Encode(e); err != nil {
		return fmt.Errorf("jsonl: event %s: %w", e.ID, err)
	}
	return nil
}

// Flush writes buffered lines through, so a reader sees every event written so far.
func (j *JSONL) Flush() error {
	if err := j.bw.Flush(); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	return nil
}

// Close flushes the buffer.
func (j *JSONL) Close() error { return j.Flush() }
