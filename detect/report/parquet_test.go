package report

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/detect"
)

func readParquet(t *testing.T, data []byte) (arrow.Table, int) {
	t.Helper()
	rdr, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	require.NoError(t, err)
	tbl, err := fr.ReadTable(context.Background())
	require.NoError(t, err)
	t.Cleanup(tbl.Release)
	return tbl, rdr.NumRowGroups()
}

// columnOf returns the single chunk of the named column.
func columnOf(t *testing.T, tbl arrow.Table, name string) arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	require.Len(t, idx, 1, name)
	chunks := tbl.Column(idx[0]).Data().Chunks()
	require.Len(t, chunks, 1)
	return chunks[0]
}

func TestParquetRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	p, err := NewParquet(&buf)
	require.NoError(t, err)
	writeAll(t, p, testEvents())

	tbl, groups := readParquet(t, buf.Bytes())
	assert.Equal(t, int64(4), tbl.NumRows())
	assert.Equal(t, 1, groups)
	assert.Equal(t, len(columns), int(tbl.NumCols()))

	ids := columnOf(t, tbl, "event_id").(*array.String)
	assert.Equal(t, "enc1", ids.Value(0))
	assert.Equal(t, "id1", ids.Value(3))

	start := columnOf(t, tbl, "start").(*array.Timestamp)
	assert.Equal(t, t0.UnixMicro(), int64(start.Value(0)))
	assert.Equal(t, "UTC", start.DataType().(*arrow.TimestampType).TimeZone)

	mmsi2 := columnOf(t, tbl, "mmsi_2").(*array.Int64)
	assert.Equal(t, int64(412000001), mmsi2.Value(0))
	assert.True(t, mmsi2.IsNull(1), "a loiter has no second vessel")

	minDist := columnOf(t, tbl, "min_distance_m").(*array.Float64)
	assert.Equal(t, 42.4, minDist.Value(0))
	assert.True(t, minDist.IsNull(2))

	alert := columnOf(t, tbl, "alert").(*array.Boolean)
	assert.True(t, alert.Value(0))
	assert.False(t, alert.Value(1))

	reasons := columnOf(t, tbl, "reasons").(*array.String)
	assert.Equal(t, "flag-kp;flag-cn;barge-like", reasons.Value(0))
	assert.True(t, reasons.IsNull(3))
}

func TestParquetRowGroups(t *testing.T) {
	var buf bytes.Buffer
	p, err := NewParquet(&buf)
	require.NoError(t, err)
	e := testEvents()[1]
	n := parquetRowGroup + 5
	for range n {
		require.NoError(t, p.Write(e))
	}
	require.NoError(t, p.Close())

	tbl, groups := readParquet(t, buf.Bytes())
	assert.Equal(t, int64(n), tbl.NumRows())
	assert.Equal(t, 2, groups, "a full buffer goes out as its own row group")
}

func TestParquetEmpty(t *testing.T) {
	var buf bytes.Buffer
	p, err := NewParquet(&buf)
	require.NoError(t, err)
	writeAll(t, p, []detect.Event{})
	tbl, _ := readParquet(t, buf.Bytes())
	assert.Equal(t, int64(0), tbl.NumRows())
	assert.Equal(t, len(columns), int(tbl.NumCols()))
}
