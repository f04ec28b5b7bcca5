package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/stswatch/stswatch/ais"
)

// newDecodeCmd is "stswatch decode": gpsdecode-style JSON lines from any input stswatch reads.
func newDecodeCmd() *cobra.Command {
	var opt ais.Options
	cmd := &cobra.Command{
		Use:   "decode [FILE|-]...",
		Short: "Print every decoded AIS message as one JSON object a line, like gpsdecode",
		Long: `Decode AIS archives (NMEA in any dialect, CSV, Parquet; plain or compressed;
files, directories or globs; "-" or nothing for standard input) and print one JSON
object per decoded message, in input order, duplicates included. Fields: type, mmsi,
time, lat, lon, sog, cog, heading, nav_status, class, imo, callsign, name, ship_type,
to_bow, to_stern, to_port, to_starboard, draught, destination, flag; each only when
the message carries it and it is available. Bad lines are summarised on stderr.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.Workers < 1 {
				return fmt.Errorf("--workers %d: must be at least 1", opt.Workers)
			}
			if len(args) == 0 {
				args = []string{"-"}
			}
			return runDecode(cmd.OutOrStdout(), cmd.ErrOrStderr(), args, opt)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opt.Format, "format", "", `input format: "nmea", "csv" or "parquet"; detected from content and name when empty`)
	fs.IntVar(&opt.Workers, "workers", runtime.NumCPU(), "decoding goroutines per input file, one per CPU by default")
	return cmd
}

// runDecode decodes every input to JSON lines on out and summarises bad lines and failed inputs on errw.
func runDecode(out, errw io.Writer, args []string, opt ais.Options) error {
	files, err := ais.Expand(args)
	if err != nil {
		return err
	}
	var rejects ais.Rejects
	opt.Rejects = &rejects
	w := bufio.NewWriterSize(out, 64<<10)
	var failed []error
	var buf []byte
	for _, name := range files {
		if err := decodeFile(w, name, opt, &buf); err != nil {
			failed = append(failed, err)
			fmt.Fprintln(errw, "stswatch decode:", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("decode: writing output: %w", err)
	}
	printRejects(errw, &rejects)
	if len(failed) > 0 {
		return fmt.Errorf("decode: %d of %d inputs failed", len(failed), len(files))
	}
	return nil
}

// decodeFile writes the JSON lines of one input.
func decodeFile(w *bufio.Writer, name string, opt ais.Options, buf *[]byte) error {
	r, err := ais.Open(name, opt)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		*buf = appendRecordJSON((*buf)[:0], &rec)
		if _, err := w.Write(*buf); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
}

// appendRecordJSON appends one record as a gpsdecode-style JSON object and a newline.
// It is written by hand so that millions of lines cost no reflection or allocation.
func appendRecordJSON(b []byte, r *ais.Record) []byte {
	b = append(b, `{"type":`...)
	b = strconv.AppendUint(b, uint64(r.Type), 10)
	b = append(b, `,"mmsi":`...)
	b = strconv.AppendUint(b, uint64(r.MMSI), 10)
	if r.Has&ais.HasTime != 0 {
		b = append(b, `,"time":"`...)
		b = r.Time.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	if r.Kind == ais.KindPosition {
		p := &r.Pos
		if r.Has&ais.HasLatLon != 0 {
			b = appendFloat(b, "lat", p.LatDeg, 64)
			b = appendFloat(b, "lon", p.LonDeg, 64)
		}
		if r.Has&ais.HasSOG != 0 {
			b = appendFloat(b, "sog", float64(p.SOGKn), 32)
		}
		if r.Has&ais.HasCOG != 0 {
			b = appendFloat(b, "cog", float64(p.COGDeg), 32)
		}
		if r.Has&ais.HasHeading != 0 {
			b = appendUint(b, "heading", uint64(p.HeadingDeg))
		}
		if r.Has&ais.HasNavStatus != 0 {
			b = appendUint(b, "nav_status", uint64(p.NavStatus))
		}
	}
	if r.Class != ais.ClassUnknown {
		b = appendString(b, "class", r.Class.String())
	}
	if r.Kind == ais.KindStatic {
		s := &r.Static
		if r.Has&ais.HasIMO != 0 {
			b = appendUint(b, "imo", uint64(s.IMO))
		}
		if r.Has&ais.HasCallsign != 0 {
			b = appendString(b, "callsign", s.Callsign)
		}
		if r.Has&ais.HasName != 0 {
			b = appendString(b, "name", s.Name)
		}
		if r.Has&ais.HasShipType != 0 {
			b = appendUint(b, "ship_type", uint64(s.ShipType))
		}
		if r.Has&ais.HasDims != 0 {
			b = appendUint(b, "to_bow", uint64(s.ToBowM))
			b = appendUint(b, "to_stern", uint64(s.ToSternM))
			b = appendUint(b, "to_port", uint64(s.ToPortM))
			b = appendUint(b, "to_starboard", uint64(s.ToStarboardM))
		}
		if r.Has&ais.HasDraught != 0 {
			b = appendFloat(b, "draught", float64(s.DraughtM), 32)
		}
		if r.Has&ais.HasDestination != 0 {
			b = appendString(b, "destination", s.Destination)
		}
	}
	if flag := ais.Flag(r.MMSI); flag != "" {
		b = appendString(b, "flag", flag)
	}
	return append(b, "}\n"...)
}

// appendKey writes the separator and the quoted key of the next field.
func appendKey(b []byte, key string) []byte {
	b = append(b, ",\""...)
	b = append(b, key...)
	return append(b, "\":"...)
}

// appendUint writes an integer field.
func appendUint(b []byte, key string, v uint64) []byte {
	return strconv.AppendUint(appendKey(b, key), v, 10)
}

// appendFloat writes the shortest decimal that reads back as the same float of bitSize bits.
func appendFloat(b []byte, key string, v float64, bitSize int) []byte {
	return strconv.AppendFloat(appendKey(b, key), v, 'f', -1, bitSize)
}

// appendString writes a JSON string, escaping quotes, backslashes, control characters and invalid UTF-8.
func appendString(b []byte, key, s string) []byte {
	b = append(appendKey(b, key), '"')
	const hex = "0123456789abcdef"
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&15])
		case r == utf8.RuneError:
			b = append(b, `\ufffd`...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// printRejects summarises bad lines by reason with their kept examples, and the
// valid messages of types stswatch passes over.
func printRejects(w io.Writer, rej *ais.Rejects) {
	counts := rej.Counts()
	for _, reason := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(w, "rejected %s: %d\n", reason, counts[reason])
	}
	for _, ex := range rej.Examples() {
		fmt.Fprintf(w, "  %s:%d: %s: %q\n", ex.File, ex.Line, ex.Reason, ex.Text)
	}
	passed := rej.Passed()
	if len(passed) == 0 {
		return
	}
	fmt.Fprint(w, "passed over (valid, other message types):")
	for _, typ := range slices.Sorted(maps.Keys(passed)) {
		fmt.Fprintf(w, " type %d: %d", typ, passed[typ])
	}
	fmt.Fprintln(w)
}
