// Package report writes detected events for people and tools: JSON lines (the
// event contract), a GeoJSON FeatureCollection for map review, and flat CSV and
// Parquet tables. Every writer streams: it holds at most a small buffer, never
// the whole run's events.
package report

import (
	"errors"

	"github.com/stswatch/stswatch/detect"
)

// Writer is an event sink: Write each event as it is emitted, Close once at the
// end to flush and finish the format (closing brackets, Parquet footer). Close
// does not close the io.Writer underneath; its owner does.
type Writer interface {
	Write(e detect.Event) error
	Close() error
}

// Multi returns a Writer that writes each event to every writer in order, so a
// run can fan out to several outputs.
func Multi(ws ...Writer) Writer { return multi(ws) }

type multi []Writer

func (m multi) Write(e detect.Event) error {
	for _, w := range m {
		if err := w.Write(e); err != nil {
			return err
		}
	}
	return nil
}

// Close closes every writer, even after a failure, and joins their errors.
func (m multi) Close() error {
	var errs []error
	for _, w := range m {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}
