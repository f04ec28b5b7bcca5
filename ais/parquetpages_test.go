package ais

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/thrift/lib/go/thrift"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testPage is a page header to write and the body bytes to follow it.
type testPage struct {
	typ, uncompressed, compressed, values int32
	v2Uncompressed                        bool // a v2 page with is_compressed false
	stats                                 int  // bytes of a statistics max_value in the data page header
	body                                  int
}

// pageHeaderBytes writes p as a Thrift compact PageHeader, as Parquet writers
// do, followed by its body of zero bytes.
func pageHeaderBytes(t *testing.T, p testPage) []byte {
	t.Helper()
	ctx := context.Background()
	tb := thrift.NewTMemoryBuffer()
	w := thrift.NewTCompactProtocolConf(tb, &thrift.TConfiguration{})
	i32 := func(id int16, v int32) {
		require.NoError(t, w.WriteFieldBegin(ctx, "", thrift.I32, id))
		require.NoError(t, w.WriteI32(ctx, v))
		require.NoError(t, w.WriteFieldEnd(ctx))
	}
	require.NoError(t, w.WriteStructBegin(ctx, "PageHeader"))
	i32(1, p.typ)
	i32(2, p.uncompressed)
	i32(3, p.compressed)
	sub := map[int32]int16{pageData: 5, pageDictionary: 7, pageDataV2: 8}[p.typ]
	if sub != 0 {
		require.NoError(t, w.WriteFieldBegin(ctx, "", thrift.STRUCT, sub))
		require.NoError(t, w.WriteStructBegin(ctx, ""))
		i32(1, p.values)
		i32(2, 0) // encoding, or v2's num_nulls
		if p.stats > 0 {
			require.NoError(t, w.WriteFieldBegin(ctx, "", thrift.STRUCT, 5)) // Statistics
			require.NoError(t, w.WriteStructBegin(ctx, ""))
			require.NoError(t, w.WriteFieldBegin(ctx, "", thrift.STRING, 5)) // max_value
			require.NoError(t, w.WriteBinary(ctx, bytes.Repeat([]byte{'x'}, p.stats)))
			require.NoError(t, w.WriteFieldEnd(ctx))
			require.NoError(t, w.WriteFieldStop(ctx))
			require.NoError(t, w.WriteStructEnd(ctx))
			require.NoError(t, w.WriteFieldEnd(ctx))
		}
		if p.typ == pageDataV2 {
			i32(3, p.values) // num_rows
			i32(4, 0)        // encoding
			i32(5, 1)        // definition levels byte length
			i32(6, 0)        // repetition levels byte length
			require.NoError(t, w.WriteFieldBegin(ctx, "", thrift.BOOL, 7))
			require.NoError(t, w.WriteBool(ctx, !p.v2Uncompressed))
			require.NoError(t, w.WriteFieldEnd(ctx))
		}
		require.NoError(t, w.WriteFieldStop(ctx))
		require.NoError(t, w.WriteStructEnd(ctx))
		require.NoError(t, w.WriteFieldEnd(ctx))
	}
	require.NoError(t, w.WriteFieldStop(ctx))
	require.NoError(t, w.WriteStructEnd(ctx))
	require.NoError(t, w.Flush(ctx))
	return append(tb.Bytes(), make([]byte, p.body)...)
}

// TestPageWalk: the walk of a column chunk's pages accepts a chunk whose pages
// hold the values its metadata claims, inside the chunk, taking each page's
// body as pqarrow does, and rejects the chunks on which pqarrow would read past
// the chunk's end.
func TestPageWalk(t *testing.T) {
	dict := testPage{typ: pageDictionary, uncompressed: 5, compressed: 5, values: 3, body: 5}
	data := func(values int32) testPage {
		return testPage{typ: pageData, uncompressed: 4, compressed: 4, values: values, body: 4}
	}
	for _, tc := range []struct {
		name   string
		pages  []testPage
		extra  int   // bytes of the chunk past its pages
		values int64 // the chunk's values, as its metadata claims
		err    string
	}{
		{name: "dictionary and two data pages", pages: []testPage{dict, data(2), data(3)}, values: 5},
		{name: "the walk stops at the claimed values", pages: []testPage{data(2), data(3)}, extra: 3, values: 2},
		{name: "pages hold fewer values than claimed", pages: []testPage{dict, data(2), data(3)}, values: 6,
			err: "the column chunk's pages hold 5 values, its metadata claims 6"},
		{name: "pages of no values to the end", pages: []testPage{data(0), data(0)}, values: 1,
			err: "the column chunk's pages hold 0 values, its metadata claims 1"},
		{name: "a page of an unknown type has its body taken for the next header",
			pages: []testPage{{typ: 1, uncompressed: 9, compressed: 9}, data(2)}, values: 2},
		{name: "an uncompressed v2 page reads its uncompressed size",
			pages: []testPage{{typ: pageDataV2, uncompressed: 6, compressed: 2, values: 2, v2Uncompressed: true, body: 6}, data(1)}, values: 3},
		{name: "a compressed v2 page reads its compressed size",
			pages: []testPage{{typ: pageDataV2, uncompressed: 6, compressed: 2, values: 2, body: 2}, data(1)}, values: 3},
		{name: "a header larger than the first view is read again with a larger one",
			pages: []testPage{{typ: pageData, uncompressed: 4, compressed: 4, values: 2, stats: 5000, body: 4}, data(1)}, values: 3},
		{name: "a body past the chunk's end", pages: []testPage{{typ: pageData, uncompressed: 90, compressed: 90, values: 1, body: 10}}, values: 1,
			err: "ends past its column chunk (80 bytes over)"},
		{name: "negative values", pages: []testPage{data(-1)}, values: 1, err: "negative number of values"},
		{name: "negative size", pages: []testPage{{typ: pageData, uncompressed: -4, compressed: 4, values: 1, body: 4}}, values: 1,
			err: "negative page size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const start = 7 // the chunk's offset in the file
			src := make([]byte, start)
			for _, p := range tc.pages {
				src = append(src, pageHeaderBytes(t, p)...)
			}
			src = append(src, make([]byte, tc.extra)...)
			n := int64(len(src) - start)
			src = append(src, "trailing bytes of the file"...)
			w := pageWalk{src: memAccess(src)}
			err := w.check(start, n, tc.values)
			if tc.err == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tc.err)
			}
		})
	}
}

// TestPageWalkTruncatedHeader: a header cut by the chunk's end is an error
// naming where it starts and where the chunk ends.
func TestPageWalkTruncatedHeader(t *testing.T) {
	b := pageHeaderBytes(t, testPage{typ: pageData, uncompressed: 4, compressed: 4, values: 1})
	w := pageWalk{src: memAccess(b)}
	err := w.check(0, int64(len(b)-2), 1)
	assert.ErrorContains(t, err, "page header at byte 0 (the chunk ends at byte ")
}

// memAccess is random access to b.
func memAccess(b []byte) *randomAccess {
	return &randomAccess{ReaderAt: bytes.NewReader(b), size: int64(len(b))}
}

// emptyFirstPage sets to 0 the values of the first data page of the MMSI
// column in row group g of the Parquet file data (one byte changed), which
// then holds fewer values than its metadata claims.
func emptyFirstPage(t *testing.T, data []byte, g int) {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	col, err := pf.MetaData().RowGroup(g).ColumnChunk(0)
	require.NoError(t, err)
	start, n := chunkRange(pf.MetaData(), col, int64(len(data)))
	w := pageWalk{src: memAccess(data)}
	require.NoError(t, w.check(start, n, col.NumValues()))
	for off := start; ; {
		h, hn, err := w.header(off, n)
		require.NoError(t, err)
		if h.typ != pageData {
			off += hn + int64(h.compressed)
			continue
		}
		require.Equal(t, int32(1), h.values)
		// The DataPageHeader's first field, num_values, zigzag 1 → 0.
		i := bytes.Index(data[off:off+hn], []byte{0x2c, 0x15, 0x02})
		require.GreaterOrEqual(t, i, 0)
		data[off+int64(i)+2] = 0
		h, _, err = w.header(off, n)
		require.NoError(t, err)
		require.Equal(t, int32(0), h.values)
		return
	}
}

// TestParquetPagesShortOfMetadata: a row group whose first data page of a
// column holds no values while the metadata claims one is refused as corrupt
// before pqarrow reads it (and walks past the chunk's end), naming the row
// group and column; the rows of the groups before it are read.
func TestParquetPagesShortOfMetadata(t *testing.T) {
	t0 := time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)
	rows := []parquetRow{
		{mmsi: "123456789", time: &t0, lat: ptr(39.0), lon: 124},
		{mmsi: "123456790", time: &t0, lat: ptr(39.1), lon: 124},
		{mmsi: "123456791", time: &t0, lat: ptr(39.2), lon: 124},
	}
	for _, tc := range []struct {
		group int
		mmsis []uint32 // read before the error
	}{
		{0, nil},
		{1, []uint32{123456789}},
		{2, []uint32{123456789, 123456790}},
	} {
		t.Run(fmt.Sprintf("row group %d", tc.group), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.parquet")
			writeParquet(t, path, rows, 1)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			emptyFirstPage(t, data, tc.group)

			var c closers
			defer c.close()
			r, err := openStream("short.parquet", bytes.NewReader(data), memAccess(data), Options{}, &c)
			var mmsis []uint32
			for err == nil {
				var rec Record
				if rec, err = r.Next(); err == nil && rec.Kind == KindPosition {
					mmsis = append(mmsis, rec.MMSI)
				}
			}
			assert.Equal(t, tc.mmsis, mmsis)
			assert.EqualError(t, err, fmt.Sprintf(`short.parquet: parquet: corrupt file: row group %d, column "MMSI": the column chunk's pages hold 0 values, its metadata claims 1`, tc.group))
		})
	}
}
