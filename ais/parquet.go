package ais

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// parquetBatchRows is how many rows are decoded from the file at a time.
const parquetBatchRows = 8192

// parquetReader reads decoded AIS rows from a Parquet file with the same column
// names as CSV, streaming record batches (row group by row group), reading
// only the columns it uses.
type parquetReader struct {
	archiveRows
	pf     *file.Reader
	rr     pqarrow.RecordReader
	cells  parquetCells
	batch  arrow.Record
	row    int   // next row of batch
	rowNum int64 // rows read from the file, for reject positions
}

// newParquetReader opens the Parquet file in ra and maps its columns like a CSV header.
func newParquetReader(ra *randomAccess, name string, opt Options) (r *parquetReader, err error) {
	defer recoverCorrupt(name, &err)
	pf, err := file.NewParquetReader(io.NewSectionReader(ra, 0, ra.size))
	if err != nil {
		return nil, fmt.Errorf("%s: parquet: %w", name, err)
	}
	if r, err = newParquetRows(pf, name, opt); err != nil {
		pf.Close()
	}
	return r, err
}

// recoverCorrupt turns a panic of the Parquet decoder on a corrupt file into an error.
func recoverCorrupt(name string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%s: parquet: corrupt file: %v", name, p)
	}
}

func newParquetRows(pf *file.Reader, name string, opt Options) (*parquetReader, error) {
	sch := pf.MetaData().Schema
	header := make([]string, sch.NumColumns())
	for i := range header {
		header[i] = sch.Column(i).Name()
	}
	cols, err := mapColumns(header, opt.Columns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkRequired(name, cols, header); err != nil {
		return nil, err
	}
	var leaves []int
	for _, i := range cols {
		if i >= 0 {
			leaves = append(leaves, i)
		}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: parquetBatchRows}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("%s: parquet: %w", name, err)
	}
	rr, err := fr.GetRecordReader(context.Background(), leaves, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: parquet: %w", name, err)
	}
	// Cells are addressed by header (leaf) index; find each one's column in the batches.
	index := make([]int, len(header))
	for i := range index {
		index[i] = -1
	}
	for _, leaf := range leaves {
		fields := rr.Schema().FieldIndices(header[leaf])
		if len(fields) == 0 {
			rr.Release()
			return nil, fmt.Errorf("%s: parquet: column %q is nested; only flat columns are read", name, header[leaf])
		}
		index[leaf] = fields[0]
	}
	return &parquetReader{
		archiveRows: newArchiveRows(name, cols, opt),
		pf:          pf,
		rr:          rr,
		cells:       parquetCells{index: index, times: newTimeParser(opt.TimeLayout)},
	}, nil
}

// Next returns the next record; bad rows are counted as BadField and skipped.
func (r *parquetReader) Next() (Record, error) { return r.next(r) }

// nextRow moves to the next row, reading the next record batch when one is used up.
func (r *parquetReader) nextRow() (cells, int64, error) {
	for r.batch == nil || r.row >= int(r.batch.NumRows()) {
		if err := r.nextBatch(); err != nil {
			return nil, 0, err
		}
	}
	r.cells.row = r.row
	r.row++
	r.rowNum++
	return &r.cells, r.rowNum, nil
}

// nextBatch decodes the next record batch; io.EOF at the end.
func (r *parquetReader) nextBatch() (err error) {
	defer recoverCorrupt(r.name, &err)
	if !r.rr.Next() {
		if err := r.rr.Err(); err != nil && err != io.EOF {
			return fmt.Errorf("%s: parquet: %w", r.name, err)
		}
		return io.EOF
	}
	r.batch, r.row = r.rr.Record(), 0
	r.cells.batch = r.batch
	return nil
}

// rowText is empty: a Parquet row has no text of its own; the reject names its number.
func (r *parquetReader) rowText() string { return "" }

// Close releases the batches and the file.
func (r *parquetReader) Close() error {
	r.rr.Release()
	return r.pf.Close()
}

// parquetCells are the typed values of one row of a record batch.
type parquetCells struct {
	batch arrow.Record
	index []int // header (leaf) index → batch column, -1 when not read
	row   int
	times *timeParser
}

// column returns the array holding header column i, nil when absent or null at this row.
func (c *parquetCells) column(i int) arrow.Array {
	if i < 0 || c.index[i] < 0 {
		return nil
	}
	j := c.index[i]
	a := c.batch.Column(j)
	if a.IsNull(c.row) {
		return nil
	}
	return a
}

func (c *parquetCells) text(i int) string {
	switch a := c.column(i).(type) {
	case nil:
		return ""
	case *array.String:
		return strings.Clone(strings.TrimSpace(a.Value(c.row)))
	case *array.LargeString:
		return strings.Clone(strings.TrimSpace(a.Value(c.row)))
	default:
		return a.ValueStr(c.row)
	}
}

func (c *parquetCells) number(i int) (float64, bool, error) {
	var v float64
	switch a := c.column(i).(type) {
	case nil:
		return 0, false, nil
	case *array.Float64:
		v = a.Value(c.row)
	case *array.Float32:
		v = float64(a.Value(c.row))
	case *array.Int64:
		v = float64(a.Value(c.row))
	case *array.Int32:
		v = float64(a.Value(c.row))
	case *array.Int16:
		v = float64(a.Value(c.row))
	case *array.Int8:
		v = float64(a.Value(c.row))
	case *array.Uint64:
		v = float64(a.Value(c.row))
	case *array.Uint32:
		v = float64(a.Value(c.row))
	case *array.Uint16:
		v = float64(a.Value(c.row))
	case *array.Uint8:
		v = float64(a.Value(c.row))
	case *array.String:
		s := strings.TrimSpace(a.Value(c.row))
		if s == "" || isNotAvailable(s) {
			return 0, false, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false, fmt.Errorf("%q is not a number", s)
		}
		v = f
	default:
		return 0, false, fmt.Errorf("column type %s is not a number", a.DataType())
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("%v is not a number", v)
	}
	return v, true, nil
}

func (c *parquetCells) instant(i int) (time.Time, bool, error) {
	switch a := c.column(i).(type) {
	case nil:
		return time.Time{}, false, nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(c.row).ToTime(unit).UTC(), true, nil
	case *array.Int64:
		return unixTime(a.Value(c.row)), true, nil
	case *array.String:
		s := strings.TrimSpace(a.Value(c.row))
		if s == "" {
			return time.Time{}, false, nil
		}
		t, err := c.times.parse(s)
		return t, err == nil, err
	default:
		return time.Time{}, false, fmt.Errorf("column type %s is not a time", a.DataType())
	}
}
