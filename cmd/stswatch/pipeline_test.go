package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
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
	rec := ais.Record{Kind: ais.KindPosition, MMSI: uint32(r.i)}
	if r.i%2 == 0 {
		rec.Has |= ais.HasTime
	}
	return rec, nil
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
					c, err := b.fill(context.Background(), r, &count)
					if err != nil && first == nil {
						first = err
					}
					assert.Equal(t, inputCounts{records: int64(r.n), timed: int64(r.n / 2)}, c, "records of one input, half with a time")
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
	go func() {
		_, err := b.fill(ctx, &endless{}, &count)
		errc <- err
	}()
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

func TestRunStatsPrint(t *testing.T) {
	st := newRunStats()
	st.Records.Store(1000)
	st.Bytes.Store(2_500_000)
	st.Elapsed = 2 * time.Second
	st.Inputs, st.Failed = 2, 1
	st.InputErrs = []error{errors.New("b.zip: not a zip file")}
	st.Rejects.Add(ais.BadChecksum, "a.nmea", 7, []byte("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*FF"))
	st.Rejects.Add(ais.BadChecksum, "a.nmea", 9, []byte("!AIVDM,bad*00"))
	st.Rejects.Add(ais.Binary, "a.nmea", 12, []byte("\x00\x01ok"))
	st.Vessels = 42
	st.Detector = detect.Stats{Late: 3, Duplicates: 4, Invalid: map[string]int64{"sog": 2, "lat": 1}}
	for _, e := range []detect.Event{{Type: detect.TypeEncounter, Alert: true}, {Type: detect.TypeEncounter}, {Type: detect.TypeGap}} {
		st.countEvent(e)
	}
	st.Filtered = 5
	st.Untimed = []untimedInput{{name: "c.nmea", records: 12}}
	st.Stopped = "interrupt"

	var buf bytes.Buffer
	st.print(&buf)
	want := []string{
		"inputs:    2 read, 1 failed\n  b.zip: not a zip file\n",
		"messages:  1000 read in 2s (500 msg/s, 2.5 MB)\n",
		"rejected:  3 (bad-checksum 2, binary 1)\n",
		"  bad-checksum      a.nmea:7: !AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*FF\n",
		"  binary            a.nmea:12: ..ok\n",
		"vessels:   42 active at the end of input\n",
		"dropped:   3 late, 4 duplicates, 0 thinned, 0 outliers, 0 without time or position, 3 invalid (lat 1, sog 2)\n",
		"warning:   c.nmea: none of its 12 records has a time (no tag block c:, receiver timestamp or CSV time column), so the detectors skipped them all\n",
		"events:    encounter 2 loitering 0 gap 1 identity 0; alerts 1 (5 non-alert events not written: --alerts-only)\n",
		"stopped:   by interrupt",
	}
	for _, w := range want {
		assert.Contains(t, buf.String(), w)
	}
}

func TestProgressOnlyOnTerminal(t *testing.T) {
	var buf bytes.Buffer
	st := newRunStats()
	stop := startProgress(&buf, 100, st)
	st.Bytes.Store(50)
	time.Sleep(300 * time.Millisecond)
	stop()
	assert.Empty(t, buf.String(), "no progress bar when the output is not a terminal")
}
