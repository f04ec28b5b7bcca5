package ais

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/thrift/lib/go/thrift"
)

// Views the walk parses a page header from: a small one first (headers take
// tens of bytes, a few hundred with statistics; pqarrow v15 starts at 16 KiB),
// doubled while the header does not fit, up to pqarrow's limit of 4 MiB. A
// header that fits parses the same from any view.
const (
	pageHeaderView    = 1 << 10
	pageHeaderViewMax = 4 << 20
)

// Page types of the Parquet format (PageType in parquet.thrift).
const (
	pageData       = 0
	pageDictionary = 2
	pageDataV2     = 3
)

// goodGroups walks the page headers of every row group's chunks of the given
// columns (see rowGroup) and returns how many row groups come before the
// first corrupt one, and why that one is. The reader reads only those, so a
// corrupt row group ends the file after the rows of the groups before it.
func (w *pageWalk) goodGroups(pf *file.Reader, leaves []int) (int, error) {
	for g := range pf.NumRowGroups() {
		if err := w.rowGroup(pf.MetaData(), g, leaves); err != nil {
			return g, err
		}
	}
	return pf.NumRowGroups(), nil
}

// rowGroup walks the page headers of row group g's chunks of the given
// columns and fails unless each chunk's pages hold the values its metadata
// claims, every header and body inside the chunk.
//
// pqarrow v15 walks a chunk until it has seen the values the metadata claims.
// Past the chunk's end its buffered reader's Peek returns stale bytes with no
// error, so the walk parses an old page header again and again: forever when
// that header is of an unknown type or holds no values, for as many turns as
// the claimed count allows otherwise. A corrupt file would hang the scan (as a
// FuzzOpenStream input did); this walk, the same as pqarrow's up to the
// chunk's end, turns such a row group into an error before pqarrow reads it.
func (w *pageWalk) rowGroup(md *metadata.FileMetaData, g int, leaves []int) error {
	rg := md.RowGroup(g)
	for _, leaf := range leaves {
		col, err := rg.ColumnChunk(leaf)
		if err != nil {
			return err
		}
		if col.CryptoMetadata() != nil {
			continue // encrypted: pqarrow fails on it without decryption properties
		}
		start, n := chunkRange(md, col, w.src.size)
		if err := w.check(start, n, col.NumValues()); err != nil {
			return fmt.Errorf("row group %d, column %q: %w", g, md.Schema.Column(leaf).Name(), err)
		}
	}
	return nil
}

// chunkRange is where a column chunk's pages lie, as pqarrow computes it
// (RowGroupReader.GetColumnPageReader), padding included for files of
// parquet-mr before 1.2.9 (PARQUET-816).
func chunkRange(md *metadata.FileMetaData, col *metadata.ColumnChunkMetaData, size int64) (start, n int64) {
	start = col.DataPageOffset()
	if col.HasDictionaryPage() && col.DictionaryPageOffset() > 0 && start > col.DictionaryPageOffset() {
		start = col.DictionaryPageOffset()
	}
	n = col.TotalCompressedSize()
	if md.WriterVersion().LessThan(metadata.Parquet816FixedVersion) && start >= 0 && n >= 0 && start <= size && n <= size {
		n += min(100, size-(start+n)) // pqarrow's maxDictHeaderSize; less when the chunk claims bytes past the file's end
	}
	return start, n
}

// pageWalk reads page headers from a file, reusing its buffer.
type pageWalk struct {
	src *randomAccess
	buf []byte
}

// check walks the pages of the chunk of n bytes at start as pqarrow does and
// fails if they run out before holding values values.
func (w *pageWalk) check(start, n, values int64) error {
	if start < 0 || n < 0 {
		return fmt.Errorf("column chunk at byte %d has a length of %d bytes", start, n)
	}
	var pos, seen int64
	for seen < values {
		if pos >= n {
			return fmt.Errorf("the column chunk's pages hold %d values, its metadata claims %d", seen, values)
		}
		h, hn, err := w.header(start+pos, n-pos)
		if err != nil {
			return fmt.Errorf("page header at byte %d (the chunk ends at byte %d): %w", start+pos, start+n, err)
		}
		body, err := h.bodyLen()
		if err != nil {
			return fmt.Errorf("page header at byte %d: %w", start+pos, err)
		}
		seen += int64(h.values)
		pos += hn + body
		if pos > n {
			return fmt.Errorf("page at byte %d ends past its column chunk (%d bytes over)", start+pos-hn-body, pos-n)
		}
	}
	return nil
}

// header parses the page header at off, reading at most limit bytes: first
// a small view, then larger ones while the header needs them.
func (w *pageWalk) header(off, limit int64) (pageHeader, int64, error) {
	for view := int64(pageHeaderView); ; view *= 2 {
		view = min(view, limit, pageHeaderViewMax)
		if int64(cap(w.buf)) < view {
			w.buf = make([]byte, view)
		}
		b := w.buf[:view]
		if k, err := w.src.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && k == len(b)) {
			return pageHeader{}, 0, err
		}
		h, hn, err := parsePageHeader(b)
		if err == nil || view == limit || view == pageHeaderViewMax {
			return h, hn, err
		}
	}
}

// pageHeader is what the walk needs of a PageHeader (parquet.thrift).
type pageHeader struct {
	typ                      int32
	uncompressed, compressed int32
	values                   int32 // of the data page header the type selects; 0 for other pages
	levels                   int64 // v2: definition and repetition level bytes
	v2Compressed             bool  // v2: the values are compressed (default true)
}

// bodyLen is how many bytes past the header pqarrow reads for this page: none
// for a page type it skips, whose body it then takes for the next header.
func (h pageHeader) bodyLen() (int64, error) {
	switch {
	case h.compressed < 0 || h.uncompressed < 0:
		return 0, errors.New("negative page size")
	case h.values < 0:
		return 0, errors.New("negative number of values")
	}
	switch h.typ {
	case pageData, pageDictionary:
		return int64(h.compressed), nil
	case pageDataV2:
		if !h.v2Compressed {
			return int64(h.uncompressed), nil
		}
		if h.levels > int64(h.compressed) {
			return 0, fmt.Errorf("levels of %d bytes in a page of %d", h.levels, h.compressed)
		}
		return int64(h.compressed), nil
	}
	return 0, nil
}

// parsePageHeader decodes a Thrift compact PageHeader from the start of b,
// field by field as pqarrow's generated reader does (a field of an unexpected
// type is skipped, a later field replaces an earlier one), and returns it
// with the bytes it took.
func parsePageHeader(b []byte) (pageHeader, int64, error) {
	tb := &thrift.TMemoryBuffer{Buffer: bytes.NewBuffer(b)}
	p := thrift.NewTCompactProtocolConf(tb, &thrift.TConfiguration{})
	ctx := context.Background()
	i32 := func(v *int32) (bool, error) {
		var err error
		*v, err = p.ReadI32(ctx)
		return true, err
	}
	// values reads a data or dictionary page header, whose first field is its number of values.
	values := func(v *int32) error {
		*v = 0
		return readStruct(ctx, p, func(id int16, t thrift.TType) (bool, error) {
			if id == 1 && t == thrift.I32 {
				return i32(v)
			}
			return false, nil
		})
	}
	var h pageHeader
	var data, dict, v2 int32 // values of the data, dictionary and v2 page headers
	var def, rep int32       // v2's level bytes
	err := readStruct(ctx, p, func(id int16, t thrift.TType) (bool, error) {
		switch {
		case id == 1 && t == thrift.I32:
			return i32(&h.typ)
		case id == 2 && t == thrift.I32:
			return i32(&h.uncompressed)
		case id == 3 && t == thrift.I32:
			return i32(&h.compressed)
		case id == 5 && t == thrift.STRUCT: // DataPageHeader
			return true, values(&data)
		case id == 7 && t == thrift.STRUCT: // DictionaryPageHeader
			return true, values(&dict)
		case id == 8 && t == thrift.STRUCT: // DataPageHeaderV2
			v2, def, rep, h.v2Compressed = 0, 0, 0, true
			return true, readStruct(ctx, p, func(id int16, t thrift.TType) (bool, error) {
				switch {
				case id == 1 && t == thrift.I32:
					return i32(&v2)
				case id == 5 && t == thrift.I32:
					return i32(&def)
				case id == 6 && t == thrift.I32:
					return i32(&rep)
				case id == 7 && t == thrift.BOOL:
					var err error
					h.v2Compressed, err = p.ReadBool(ctx)
					return true, err
				}
				return false, nil
			})
		}
		return false, nil
	})
	if err != nil {
		return pageHeader{}, 0, err
	}
	switch h.typ {
	case pageData:
		h.values = data
	case pageDictionary:
		if dict < 0 {
			return pageHeader{}, 0, errors.New("negative number of dictionary values")
		}
	case pageDataV2:
		if def < 0 || rep < 0 {
			return pageHeader{}, 0, errors.New("negative levels byte length")
		}
		h.values, h.levels = v2, int64(def)+int64(rep)
	}
	return h, int64(len(b)) - int64(tb.RemainingBytes()), nil
}

// readStruct reads one Thrift struct, handing each field to field, which
// reads it and returns true, or returns false to have it skipped.
func readStruct(ctx context.Context, p thrift.TProtocol, field func(id int16, t thrift.TType) (bool, error)) error {
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return err
	}
	for {
		_, t, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return err
		}
		if t == thrift.STOP {
			break
		}
		read, err := field(id, t)
		if err != nil {
			return err
		}
		if !read {
			if err := p.Skip(ctx, t); err != nil {
				return err
			}
		}
		if err := p.ReadFieldEnd(ctx); err != nil {
			return err
		}
	}
	return p.ReadStructEnd(ctx)
}
