package ais

import (
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"compress/bzip2"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// The magic bytes that open each compressed or random-access format.
var (
	magicGzip    = []byte{0x1f, 0x8b}
	magicZstd    = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicBzip2   = []byte("BZh")
	magicZip     = []byte("PK\x03\x04")
	magicParquet = []byte("PAR1")
)

// compressedExt lists the name endings stripped before a format is guessed from a name.
var compressedExt = []string{".gz", ".gzip", ".zst", ".zstd", ".bz2"}

// peekSize is how much of an input is looked at to detect its format.
const peekSize = 64 << 10

// closers is a stack of cleanups for one opened input, run in reverse order.
type closers []func() error

func (c *closers) push(f func() error) { *c = append(*c, f) }

// close runs every cleanup, last pushed first, and returns the first error.
func (c *closers) close() error {
	var first error
	for i := len(*c) - 1; i >= 0; i-- {
		if err := (*c)[i](); err != nil && first == nil {
			first = err
		}
	}
	*c = nil
	return first
}

// randomAccess is an uncompressed input that parquet and zip can seek in.
type randomAccess struct {
	io.ReaderAt
	size int64
}

// openStream detects the compression of r, unwraps it, then detects the format
// and returns a reader of records. ra, when not nil, is r itself as random
// access (a plain file); otherwise zip and parquet content is spooled to a
// temporary file. Cleanups go to c.
func openStream(name string, r io.Reader, ra *randomAccess, opt Options, c *closers) (Reader, error) {
	br := bufio.NewReaderSize(r, peekSize)
	head, err := br.Peek(len(magicZstd))
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case bytes.HasPrefix(head, magicGzip):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		c.push(zr.Close)
		return openStream(name, labelErrors{zr, "gzip"}, nil, opt, c)
	case bytes.HasPrefix(head, magicZstd):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("%s: zstd: %w", name, err)
		}
		c.push(func() error { zr.Close(); return nil })
		return openStream(name, labelErrors{zr, "zstd"}, nil, opt, c)
	case bytes.HasPrefix(head, magicBzip2):
		return openStream(name, labelErrors{bzip2.NewReader(br), "bzip2"}, nil, opt, c)
	case bytes.HasPrefix(head, magicZip):
		return openRandom(name, ra, br, opt, c, func(ra *randomAccess) (*zipReader, error) { return openZip(name, ra, opt) })
	}
	format := opt.Format
	if format == "" {
		if format, err = detectFormat(name, br, opt); err != nil {
			return nil, err
		}
	}
	switch format {
	case "nmea":
		r := NewNMEAReader(br, name, opt)
		if rc, ok := r.(io.Closer); ok {
			c.push(rc.Close) // runs before the decompressors and the file it reads are closed
		}
		return r, nil
	case "csv":
		return newCSVReader(br, name, opt)
	case "parquet":
		return openRandom(name, ra, br, opt, c, func(ra *randomAccess) (*parquetReader, error) { return newParquetReader(ra, name, opt) })
	}
	return nil, fmt.Errorf("%s: unknown format %q (want nmea, csv or parquet)", name, format)
}

// openRandom opens a reader that seeks in its input (zip, parquet) over
// random access to it (see randomAccessTo); c closes the reader.
func openRandom[R interface {
	Reader
	Close() error
}](name string, ra *randomAccess, br *bufio.Reader, opt Options, c *closers, open func(*randomAccess) (R, error)) (Reader, error) {
	ra, err := randomAccessTo(name, ra, br, opt, c)
	if err != nil {
		return nil, err
	}
	r, err := open(ra)
	if err != nil {
		return nil, err
	}
	c.push(r.Close)
	return r, nil
}

// randomAccessTo returns ra, the plain file, taking back from opt.BytesRead
// what was peeked through br so that its bytes count once; without a plain
// file it spools the rest of br to a temporary one.
func randomAccessTo(name string, ra *randomAccess, br *bufio.Reader, opt Options, c *closers) (*randomAccess, error) {
	if ra == nil {
		return spool(name, br, c)
	}
	if opt.BytesRead != nil {
		opt.BytesRead.Add(-int64(br.Buffered()))
	}
	return ra, nil
}

// labelErrors names the decompressor in the errors of its reads.
type labelErrors struct {
	r     io.Reader
	label string
}

func (l labelErrors) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", l.label, err)
	}
	return n, err
}

// spool copies a stream that needs random access (zip, parquet) to a temporary
// file, removed when the input is closed.
func spool(name string, r io.Reader, c *closers) (*randomAccess, error) {
	tmp, err := os.CreateTemp("", "stswatch-spool-*")
	if err != nil {
		return nil, fmt.Errorf("%s: spool: %w", name, err)
	}
	c.push(func() error {
		err := tmp.Close()
		if rerr := os.Remove(tmp.Name()); err == nil {
			err = rerr
		}
		return err
	})
	n, err := io.Copy(tmp, r)
	if err != nil {
		return nil, fmt.Errorf("%s: spool: %w", name, err)
	}
	return &randomAccess{ReaderAt: tmp, size: n}, nil
}

// zipReader reads the entries of a zip archive one after another, in name order.
// An entry that cannot be opened or read to its end fails the archive, but only
// once the entries after it are read: err then comes instead of io.EOF.
type zipReader struct {
	name    string
	files   []*zip.File
	opt     Options
	cur     Reader
	closers closers // of the current entry
	err     error   // of the first broken entry
}

// openZip lists the regular, non-hidden entries of a zip archive in natural name order.
func openZip(name string, ra *randomAccess, opt Options) (*zipReader, error) {
	zr, err := zip.NewReader(ra, ra.size)
	if err != nil {
		return nil, fmt.Errorf("%s: zip: %w", name, err)
	}
	z := &zipReader{name: name, opt: opt}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || isHiddenPath(f.Name) {
			continue
		}
		z.files = append(z.files, f)
	}
	slices.SortFunc(z.files, func(a, b *zip.File) int { return naturalCompare(a.Name, b.Name) })
	return z, nil
}

// isHiddenPath reports whether any element of a slash-separated path starts with a dot
// or is __MACOSX (resource forks added by macOS archivers).
func isHiddenPath(p string) bool {
	for _, el := range strings.Split(p, "/") {
		if strings.HasPrefix(el, ".") || el == "__MACOSX" {
			return true
		}
	}
	return false
}

// Next returns the next record of the current entry, moving to the next entry at its end.
func (z *zipReader) Next() (Record, error) {
	for {
		if z.cur == nil {
			if len(z.files) == 0 {
				return Record{}, cmp.Or(z.err, io.EOF)
			}
			f := z.files[0]
			z.files = z.files[1:]
			entry := z.name + "/" + f.Name
			rc, err := f.Open()
			if err != nil {
				z.fail(fmt.Errorf("%s: %w", entry, err))
				continue
			}
			z.closers.push(rc.Close)
			if z.cur, err = openStream(entry, rc, nil, z.opt, &z.closers); err != nil {
				z.closers.close()
				z.fail(err)
				continue
			}
		}
		rec, err := z.cur.Next()
		if err == nil {
			return rec, nil
		}
		if err != io.EOF {
			z.fail(err)
		}
		z.cur = nil
		if err := z.closers.close(); err != nil {
			z.fail(fmt.Errorf("%s: %w", z.name, err))
		}
	}
}

// fail keeps the first broken entry's error.
func (z *zipReader) fail(err error) {
	if z.err == nil {
		z.err = err
	}
}

// Close closes the current entry.
func (z *zipReader) Close() error { return z.closers.close() }

// countingReader adds the bytes read through it to a counter.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// countingReaderAt adds the bytes read through it to a counter.
type countingReaderAt struct {
	r io.ReaderAt
	n *atomic.Int64
}

func (c countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// plainName drops a compression ending from a name: "a.csv.gz" → "a.csv".
func plainName(name string) string {
	for _, ext := range compressedExt {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}

// formatByName guesses a format from a file name ending, "" when it says nothing.
func formatByName(name string) string {
	switch strings.ToLower(path.Ext(plainName(name))) {
	case ".csv":
		return "csv"
	case ".parquet", ".pq":
		return "parquet"
	case ".nmea", ".ais", ".aivdm", ".nm4":
		return "nmea"
	}
	return ""
}
