package main

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/ais"
)

// countReader yields n position records with MMSI 1..n, then err (io.EOF when nil).
type countReader struct {
	n, i int
	err  error
}

func (r *countReader) Next() (ais.Record, error) {
	if r.i == r.n {
		if r.err != nil {
			return ais.Record{}, r.err
		}
		return ais.Record{}, io.EOF
	}
	r.i++
	return ais.Record{Kind: ais.KindPosition, MMSI: uint32(r.i)}, nil
}

func TestBatchesKeepOrder(t *testing.T) {
	tests := []struct {
		name    string
		readers []*countReader
		want    int
		wantErr error
	}{
		{"empty", []*countReader{{n: 0}}, 0, nil},
		{"one partial batch", []*countReader{{n: 7}}, 7, nil},
		{"exact batches", []*countReader{{n: 2 * batchLen}}, 2 * batchLen, nil},
		{"several inputs", []*countReader{{n: batchLen + 3}, {n: 5}}, batchLen + 8, nil},
		{"read error after some records", []*countReader{{n: 10, err: errors.New("boom")}}, 10, errors.New("boom")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBatches()
			var count atomic.Int64
			errc := make(chan error, 1)
			go func() {
				defer b.close()
				var first error
				for _, r := range tt.readers {
					if err := b.fill(context.Background(), r, &count); err != nil && first == nil {
						first = err
					}
				}
				errc <- first
			}()
			var got []uint32
			stopped := b.drain(context.Background(), func(r ais.Record) { got = append(got, r.MMSI) })
			assert.False(t, stopped)
			assert.Equal(t, tt.wantErr, <-errc)
			require.Len(t, got, tt.want)
			assert.Equal(t, int64(tt.want), count.Load())
			// each reader's records arrive in its order, readers one after another
			i := 0
			for _, r := range tt.readers {
				for m := 1; m <= r.n; m++ {
					require.Equal(t, uint32(m), got[i], "record %d", i)
					i++
				}
			}
		})
	}
}

// endless yields records forever.
type endless struct{ n uint32 }

func (r *endless) Next() (ais.Record, error) { r.n++; return ais.Record{MMSI: r.n}, nil }

func TestBatchesStopOnCancel(t *testing.T) {
	b := newBatches()
	ctx, cancel := context.WithCancel(context.Background())
	var count atomic.Int64
	errc := make(chan error, 1)
	go func() { errc <- b.fill(ctx, &endless{}, &count) }()
	pushed := 0
	stopped := b.drain(ctx, func(ais.Record) {
		pushed++
		if pushed == 3*batchLen {
			cancel()
		}
	})
	assert.True(t, stopped)
	assert.ErrorIs(t, <-errc, context.Canceled)
	assert.GreaterOrEqual(t, pushed, 3*batchLen)
	assert.GreaterOrEqual(t, count.Load(), int64(pushed), "every record pushed was counted as read")
}

func TestParseColumns(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]string
		wantErr string
	}{
		{"", nil, ""},
		{"mmsi=ID,time=ts, lat = latitude,LON=longitude", map[string]string{"mmsi": "ID", "time": "ts", "lat": "latitude", "lon": "longitude"}, ""},
		{"mmsi=ID,time", nil, `--columns "time": want canonical=header`},
		{"mmsi=", nil, `--columns "mmsi=": want canonical=header`},
	}
	for _, tt := range tests {
		got, err := parseColumns(tt.in)
		if tt.wantErr != "" {
			require.Error(t, err, tt.in)
			assert.Contains(t, err.Error(), tt.wantErr)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
}

func TestBatchesSteadyStateAllocs(t *testing.T) {
	b := newBatches()
	var count atomic.Int64
	ctx := context.Background()
	allocs := testing.AllocsPerRun(20, func() {
		r := &countReader{n: 4 * batchLen}
		done := make(chan struct{})
		go func() { defer close(done); b.fill(ctx, r, &count) }()
		for range 4 {
			batch := <-b.full
			b.free <- batch[:0]
		}
		<-done
	})
	// the reader, the channel and the goroutine: a handful per run, none per record or batch
	assert.Less(t, allocs, 10.0)
}
