package report

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/stswatch/stswatch/detect"
)

// CSV writes one row per event with vessels flattened into columns (mmsi_1,
// flag_1, ..., mmsi_2, ...) and lists joined by ";", for spreadsheets.
type CSV struct {
	w      *csv.Writer
	row    []string
	header bool
}

// NewCSV returns a CSV writer to w; the header row comes with the first event or at Close.
func NewCSV(w io.Writer) *CSV {
	return &CSV{w: csv.NewWriter(w), row: make([]string, len(columns))}
}

func (c *CSV) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	for i, col := range columns {
		c.row[i] = col.name
	}
	return c.w.Write(c.row)
}

// Write appends the event's row.
func (c *CSV) Write(e detect.Event) error {
	if err := c.writeHeader(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	for i, col := range columns {
		c.row[i] = formatText(col.get(&e))
	}
	if err := c.w.Write(c.row); err != nil {
		return fmt.Errorf("csv: event %s: %w", e.ID, err)
	}
	return nil
}

// Close writes the header if no event came, and flushes.
func (c *CSV) Close() error {
	if err := c.writeHeader(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}
