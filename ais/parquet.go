package ais

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// parquetBatchRows is how many rows are decoded from the file at a time.
const parquetBatchRows = 8192

// parquetBatchBytes is the most the decoder may allocate to open the file or
// decode one batch: a batch's pages and arrays take a few MB; a corrupt file
// may claim gigabytes.
const parquetBatchBytes = 64 << 20

// batchAllocator is the decoder's allocator, bounding what it allocates for
// one batch: past parquetBatchBytes, Allocate panics, which recoverCorrupt
// turns into an error. Corrupt files FuzzOpenStream found would otherwise
// take the machine's memory: pages claiming gigabytes uncompressed. (A chunk
// whose pages run out, where pqarrow v15 parses a stale page header again and
// again, is refused before by pageWalk.)
type batchAllocator struct {
	memory.Allocator
	used atomic.Int64 // bytes allocated since reset
}

func (a *batchAllocator) Allocate(size int) []byte {
	a.use(size)
	return a.Allocator.Allocate(size)
}

func (a *batchAllocator) Reallocate(size int, b []byte) []byte {
	a.use(size - len(b))
	return a.Allocator.Reallocate(size, b)
}

// use counts n more bytes allocated, panicking past parquetBatchBytes.
func (a *batchAllocator) use(n int) {
	if used := a.used.Add(int64(max(n, 0))); used > parquetBatchBytes {
		panic(fmt.Sprintf("decoding one batch would allocate over %d MiB", parquetBatchBytes>>20))
	}
}

// parquetReader reads decoded AIS rows from a Parquet file with the same column
// names as CSV, streaming batches of rows (row group by row group), reading
// only the columns it uses.
//
// It drives pqarrow's column readers itself, as pqarrow's RecordReader does
// without Parallel, because that one makes them in goroutines of its own
// (an errgroup, even one at a time): a decoder panic on a corrupt file there
// kills the process instead of reaching recoverCorrupt.
type parquetReader struct {
	archiveRows
	pf      *file.Reader
	mem     *batchAllocator
	readers []*pqarrow.ColumnReader // one per column read
	corrupt error                   // of the first row group refused by the page walk, returned after the groups before it
	cells   parquetCells
	rowNum  int64 // rows read from the file, for reject positions
}

// newParquetReader opens the Parquet file in ra and maps its columns like a CSV header.
func newParquetReader(ra *randomAccess, name string, opt Options) (r *parquetReader, err error) {
	defer recoverCorrupt(name, &err)
	mem := &batchAllocator{Allocator: memory.DefaultAllocator}
	props := parquet.NewReaderProperties(mem)
	props.BufferedStreamEnabled = true // column chunks stream through a buffer, not read whole at the size the file claims
	pf, err := file.NewParquetReader(io.NewSectionReader(ra, 0, ra.size), file.WithReadProps(props))
	if err != nil {
		return nil, fmt.Errorf("%s: parquet: %w", name, err)
	}
	if r, err = newParquetRows(pf, ra, mem, name, opt); err != nil {
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

func newParquetRows(pf *file.Reader, ra *randomAccess, mem *batchAllocator, name string, opt Options) (*parquetReader, error) {
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
	// Cells are addressed by header (leaf) index: index maps each to its reader.
	index := make([]int, len(header))
	for i := range index {
		index[i] = -1
	}
	var leaves []int
	for _, leaf := range cols {
		if leaf < 0 {
			continue
		}
		if len(sch.Column(leaf).ColumnPath()) > 1 {
			return nil, fmt.Errorf("%s: parquet: column %q is nested; only flat columns are read", name, header[leaf])
		}
		index[leaf] = len(leaves)
		leaves = append(leaves, leaf)
	}
	pages := pageWalk{src: ra}
	good, corrupt := pages.goodGroups(pf, leaves)
	if corrupt != nil {
		corrupt = fmt.Errorf("%s: parquet: corrupt file: %w", name, corrupt)
		if good == 0 {
			return nil, corrupt
		}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: parquetBatchRows}, mem)
	if err != nil {
		return nil, fmt.Errorf("%s: parquet: %w", name, err)
	}
	fields, err := fr.Manifest.GetFieldIndices(leaves)
	if err != nil {
		return nil, fmt.Errorf("%s: parquet: %w", name, err)
	}
	included := make(map[int]bool, len(leaves))
	for _, leaf := range leaves {
		included[leaf] = true
	}
	rowGroups := make([]int, good) // pqarrow reads no row group from the first corrupt one on
	for i := range rowGroups {
		rowGroups[i] = i
	}
	r := &parquetReader{
		archiveRows: newArchiveRows(name, cols, opt),
		pf:          pf,
		mem:         mem,
		corrupt:     corrupt,
		cells:       parquetCells{index: index, times: newTimeParser(opt.TimeLayout)},
	}
	for _, f := range fields { // flat columns: one field per leaf, in order
		cr, err := fr.GetFieldReader(context.Background(), f, included, rowGroups)
		if err != nil {
			r.release()
			return nil, fmt.Errorf("%s: parquet: %w", name, err)
		}
		r.readers = append(r.readers, cr)
	}
	return r, nil
}

// Next returns the next record; bad rows are counted as BadField and skipped.
func (r *parquetReader) Next() (Record, error) { return r.next(r) }

// nextRow moves to the next row, reading the next record batch when one is used up.
func (r *parquetReader) nextRow() (cells, int64, error) {
	for len(r.cells.cols) == 0 || r.cells.row+1 >= r.cells.cols[0].Len() {
		if err := r.nextBatch(); err != nil {
			return nil, 0, err
		}
	}
	r.cells.row++
	r.rowNum++
	return &r.cells, r.rowNum, nil
}

// nextBatch decodes the next batch of every column; io.EOF at the end.
func (r *parquetReader) nextBatch() (err error) {
	defer recoverCorrupt(r.name, &err)
	r.releaseBatch()
	r.mem.used.Store(0)
	for _, cr := range r.readers {
		ch, err := cr.NextBatch(parquetBatchRows)
		if err != nil {
			return fmt.Errorf("%s: parquet: %w", r.name, err)
		}
		chunks, n := ch.Chunks(), ch.Len()
		if len(chunks) == 1 {
			chunks[0].Retain()
			r.cells.cols = append(r.cells.cols, chunks[0])
		}
		ch.Release()
		switch {
		case n == 0 && r.corrupt != nil:
			return r.corrupt
		case n == 0 && r.rowNum < r.pf.NumRows():
			return fmt.Errorf("%s: parquet: corrupt file: %d rows decoded of the %d it claims", r.name, r.rowNum, r.pf.NumRows())
		case n == 0:
			return io.EOF
		case len(chunks) != 1 || n != r.cells.cols[0].Len():
			return fmt.Errorf("%s: parquet: a batch of column %d is %d rows in %d chunks (want %d in one)", r.name, len(r.cells.cols), n, len(chunks), r.cells.cols[0].Len())
		}
	}
	r.cells.row = -1
	return nil
}

// releaseBatch lets go of the current batch.
func (r *parquetReader) releaseBatch() {
	for _, a := range r.cells.cols {
		a.Release()
	}
	clear(r.cells.cols)
	r.cells.cols = r.cells.cols[:0]
}

// release lets go of the batch and the column readers.
func (r *parquetReader) release() {
	r.releaseBatch()
	for _, cr := range r.readers {
		cr.Release()
	}
	r.readers = nil
}

// rowText is empty: a Parquet row has no text of its own; the reject names its number.
func (r *parquetReader) rowText() string { return "" }

// Close releases the batches and the file.
func (r *parquetReader) Close() error {
	r.release()
	return r.pf.Close()
}

// stringColumn is a text column: utf8, or large_utf8 as pyarrow stores pandas'
// pyarrow-backed strings (its default string type from pandas 3).
type stringColumn interface {
	arrow.Array
	Value(i int) string
}

// parquetCells are the typed values of one row of a batch.
type parquetCells struct {
	cols  []arrow.Array // the batch, a column per reader
	index []int         // header (leaf) index → column, -1 when not read
	row   int
	times *timeParser
}

// column returns the array holding header column i, nil when absent or null at this row.
func (c *parquetCells) column(i int) arrow.Array {
	if i < 0 || c.index[i] < 0 {
		return nil
	}
	j := c.index[i]
	a := c.cols[j]
	if a.IsNull(c.row) {
		return nil
	}
	return a
}

func (c *parquetCells) text(i int) string {
	switch a := c.column(i).(type) {
	case nil:
		return ""
	case stringColumn:
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
	case stringColumn:
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
	case *array.Int32, *array.Int16, *array.Int8, *array.Uint32, *array.Uint16, *array.Uint8:
		v, _, err := c.number(i) // exact: 32 bits at most
		return unixTime(int64(v)), err == nil, err
	case *array.Uint64:
		n := a.Value(c.row)
		if n > math.MaxInt64 {
			return time.Time{}, false, fmt.Errorf("%d is not a unix time", n)
		}
		return unixTime(int64(n)), true, nil
	case *array.Float64:
		t, err := unixFloat(a.Value(c.row))
		return t, err == nil, err
	case *array.Float32:
		t, err := unixFloat(float64(a.Value(c.row)))
		return t, err == nil, err
	case stringColumn:
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
