package live

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/report"
)

// logKey identifies one record of the event log: an event's ongoing and
// closed records share the id.
type logKey struct{ id, status string }

// EventLog is the daemon's durable record of events: JSON lines appended and
// fsynced before an event goes anywhere else. It remembers every (id, status)
// it holds, so a replay after a restart does not write an event twice.
type EventLog struct {
	f    *os.File
	w    *report.JSONL // the same encoding as scan's --out
	seen map[logKey]struct{}
}

// OpenEventLog opens (or creates) the log at path and calls fn for each event
// already in it, oldest first. A last line cut short by a crash is cut off:
// it was never acknowledged, and the replay writes it again.
func OpenEventLog(path string, fn func(detect.Event)) (*EventLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("event log: %w", err)
	}
	l := &EventLog{f: f, seen: map[logKey]struct{}{}}
	good, err := l.scan(fn)
	if err == nil {
		err = f.Truncate(good)
	}
	if err == nil {
		_, err = f.Seek(good, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("event log %s: %w", path, err)
	}
	l.w = report.NewJSONL(f)
	return l, nil
}

// scan reads the log and returns the length of its complete lines.
func (l *EventLog) scan(fn func(detect.Event)) (int64, error) {
	br := bufio.NewReaderSize(l.f, 64<<10)
	var good, lineNo int64
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return good, nil // a partial last line, if any, is dropped
		}
		if err != nil {
			return 0, err
		}
		lineNo++
		if len(bytes.TrimSpace(line)) > 0 {
			var ev detect.Event
			if err := json.Unmarshal(line, &ev); err != nil {
				return 0, fmt.Errorf("line %d: %w", lineNo, err)
			}
			l.seen[logKey{ev.ID, ev.Status}] = struct{}{}
			fn(ev)
		}
		good += int64(len(line))
	}
}

// Has reports whether the log holds the event's (id, status) record.
func (l *EventLog) Has(ev detect.Event) bool {
	_, ok := l.seen[logKey{ev.ID, ev.Status}]
	return ok
}

// Append writes the event as one JSON line and fsyncs it. It returns false,
// writing nothing, when the log already holds the event's (id, status).
func (l *EventLog) Append(ev detect.Event) (bool, error) {
	if l.Has(ev) {
		return false, nil
	}
	err := l.w.Write(ev)
	if err == nil {
		err = l.w.Flush()
	}
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		return false, fmt.Errorf("event log: %w", err)
	}
	l.seen[logKey{ev.ID, ev.Status}] = struct{}{}
	return true, nil
}

// Close closes the log file.
func (l *EventLog) Close() error { return l.f.Close() }
