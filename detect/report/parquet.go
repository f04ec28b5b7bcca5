package report

import (
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stswatch/stswatch/detect"
)

// parquetRowGroup is how many events are buffered before they go out as one row
// group: memory stays bounded however long the run.
const parquetRowGroup = 8192

// Parquet writes the flat event table (the CSV's columns, typed: timestamps in
// UTC microseconds, absent values null) through arrow's pqarrow, zstd-compressed.
type Parquet struct {
	fw   *pqarrow.FileWriter
	b    *array.RecordBuilder
	rows int
}

// eventSchema is the Arrow schema of the flat event table.
var eventSchema = func() *arrow.Schema {
	fields := make([]arrow.Field, len(columns))
	for i, c := range columns {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}()

// NewParquet starts a Parquet file on w.
func NewParquet(w io.Writer) (*Parquet, error) {
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	// Hide any Close method of w: the file's owner closes it, as with the other writers.
	fw, err := pqarrow.NewFileWriter(eventSchema, struct{ io.Writer }{w}, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	return &Parquet{fw: fw, b: array.NewRecordBuilder(memory.DefaultAllocator, eventSchema)}, nil
}

// Write appends the event as one row; a full row group is written out.
func (p *Parquet) Write(e detect.Event) error {
	for i, c := range columns {
		appendValue(p.b.Field(i), c.get(&e))
	}
	p.rows++
	if p.rows >= parquetRowGroup {
		return p.flush()
	}
	return nil
}

func appendValue(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.Int64Builder:
		b.Append(v.(int64))
	case *array.Float64Builder:
		b.Append(v.(float64))
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v.(time.Time).UnixMicro()))
	}
}

func (p *Parquet) flush() error {
	if p.rows == 0 {
		return nil
	}
	rec := p.b.NewRecord()
	defer rec.Release()
	p.rows = 0
	if err := p.fw.Write(rec); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// Close writes the last row group and the footer; the file is valid after it.
func (p *Parquet) Close() error {
	err := p.flush()
	p.b.Release()
	if cerr := p.fw.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("parquet: %w", cerr)
	}
	return err
}
