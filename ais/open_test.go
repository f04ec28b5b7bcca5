package ais

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// archWithoutSource clears Record.Source, which names the file read.
func archWithoutSource(recs []Record) []Record {
	for i := range recs {
		recs[i].Source = ""
	}
	return recs
}

// archCompressFile writes src compressed by one of the writers into dir and returns its path.
func archCompressFile(t *testing.T, src, dst string, wrap func(io.Writer) (io.WriteCloser, error)) string {
	t.Helper()
	in, err := os.ReadFile(src)
	require.NoError(t, err)
	out, err := os.Create(dst)
	require.NoError(t, err)
	defer out.Close()
	w, err := wrap(out)
	require.NoError(t, err)
	_, err = w.Write(in)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return dst
}

func TestOpenCompressed(t *testing.T) {
	src := dataFile(t, "stonesoup/SolentAIS_20160112_130211.csv")
	plain := archWithoutSource(archOpenAll(t, src, Options{}))
	require.Len(t, plain, 18623)
	dir := t.TempDir()
	tests := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"gzip", func(t *testing.T) string {
			return archCompressFile(t, src, filepath.Join(dir, "solent.csv.gz"), func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil })
		}},
		{"zstd, no telling name", func(t *testing.T) string {
			return archCompressFile(t, src, filepath.Join(dir, "solent.bin"), func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w) })
		}},
		{"bzip2", func(t *testing.T) string {
			bz, err := exec.LookPath("bzip2")
			if err != nil {
				t.Skip("no bzip2 command to write a .bz2 file")
			}
			out, err := exec.Command(bz, "-c", src).Output()
			require.NoError(t, err)
			p := filepath.Join(dir, "solent.csv.bz2")
			require.NoError(t, os.WriteFile(p, out, 0o644))
			return p
		}},
		{"zip", func(t *testing.T) string {
			return archWriteZip(t, filepath.Join(dir, "solent.zip"), map[string]string{"SolentAIS.csv": archReadString(t, src)})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.path(t)
			st, err := os.Stat(p)
			require.NoError(t, err)
			var n atomic.Int64
			got := archWithoutSource(archOpenAll(t, p, Options{BytesRead: &n}))
			assert.Equal(t, plain, got)
			assert.GreaterOrEqual(t, n.Load(), st.Size(), "raw bytes counted")
			assert.LessOrEqual(t, n.Load(), st.Size()+4096, "raw bytes counted about once (zip reads its directory twice)")
		})
	}
}

func archReadString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// archWriteZip writes a zip archive of the given entries (a name ending in "/" is a folder).
func archWriteZip(t *testing.T, path string, entries map[string]string) string {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	zw := zip.NewWriter(f)
	for name, body := range entries {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return path
}

func TestOpenZipEntriesInOrder(t *testing.T) {
	dir := t.TempDir()
	p := archWriteZip(t, filepath.Join(dir, "daily.zip"), map[string]string{
		"AIS_2023_01_10.csv":  archReadString(t, "testdata/dma.csv"),
		"AIS_2023_01_2.csv":   archReadString(t, "testdata/marinecadastre.csv"),
		".hidden.csv":         "garbage",
		"__MACOSX/._AIS.csv":  "\x00\x05\x16\x07",
		"notes/":              "",
		"notes/.DS_Store":     "\x00\x00",
		"zz/AIS_2023_01_11.z": "",
	})
	rej := &Rejects{}
	got := archOpenAll(t, p, Options{Rejects: rej})
	mc := archOpenAll(t, "testdata/marinecadastre.csv", Options{})
	dma := archOpenAll(t, "testdata/dma.csv", Options{})
	require.Len(t, got, len(mc)+len(dma))
	assert.Equal(t, archWithoutSource(append(mc, dma...)), archWithoutSource(append([]Record(nil), got...)))
	assert.Equal(t, map[Reason]int64{BadField: 3}, rej.Counts())
	assert.Equal(t, p+"/AIS_2023_01_2.csv", rej.Examples()[0].File)
}

// TestOpenZipBrokenEntry: an entry that cannot be read to its end, or at all,
// fails the archive, but only after the entries after it are read (a monthly
// archive of daily files loses only the broken day); its error comes instead
// of io.EOF.
func TestOpenZipBrokenEntry(t *testing.T) {
	// day writes rows fixes of a vessel on day d; the last is at 23:59:59.
	day := func(d, rows int) string {
		var b strings.Builder
		b.WriteString("MMSI,BaseDateTime,LAT,LON\n")
		for i := range rows {
			at := time.Date(2024, 3, d, 0, 0, 86400-rows+i, 0, time.UTC)
			fmt.Fprintf(&b, "21900000%d,%s,55.1,12\n", d, at.Format("2006-01-02T15:04:05"))
		}
		return b.String()
	}
	for _, tc := range []struct {
		name    string
		b       string // the middle entry's name
		bRows   int    // its fixes; 0: binary content
		records int
		err     string
	}{
		// Its checksum fails when detecting its format reads it whole.
		{"small entry with a checksum error", "b.csv", 2, 4, "/b.csv: zip: checksum error"},
		// Over 64 KiB: its rows are read, then its checksum fails at its end.
		{"large entry with a checksum error", "b.csv", 3000, 3004, "/b.csv:3002: zip: checksum error"},
		{"entry of unknown format", "b.bin", 0, 4, "/b.bin: unknown format: binary content"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, e := range []struct {
				name, body string
			}{{"a.csv", day(1, 2)}, {tc.b, day(2, tc.bRows)}, {"c.csv", day(3, 2)}} {
				if tc.bRows == 0 && e.name == tc.b {
					e.body = "\x00\x01\x02binary"
				}
				w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
				require.NoError(t, err)
				_, err = io.WriteString(w, e.body)
				require.NoError(t, err)
			}
			require.NoError(t, zw.Close())
			b := buf.Bytes()
			if i := bytes.Index(b, []byte("2024-03-02T23:59:59,55.1")); i >= 0 {
				b[i+len("2024-03-02T23:59:59,55.")] = '2' // b's stored data no longer fits its checksum
			}
			p := filepath.Join(t.TempDir(), "month.zip")
			require.NoError(t, os.WriteFile(p, b, 0o644))
			rc, err := Open(p, Options{})
			require.NoError(t, err)
			defer rc.Close()
			days := map[int]int{}
			n := 0
			for {
				rec, err := rc.Next()
				if err != nil {
					require.NotErrorIs(t, err, io.EOF)
					assert.True(t, strings.HasPrefix(err.Error(), p+tc.err), err.Error())
					break
				}
				days[rec.Time.Day()]++
				n++
			}
			assert.Equal(t, tc.records, n)
			assert.Equal(t, 2, days[3], "the entry after the broken one is read")
			_, err = rc.Next()
			assert.Error(t, err, "the error stays")
		})
	}
}

func TestOpenZipFromStdinSpooled(t *testing.T) {
	src := dataFile(t, "pyais/ais_test_messages")
	dir := t.TempDir()
	p := archWriteZip(t, filepath.Join(dir, "nmea.zip"), map[string]string{"a.nmea": archReadString(t, src)})
	f, err := os.Open(p)
	require.NoError(t, err)
	defer f.Close()
	stdin := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = stdin }()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	rc, err := Open("-", Options{})
	require.NoError(t, err)
	spooled, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Len(t, spooled, 1, "zip on stdin is spooled to a temporary file")
	got := archReadAll(t, rc)
	require.NoError(t, rc.Close())
	spooled, err = os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, spooled, "spool removed on Close")

	in, err := os.Open(src)
	require.NoError(t, err)
	defer in.Close()
	want := archReadAll(t, NewNMEAReader(in, "a.nmea", Options{}))
	require.NotEmpty(t, want)
	assert.Equal(t, archWithoutSource(want), archWithoutSource(got))
}

func TestDetectFormatShared(t *testing.T) {
	root := filepath.Dir(dataFile(t, "README.md"))
	var checked int
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".md") || strings.Contains(p, "reference") {
			return err
		}
		want := "nmea"
		if strings.HasSuffix(p, ".csv") {
			want = "csv"
		}
		f, err := os.Open(p)
		require.NoError(t, err)
		defer f.Close()
		got, err := detectFormat("data", bufio.NewReaderSize(f, peekSize), Options{})
		require.NoError(t, err, p)
		assert.Equal(t, want, got, p)
		checked++
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, checked, 20)
}

func TestDetectFormat(t *testing.T) {
	tests := []struct{ name, head, want string }{
		{"x", "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n", "nmea"},
		{"x", "\\s:r1,c:1418169601*00\\!AIVDM,1,1,,A,1,0*00\n", "nmea"},
		{"x", "$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17\n", "nmea"},
		{"x", "1418169601 !AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n", "nmea"},
		{"x", "2014-12-10T00:00:01Z,!BSVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n", "nmea"},
		{"x", "# comment\n\n!AIVDM,1,1,,A,1,0*00\n", "nmea"},
		{"x", "\ufeffMMSI,BaseDateTime,LAT,LON\n", "csv"},
		{"x", "# Timestamp,Type of mobile,MMSI,Latitude,Longitude\n", "csv"},
		{"x", "PAR1\x15\x04", "parquet"},
		{"x", "", "nmea"},
		{"x.csv", "a,b\n", "csv"},
		{"x.nmea.gz", "hello\n", "nmea"},
	}
	for _, tt := range tests {
		got, err := detectFormat(tt.name, bufio.NewReader(strings.NewReader(tt.head)), Options{})
		require.NoError(t, err, tt.head)
		assert.Equal(t, tt.want, got, tt.head)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	binary := write("blob.dat", "\x00\x01\x02\x03garbage")
	text := write("notes.dat", "hello world\nnothing here\n")
	badCSV := write("vessels.csv", "ID,Speed\n1,2\n")
	gzBad := write("broken.gz", "\x1f\x8b\x08\x00garbage")
	tests := []struct {
		name string
		path string
		opt  Options
		want string
	}{
		{"missing file", filepath.Join(dir, "nope.csv"), Options{}, "open " + filepath.Join(dir, "nope.csv") + ": no such file or directory"},
		{"directory", dir, Options{}, dir + ": is a directory (expand it first)"},
		{"binary", binary, Options{}, binary + ": unknown format: binary content that is not gzip, zstd, bzip2, zip or parquet"},
		{"unknown text", text, Options{}, text + `: unknown format: no NMEA sentence and no CSV header with mmsi/time/lat/lon columns (first line "hello world")`},
		{"csv lacking columns", badCSV, Options{}, badCSV + ": header lacks mmsi, time, lat, lon (columns: ID, Speed); map them with --columns, e.g. mmsi=ID,time=ts"},
		{"bad format option", text, Options{Format: "xml"}, text + `: unknown format "xml" (want nmea, csv or parquet)`},
		{"broken gzip", gzBad, Options{}, gzBad + ": gzip: "},
		{"not parquet", text, Options{Format: "parquet"}, text + ": parquet: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := Open(tt.path, tt.opt)
			require.Error(t, err)
			assert.Nil(t, rc)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "got %q, want prefix %q", err, tt.want)
		})
	}
}

func TestOpenFormatOverride(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "track.nmea")
	require.NoError(t, os.WriteFile(p, []byte("vessel;when\n"), 0o644))
	_, err := Open(p, Options{Format: "csv"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "header lacks mmsi, time, lat, lon", "read as CSV as told, not as NMEA by its name")
	csv := bytes.NewBufferString("mmsi,time,lat,lon\n235000001,2023-01-01 00:00:00,50,-1\n")
	require.NoError(t, os.WriteFile(p, csv.Bytes(), 0o644))
	recs := archOpenAll(t, p, Options{Format: "csv"})
	require.Len(t, recs, 1)
	assert.Equal(t, uint32(235000001), recs[0].MMSI)
}

// FuzzOpenStream feeds arbitrary bytes through compression and format
// detection and the chosen reader: an error is fine, a panic or a hang is not.
func FuzzOpenStream(f *testing.F) {
	for _, name := range []string{"testdata/marinecadastre.csv", "testdata/dma.csv"} {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		_, err = w.Write(b)
		require.NoError(f, err)
		require.NoError(f, w.Close())
		f.Add(gz.Bytes())
	}
	dir := f.TempDir()
	writeParquet(f, filepath.Join(dir, "a.parquet"), []parquetRow{{mmsi: "1", lon: 2}}, 2)
	// v2 pages, compressed, several to a column chunk
	t0 := time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)
	writeParquet(f, filepath.Join(dir, "b.parquet"), []parquetRow{{mmsi: "445000001", time: &t0, lat: ptr(39.5), lon: 124, name: "A"}, {mmsi: "445000002", lon: 2}, {mmsi: "445000001", lon: 3}}, 2,
		parquet.WithDataPageVersion(parquet.DataPageV2), parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDataPageSize(16))
	for _, name := range []string{"a.parquet", "b.parquet"} {
		pq, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(f, err)
		f.Add(pq)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c closers
		defer c.close()
		// Lines naming no source take none, one or another live source (a UDP sender) in turn.
		calls := 0
		senders := [][]byte{nil, []byte("127.0.0.1:4001"), []byte("[::1]:4002")}
		source := func() []byte { calls++; return senders[calls%len(senders)] }
		r, err := openStream("fuzz", bytes.NewReader(data), &randomAccess{ReaderAt: bytes.NewReader(data), size: int64(len(data))}, Options{Rejects: &Rejects{}, Source: source}, &c)
		if err != nil {
			return
		}
		for n := 0; n < 100_000; n++ {
			if _, err := r.Next(); err != nil {
				return
			}
		}
	})
}

// TestOpenCloseStopsWorkers: closing an NMEA input opened with several workers
// before its end stops its reading and decoding goroutines at once (not when the
// reader is garbage collected), plain or behind a decompressor.
func TestOpenCloseStopsWorkers(t *testing.T) {
	src := dataFile(t, "aishub/aishub_nmea-sample.txt") // 4 MB: many chunks
	gz := archCompressFile(t, src, filepath.Join(t.TempDir(), "aishub.nmea.gz"), func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil })
	for _, name := range []string{src, gz} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			base := runtime.NumGoroutine()
			r, err := Open(name, Options{Workers: 4})
			require.NoError(t, err)
			for range 100 {
				_, err := r.Next()
				require.NoError(t, err)
			}
			require.Greater(t, runtime.NumGoroutine(), base, "workers running mid-file")
			require.NoError(t, r.Close())
			n := runtime.NumGoroutine() // polled here: require.Eventually would add goroutines of its own
			for deadline := time.Now().Add(time.Second); n > base && time.Now().Before(deadline); n = runtime.NumGoroutine() {
				time.Sleep(time.Millisecond) // an exiting goroutine may still be counted an instant after Close
			}
			assert.LessOrEqual(t, n, base, "goroutines after Close vs before Open")
			runtime.KeepAlive(r) // still referenced: no cleanup by the collector
		})
	}
}
