package ais

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parquetRow is one row the test writes.
type parquetRow struct {
	mmsi  string // written as a string column, so anonymised ids fit
	time  *time.Time
	lat   *float64
	lon   float64
	sog   float32
	name  string // "" is null
	imo   int64
	class string
}

// writeParquet writes rows with MarineCadastre column names, groupRows rows per
// row group, with the writer's defaults or the properties given.
func writeParquet(t testing.TB, path string, rows []parquetRow, groupRows int64, props ...parquet.WriterProperty) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "MMSI", Type: arrow.BinaryTypes.String},
		{Name: "BaseDateTime", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "LAT", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "LON", Type: arrow.PrimitiveTypes.Float64},
		{Name: "SOG", Type: arrow.PrimitiveTypes.Float32},
		{Name: "Unused", Type: arrow.PrimitiveTypes.Int32},
		{Name: "VesselName", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "IMO", Type: arrow.PrimitiveTypes.Int64},
		{Name: "TransceiverClass", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		b.Field(0).(*array.StringBuilder).Append(r.mmsi)
		if r.time == nil {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(r.time.UnixMilli()))
		}
		if r.lat == nil {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Float64Builder).Append(*r.lat)
		}
		b.Field(3).(*array.Float64Builder).Append(r.lon)
		b.Field(4).(*array.Float32Builder).Append(r.sog)
		b.Field(5).(*array.Int32Builder).Append(7)
		if r.name == "" {
			b.Field(6).AppendNull()
		} else {
			b.Field(6).(*array.StringBuilder).Append(r.name)
		}
		b.Field(7).(*array.Int64Builder).Append(r.imo)
		b.Field(8).(*array.StringBuilder).Append(r.class)
	}
	rec := b.NewRecord()
	defer rec.Release()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	w, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(append([]parquet.WriterProperty{parquet.WithMaxRowGroupLength(groupRows)}, props...)...), pqarrow.DefaultWriterProps())
	require.NoError(t, err)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
}

// writeParquetRecord writes the rows built in b to a Parquet file at path in one row group.
func writeParquetRecord(t testing.TB, path string, b *array.RecordBuilder, props pqarrow.ArrowWriterProperties) {
	t.Helper()
	rec := b.NewRecord()
	defer rec.Release()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, parquet.NewWriterProperties(), props)
	require.NoError(t, err)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
}

func ptr[T any](v T) *T { return &v }

func TestParquet(t *testing.T) {
	t0 := time.Date(2023, 1, 2, 3, 4, 5, 678e6, time.UTC)
	rows := []parquetRow{
		{mmsi: "445123456", time: ptr(t0), lat: ptr(39.5), lon: 124.25, sog: 0.5, name: "CHON MA SAN", imo: 8660313, class: "A"},
		{mmsi: "445123456", time: ptr(t0.Add(time.Minute)), lat: ptr(39.6), lon: 124.3, sog: 0.4, name: "CHON MA SAN", imo: 8660313, class: "A"},
		{mmsi: "413000001", time: ptr(t0.Add(2 * time.Minute)), lat: ptr(91.0), lon: 181, sog: 102.3, class: "B"},
		{mmsi: "413000001", time: nil, lat: ptr(39.0), lon: 124.0, sog: 1, class: "B"}, // no time: rejected
		{mmsi: "c0ffee-anon", time: ptr(t0.Add(3 * time.Minute)), lat: nil, lon: 124.0, sog: 1, class: "B"},
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "ais.parquet")
	writeParquet(t, p, rows, 2)
	pf, err := file.OpenParquetFile(p, false)
	require.NoError(t, err)
	require.Equal(t, 3, pf.NumRowGroups(), "rows span several row groups")
	require.NoError(t, pf.Close())
	const src = "ais.parquet"
	want := []Record{
		{Kind: KindPosition, MMSI: 445123456, Class: ClassA, Source: src, Time: t0, Has: HasTime | HasLatLon | HasSOG,
			Pos: Position{LatDeg: 39.5, LonDeg: 124.25, SOGKn: 0.5}},
		{Kind: KindStatic, MMSI: 445123456, Class: ClassA, Source: src, Time: t0, Has: HasTime | HasName | HasIMO,
			Static: Static{Name: "CHON MA SAN", IMO: 8660313}},
		{Kind: KindPosition, MMSI: 445123456, Class: ClassA, Source: src, Time: t0.Add(time.Minute), Has: HasTime | HasLatLon | HasSOG,
			Pos: Position{LatDeg: 39.6, LonDeg: 124.3, SOGKn: 0.4}},
		{Kind: KindPosition, MMSI: 413000001, Class: ClassB, Source: src, Time: t0.Add(2 * time.Minute), Has: HasTime},
		{Kind: KindPosition, MMSI: anonymousID("c0ffee-anon"), Class: ClassB, Source: src, Time: t0.Add(3 * time.Minute), Has: HasTime | HasSOG,
			Pos: Position{SOGKn: 1}},
	}

	t.Run("file", func(t *testing.T) {
		rej := &Rejects{}
		got := archOpenAll(t, p, Options{Rejects: rej})
		assert.Equal(t, want, got)
		assert.Equal(t, map[Reason]int64{BadField: 1}, rej.Counts())
		ex := rej.Examples()[0]
		assert.Equal(t, int64(4), ex.Line, "row number")
		assert.Equal(t, "time: empty", ex.Text)
	})
	t.Run("gzip, spooled", func(t *testing.T) {
		gz := archCompressFile(t, p, filepath.Join(dir, "ais.parquet.gz"), func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil })
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		got := archWithoutSource(archOpenAll(t, gz, Options{}))
		assert.Equal(t, archWithoutSource(append([]Record(nil), want...)), got)
		left, err := os.ReadDir(tmp)
		require.NoError(t, err)
		assert.Empty(t, left, "spool removed on Close")
	})
	t.Run("truncated", func(t *testing.T) {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		cut := filepath.Join(dir, "cut.parquet")
		require.NoError(t, os.WriteFile(cut, b[:len(b)/2], 0o644))
		_, err = Open(cut, Options{})
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), cut+": parquet: "), err.Error())
	})
	t.Run("missing columns", func(t *testing.T) {
		_, err := Open(p, Options{Columns: map[string]string{"mmsi": "ShipID"}})
		require.Error(t, err)
		assert.Equal(t, p+`: column "ShipID" (for mmsi) not in header`, err.Error())
	})
}

// TestParquetColumnTypes reads the column types other writers use: pyarrow
// stores its Arrow schema, so pandas' pyarrow-backed strings (its default
// string type from pandas 3) come back as large_utf8, read like utf8.
func TestParquetColumnTypes(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 0, 0, 5, 0, time.UTC)
	want := Record{Kind: KindPosition, MMSI: 219000001, Source: "types.parquet", Time: t0,
		Has: HasTime | HasLatLon | HasSOG, Pos: Position{LatDeg: 55.5, LonDeg: 12.25, SOGKn: 1.5}}
	for _, tc := range []struct {
		name string
		typ  arrow.DataType
		add  func(b array.Builder, text string)
	}{
		{"utf8", arrow.BinaryTypes.String, func(b array.Builder, s string) { b.(*array.StringBuilder).Append(s) }},
		{"large_utf8", arrow.BinaryTypes.LargeString, func(b array.Builder, s string) { b.(*array.LargeStringBuilder).Append(s) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			names := []string{"MMSI", "BaseDateTime", "LAT", "LON", "SOG"}
			values := []string{"219000001", "2024-03-01T00:00:05", "55.5", "12.25", "1.5"}
			fields := make([]arrow.Field, len(names))
			for i, n := range names {
				fields[i] = arrow.Field{Name: n, Type: tc.typ}
			}
			schema := arrow.NewSchema(fields, nil)
			b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
			defer b.Release()
			for i, v := range values {
				tc.add(b.Field(i), v)
			}
			p := filepath.Join(t.TempDir(), "types.parquet")
			writeParquetRecord(t, p, b, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
			rej := &Rejects{}
			assert.Equal(t, []Record{want}, archOpenAll(t, p, Options{Rejects: rej}))
			assert.Empty(t, rej.Counts())
		})
	}
}

// TestParquetTimeTypes reads unix times from time columns of every integer
// and float type, the unit told by size as for int64 (a float keeping its
// fraction); a value no unix time can be is a bad row, as a NaN or an
// unsigned value past int64. Only int64 was read before: every other type
// was "column type ... is not a time".
func TestParquetTimeTypes(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 0, 0, 5, 0, time.UTC) // 1709251205
	for _, tc := range []struct {
		name   string
		typ    arrow.DataType
		add    func(b array.Builder)
		want   time.Time
		reject string // the bad-field text when the row is rejected, "" when read
	}{
		{"int8", arrow.PrimitiveTypes.Int8, func(b array.Builder) { b.(*array.Int8Builder).Append(-5) }, time.Unix(-5, 0).UTC(), ""},
		{"int16", arrow.PrimitiveTypes.Int16, func(b array.Builder) { b.(*array.Int16Builder).Append(30000) }, time.Unix(30000, 0).UTC(), ""},
		{"int32 s", arrow.PrimitiveTypes.Int32, func(b array.Builder) { b.(*array.Int32Builder).Append(1709251205) }, t0, ""},
		{"int64 s", arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(1709251205) }, t0, ""},
		{"int64 ms", arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(1709251205250) }, t0.Add(250 * time.Millisecond), ""},
		{"int64 µs", arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(1709251205250001) }, t0.Add(250001 * time.Microsecond), ""},
		{"int64 ns", arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(1709251205250000001) }, t0.Add(250000001), ""},
		{"uint8", arrow.PrimitiveTypes.Uint8, func(b array.Builder) { b.(*array.Uint8Builder).Append(255) }, time.Unix(255, 0).UTC(), ""},
		{"uint16", arrow.PrimitiveTypes.Uint16, func(b array.Builder) { b.(*array.Uint16Builder).Append(65535) }, time.Unix(65535, 0).UTC(), ""},
		{"uint32 s", arrow.PrimitiveTypes.Uint32, func(b array.Builder) { b.(*array.Uint32Builder).Append(1709251205) }, t0, ""},
		{"uint32 past int32", arrow.PrimitiveTypes.Uint32, func(b array.Builder) { b.(*array.Uint32Builder).Append(4294967295) }, time.Unix(4294967295, 0).UTC(), ""},
		{"uint64 s", arrow.PrimitiveTypes.Uint64, func(b array.Builder) { b.(*array.Uint64Builder).Append(1709251205) }, t0, ""},
		{"uint64 ms", arrow.PrimitiveTypes.Uint64, func(b array.Builder) { b.(*array.Uint64Builder).Append(1709251205250) }, t0.Add(250 * time.Millisecond), ""},
		{"uint64 past int64", arrow.PrimitiveTypes.Uint64, func(b array.Builder) { b.(*array.Uint64Builder).Append(1 << 63) }, time.Time{}, "time: 9223372036854775808 is not a unix time"},
		{"float64 s", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(1709251205.25) }, t0.Add(250 * time.Millisecond), ""},
		{"float64 ms", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(1709251205250.5) }, t0.Add(250500 * time.Microsecond), ""},
		{"float64 negative", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(-1.5) }, time.Unix(-2, 5e8).UTC(), ""},
		{"float64 NaN", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(math.NaN()) }, time.Time{}, "time: NaN is not a unix time"},
		{"float64 +Inf", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(math.Inf(1)) }, time.Time{}, "time: +Inf is not a unix time"},
		{"float64 -Inf", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(math.Inf(-1)) }, time.Time{}, "time: -Inf is not a unix time"},
		{"float64 past int64", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(1 << 63) }, time.Time{}, "time: 9.223372036854776e+18 is not a unix time"},
		{"float64 below int64", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(-1e19) }, time.Time{}, "time: -1e+19 is not a unix time"},
		{"float32 s", arrow.PrimitiveTypes.Float32, func(b array.Builder) { b.(*array.Float32Builder).Append(1709251200) }, t0.Add(-5 * time.Second), ""},
		{"float32 fraction", arrow.PrimitiveTypes.Float32, func(b array.Builder) { b.(*array.Float32Builder).Append(1.5) }, time.Unix(1, 5e8).UTC(), ""},
		{"float32 NaN", arrow.PrimitiveTypes.Float32, func(b array.Builder) { b.(*array.Float32Builder).Append(float32(math.NaN())) }, time.Time{}, "time: NaN is not a unix time"},
		{"float32 null", arrow.PrimitiveTypes.Float32, func(b array.Builder) { b.AppendNull() }, time.Time{}, "time: empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			schema := arrow.NewSchema([]arrow.Field{
				{Name: "MMSI", Type: arrow.PrimitiveTypes.Int64},
				{Name: "BaseDateTime", Type: tc.typ, Nullable: true},
				{Name: "LAT", Type: arrow.PrimitiveTypes.Float64},
				{Name: "LON", Type: arrow.PrimitiveTypes.Float64},
			}, nil)
			b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
			defer b.Release()
			b.Field(0).(*array.Int64Builder).Append(219000001)
			tc.add(b.Field(1))
			b.Field(2).(*array.Float64Builder).Append(55.5)
			b.Field(3).(*array.Float64Builder).Append(12.25)
			p := filepath.Join(t.TempDir(), "times.parquet")
			writeParquetRecord(t, p, b, pqarrow.DefaultWriterProps())

			rej := &Rejects{}
			got := archOpenAll(t, p, Options{Rejects: rej})
			if tc.reject != "" {
				assert.Empty(t, got)
				assert.Equal(t, map[Reason]int64{BadField: 1}, rej.Counts())
				require.Len(t, rej.Examples(), 1)
				assert.Equal(t, tc.reject, rej.Examples()[0].Text)
				return
			}
			want := Record{Kind: KindPosition, MMSI: 219000001, Source: "times.parquet", Time: tc.want,
				Has: HasTime | HasLatLon, Pos: Position{LatDeg: 55.5, LonDeg: 12.25}}
			assert.Equal(t, []Record{want}, got)
			assert.Empty(t, rej.Counts())
		})
	}
}

// BenchmarkParquetReader reads the Solent fixes (18,623 rows) from a Parquet
// file in row groups of 4,096 and compares, interleaved in the same run, with
// reading the same fixes from the original CSV with this package's CSV reader:
// "x-vs-csvreader" is the baseline's time over ours (> 1: faster than the CSV).
func BenchmarkParquetReader(b *testing.B) {
	src := dataFile(b, "stonesoup/SolentAIS_20160112_130211.csv")
	csvData, err := os.ReadFile(src)
	require.NoError(b, err)
	var rows []parquetRow
	for _, rec := range archOpenAll(b, src, Options{}) {
		rows = append(rows, parquetRow{mmsi: strconv.Itoa(int(rec.MMSI)), time: ptr(rec.Time), lat: ptr(rec.Pos.LatDeg), lon: rec.Pos.LonDeg, sog: rec.Pos.SOGKn})
	}
	p := filepath.Join(b.TempDir(), "solent.parquet")
	writeParquet(b, p, rows, 4096)
	read := func(r Reader) int {
		n := 0
		for {
			if _, err := r.Next(); err != nil {
				return n
			}
			n++
		}
	}
	var base time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		start := time.Now()
		cr, err := newCSVReader(bytes.NewReader(csvData), "solent.csv", Options{})
		require.NoError(b, err)
		read(cr)
		base += time.Since(start)
		b.StartTimer()

		rc, err := Open(p, Options{})
		require.NoError(b, err)
		if n := read(rc); n != len(rows) {
			b.Fatalf("read %d rows, want %d", n, len(rows))
		}
		require.NoError(b, rc.Close())
	}
	b.StopTimer()
	reportRowsVsBaseline(b, b.N*len(rows), base, "x-vs-csvreader")
}

// TestParquetCorrupt reads Parquet files FuzzOpenStream found (kept in its
// corpus): on each, reading ends in an error that says the file is corrupt,
// not in a crash or a hang. The first two end in the page walk at open
// (pageWalk.goodGroups); before it, pqarrow v15 panicked in a goroutine of
// its own on the first (a column chunk of negative length) and parsed a stale
// page header again and again on the second, for seconds. The third claims more rows than
// its pages hold; on the fourth the decoder panics, which recoverCorrupt turns
// into the error.
func TestParquetCorrupt(t *testing.T) {
	for _, tc := range []struct{ corpus, want string }{
		{"fa66c3ba721440b6", `bad.parquet: parquet: corrupt file: row group 0, column "MMSI": page header at byte 23 (the chunk ends at byte 55): EOF`},
		{"8d43d3fce73e65ff", `bad.parquet: parquet: corrupt file: row group 0, column "MMSI": page header at byte 23 (the chunk ends at byte 55): EOF`},
		{"3bf51ebf487b0d66", "bad.parquet: parquet: corrupt file: 0 rows decoded of the 1 it claims"},
		{"10a0b805f46bc5d0", "bad.parquet: parquet: corrupt file: runtime error: invalid memory address or nil pointer dereference"},
	} {
		t.Run(tc.corpus, func(t *testing.T) {
			entry, err := os.ReadFile(filepath.Join("testdata/fuzz/FuzzOpenStream", tc.corpus))
			require.NoError(t, err)
			_, quoted, ok := strings.Cut(strings.TrimSpace(string(entry)), "\n")
			require.True(t, ok)
			s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(quoted, "[]byte("), ")"))
			require.NoError(t, err)
			data := []byte(s)
			var c closers
			defer c.close()
			r, err := openStream("bad.parquet", bytes.NewReader(data), &randomAccess{ReaderAt: bytes.NewReader(data), size: int64(len(data))}, Options{}, &c)
			for err == nil {
				_, err = r.Next()
			}
			assert.EqualError(t, err, tc.want)
		})
	}
}

// TestBatchAllocatorCap: the decoder may allocate parquetBatchBytes for one
// batch (nextBatch resets the count); one byte more panics, and recoverCorrupt
// turns the panic into an error saying the file is corrupt.
func TestBatchAllocatorCap(t *testing.T) {
	mem := &batchAllocator{Allocator: memory.DefaultAllocator}
	allocate := func(sizes ...int) (err error) {
		defer recoverCorrupt("big.parquet", &err)
		for _, n := range sizes {
			mem.Free(mem.Allocate(n))
		}
		return nil
	}
	require.NoError(t, allocate(parquetBatchBytes/2, parquetBatchBytes/2))
	assert.EqualError(t, allocate(1), "big.parquet: parquet: corrupt file: decoding one batch would allocate over 64 MiB")
	mem.used.Store(0)
	assert.NoError(t, allocate(1))
}

// TestParquetWriterVariants reads files of the same rows written with pages of
// both versions, compressed or not, with and without dictionaries, and with
// small pages (dozens per column chunk): every variant passes the page walk
// (pageWalk takes each page's body as pqarrow does) and reads back
// the same records as the writer's defaults.
func TestParquetWriterVariants(t *testing.T) {
	t0 := time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)
	var rows []parquetRow
	for i := range 3000 {
		rows = append(rows, parquetRow{
			mmsi: strconv.Itoa(445000000 + i%37), time: ptr(t0.Add(time.Duration(i) * 7 * time.Second)),
			lat: ptr(39 + float64(i%500)/1000), lon: 124 + float64(i%700)/1000, sog: float32(i%40) / 4,
			name: []string{"", "CHON MA SAN", "YU JONG 2"}[i%3], imo: int64(8660313 + i%5), class: "A",
		})
	}
	read := func(props ...parquet.WriterProperty) []Record {
		p := filepath.Join(t.TempDir(), "ais.parquet") // one name: records carry it
		writeParquet(t, p, rows, 1000, props...)
		return archOpenAll(t, p, Options{})
	}
	want := read()
	require.Len(t, want, 2*len(rows)) // a position and a static record a row
	small := parquet.WithDataPageSize(512)
	for _, tc := range []struct {
		name  string
		props []parquet.WriterProperty
	}{
		{"v1 small pages", []parquet.WriterProperty{small}},
		{"v1 snappy no dictionary", []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(false)}},
		{"v2", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2)}},
		{"v2 small pages zstd", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2), small, parquet.WithCompression(compress.Codecs.Zstd)}},
		{"v2 small pages gzip no dictionary", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2), small, parquet.WithCompression(compress.Codecs.Gzip), parquet.WithDictionaryDefault(false)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, want, read(tc.props...))
		})
	}
}
