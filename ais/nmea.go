package ais

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// maxInterned bounds the source-name table; further names are used without interning.
const maxInterned = 4096

// item is one input line after framing and, for single-sentence messages, decoding.
// Framing and decoding depend on the line alone, so they can run in parallel;
// time context, reassembly and reject counting run in input order (see stream).
type item struct {
	kind   lineKind
	reason Reason
	lineNo int64
	line   []byte // the raw line
	s      sentence
	n      int   // records decoded from a single-sentence message
	typ    uint8 // its message type
	recs   [2]Record
}

// escapedEOL is a line end written out as text, which some archives (dma_aislib/ais250.txt) have between sentences.
var escapedEOL = []byte(`\r\n`)

// appendPrepared frames and decodes one input line (without its line end) into
// one item per sentence it holds, appended to dst.
func appendPrepared(dst []item, line []byte, lineNo int64, dec *payloadDecoder) []item {
	if len(line) > maxLineBytes {
		return append(dst, item{kind: lineReject, reason: LineTooLong, lineNo: lineNo, line: line})
	}
	for {
		part, rest, more := bytes.Cut(line, escapedEOL)
		dst = append(dst, item{})
		dst[len(dst)-1].prepare(part, lineNo, dec)
		if !more {
			return dst
		}
		line = rest
	}
}

// prepare frames one sentence and decodes it when it is a whole message.
func (it *item) prepare(line []byte, lineNo int64, dec *payloadDecoder) {
	it.lineNo, it.line = lineNo, line
	it.kind, it.reason = frameLine(line, &it.s)
	if it.kind == lineSentence && it.reason != "" {
		it.kind = lineReject
	}
	if it.kind != lineSentence || it.s.fragCount != 1 {
		return
	}
	n, typ, reason := dec.decode(it.s.payload, it.s.fill, &it.recs)
	it.n, it.typ = n, typ
	if reason != "" {
		it.kind, it.reason = lineReject, reason
	}
}

// stream is the in-order state of one NMEA input: the last time seen per
// source, interned source names, multi-sentence reassembly and counters.
type stream struct {
	name     string
	opt      Options
	lastTime map[string]time.Time
	interned map[string]string
	asm      assembler
	dec      *payloadDecoder // for reassembled messages
	passed   [64]int64
	out      []Record // records ready for Next
	head     int
}

func newStream(name string, opt Options) *stream {
	st := &stream{
		name:     name,
		opt:      opt,
		lastTime: make(map[string]time.Time),
		interned: map[string]string{name: name},
		dec:      newPayloadDecoder(),
	}
	st.asm.orphan = func(lineNo int64, text []byte) { st.reject(OrphanFragment, lineNo, text) }
	return st
}

func (st *stream) reject(reason Reason, lineNo int64, text []byte) {
	if st.opt.Rejects != nil {
		st.opt.Rejects.Add(reason, st.name, lineNo, text)
	}
}

// intern returns the one string kept for a source name, so records share it.
func (st *stream) intern(b []byte) string {
	if b == nil {
		return st.name
	}
	if s, ok := st.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(st.interned) < maxInterned {
		st.interned[s] = s
	}
	return s
}

// resolve applies one prepared line, in input order, and queues its records.
// A line without a time of its own takes the live clock when there is one, else
// the last time seen on its source, else the last time seen in this input
// (e.g. from $PGHP); with none of these its records carry no time.
func (st *stream) resolve(it *item) {
	switch it.kind {
	case lineSkip:
		return
	case lineReject:
		st.reject(it.reason, it.lineNo, it.line)
		return
	case lineTime:
		st.lastTime[st.name] = it.s.time
		return
	}
	s := &it.s
	src := st.intern(s.source)
	t, hasTime := s.time, s.hasTime
	switch {
	case hasTime:
		st.lastTime[src] = t
		if src != st.name {
			st.lastTime[st.name] = t
		}
	case st.opt.Clock != nil:
		t, hasTime = st.opt.Clock().UTC(), true
	default:
		if t, hasTime = st.lastTime[src]; !hasTime {
			t, hasTime = st.lastTime[st.name]
		}
	}
	if s.fragCount == 1 {
		if it.n == 0 {
			st.passed[it.typ&63]++
		}
		st.emit(it.recs[:it.n], src, t, hasTime)
		return
	}
	payload, fill, g, ok := st.asm.add(fragment{s: s, line: it.line, lineNo: it.lineNo, source: src, time: t, hasTime: hasTime})
	if !ok {
		return
	}
	var recs [2]Record
	n, typ, reason := st.dec.decode(payload, fill, &recs)
	if reason != "" {
		st.reject(reason, g.lineNo[0], g.lines[0])
		return
	}
	if n == 0 {
		st.passed[typ&63]++
	}
	st.emit(recs[:n], g.source, g.time, g.hasTime)
}

func (st *stream) emit(recs []Record, src string, t time.Time, hasTime bool) {
	for _, r := range recs {
		r.Source = src
		if hasTime {
			r.Time = t
			r.Has |= HasTime
		}
		st.out = append(st.out, r)
	}
}

// pop returns the next queued record.
func (st *stream) pop() (Record, bool) {
	if st.head == len(st.out) {
		st.out, st.head = st.out[:0], 0
		return Record{}, false
	}
	r := st.out[st.head]
	st.out[st.head] = Record{} // drop string references
	st.head++
	return r, true
}

// finish evicts incomplete messages and hands the pass-over counts to Rejects.
func (st *stream) finish() {
	st.asm.flush()
	if st.opt.Rejects == nil {
		return
	}
	for typ, n := range st.passed {
		if n > 0 {
			st.opt.Rejects.AddPassed(uint8(typ), n)
		}
	}
	st.passed = [64]int64{}
}

// nmeaReader reads an NMEA input line by line on the calling goroutine.
type nmeaReader struct {
	st     *stream
	br     *bufio.Reader
	lineNo int64
	dec    *payloadDecoder
	items  []item // the sentences of the current line; reused
	long   []byte // the start of an over-long line being skipped
	done   bool
	err    error
}

// NewNMEAReader reads NMEA 0183 AIS sentences (with tag blocks, $PGHP, USCG
// trailers, leading timestamps) line by line from r; name labels file:line in rejects.
// With opt.Workers > 1 framing and decoding run on that many goroutines and records
// still come in input order.
func NewNMEAReader(r io.Reader, name string, opt Options) Reader {
	if opt.Workers > 1 {
		return newParallelReader(r, name, opt)
	}
	return &nmeaReader{st: newStream(name, opt), br: bufio.NewReaderSize(r, 64<<10), dec: newPayloadDecoder()}
}

// Next returns the next record, io.EOF at the end of input, or a read error.
func (r *nmeaReader) Next() (Record, error) {
	for {
		if rec, ok := r.st.pop(); ok {
			return rec, nil
		}
		if r.done {
			return Record{}, r.err
		}
		line, err := r.br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if r.long == nil {
				r.long = append(r.long[:0], line[:maxExampleText]...)
			}
			continue
		case err == io.EOF:
			r.done, r.err = true, io.EOF
		case err != nil:
			r.done, r.err = true, fmt.Errorf("%s: line %d: %w", r.st.name, r.lineNo+1, err)
		}
		if r.done && len(line) == 0 && r.long == nil {
			r.st.finish()
			continue
		}
		r.lineNo++
		if r.long != nil {
			r.st.reject(LineTooLong, r.lineNo, r.long)
			r.long = nil
		} else {
			r.items = appendPrepared(r.items[:0], trimEOL(line), r.lineNo, r.dec)
			for i := range r.items {
				r.st.resolve(&r.items[i])
			}
		}
		if r.done {
			r.st.finish()
		}
	}
}

// trimEOL drops a trailing "\n" or "\r\n".
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}
