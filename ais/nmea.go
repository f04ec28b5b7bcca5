package ais

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"
)

// maxInterned bounds the source table; further names are used without interning or time context.
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
	n      int   // records decoded from a single-sentence message; -1: decode in order (type 19 makes two)
	typ    uint8 // its message type
	rec    [1]Record
}

// appendPrepared frames and decodes one input line (without its line end) into
// one item per sentence it holds, appended to dst.
func appendPrepared(dst []item, line []byte, lineNo int64, dec *payloadDecoder) []item {
	if len(line) > maxLineBytes {
		return append(dst, item{kind: lineReject, reason: LineTooLong, lineNo: lineNo, line: line})
	}
	for {
		if len(dst) < cap(dst) {
			dst = dst[:len(dst)+1] // prepare sets every field it reads: no need to zero
		} else {
			dst = append(dst, item{})
		}
		it := &dst[len(dst)-1]
		it.prepare(line, lineNo, dec)
		if it.kind != lineSentence || it.s.rest == nil {
			return dst
		}
		line = it.s.rest
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
	if msgType(it.s.payload) == 19 {
		it.n = -1
		return
	}
	n, typ, reason := dec.decode(it.s.payload, it.s.fill, it.rec[:])
	it.n, it.typ = n, typ
	if reason != "" {
		it.kind, it.reason = lineReject, reason
	}
}

// stream is the in-order state of one NMEA input: the last time seen per
// source, interned source names, multi-sentence reassembly and counters.
type stream struct {
	name    string
	opt     Options
	input   *source            // the input itself: the source of lines that name none
	sources map[string]*source // by name, at most maxInterned
	asm     assembler
	dec     *payloadDecoder // for reassembled messages
	passed  [64]int64
	one     *Record  // a record ready for Next, decoded in place in its item (the common case: no copy)
	out     []Record // records ready for Next
	head    int
}

// source is a receiver or feed: its interned name and the last time seen on it.
type source struct {
	name    string
	last    time.Time
	hasLast bool
}

// newStream starts the in-order state of an input called name.
func newStream(name string, opt Options) *stream {
	st := &stream{name: name, opt: opt, input: &source{name: name}, dec: newPayloadDecoder()}
	st.sources = map[string]*source{name: st.input}
	st.asm.orphan = func(lineNo int64, text []byte) { st.reject(OrphanFragment, lineNo, text) }
	return st
}

// reject counts a bad line of this input, when there is somewhere to count it.
func (st *stream) reject(reason Reason, lineNo int64, text []byte) {
	if st.opt.Rejects != nil {
		st.opt.Rejects.Add(reason, st.name, lineNo, text)
	}
}

// source returns the state kept for a source name, so records share one string
// per source. Past maxInterned names a new name gets fresh state each time.
func (st *stream) source(b []byte) *source {
	if b == nil {
		return st.input
	}
	if src, ok := st.sources[string(b)]; ok {
		return src
	}
	src := &source{name: string(b)}
	if len(st.sources) < maxInterned {
		st.sources[src.name] = src
	}
	return src
}

// resolve applies one prepared line, in input order, and queues its records.
// A line naming no source takes opt.Source's when there is one, else the input's.
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
		st.input.last, st.input.hasLast = it.s.time, true
		return
	}
	s := &it.s
	name := s.source
	if name == nil && st.opt.Source != nil {
		name = st.opt.Source() // s.source stays nil: a tagged part naming no s: still joins its group's source
	}
	srcState := st.source(name)
	src := srcState.name
	t, hasTime := s.time, s.hasTime
	switch {
	case hasTime:
		srcState.last, srcState.hasLast = t, true
		st.input.last, st.input.hasLast = t, true
	case st.opt.Clock != nil:
		t, hasTime = st.opt.Clock().UTC(), true
	case srcState.hasLast:
		t, hasTime = srcState.last, true
	default:
		t, hasTime = st.input.last, st.input.hasLast
	}
	switch {
	case s.fragCount == 1 && it.n == 1:
		r := &it.rec[0]
		r.Source = src
		if hasTime {
			r.Time = t
			r.Has |= HasTime
		}
		st.one = r
	case s.fragCount == 1 && it.n == 0:
		st.passed[it.typ&63]++
	case s.fragCount == 1:
		st.decode(s.payload, s.fill, it.lineNo, it.line, src, t, hasTime)
	default:
		payload, fill, g, ok := st.asm.add(fragment{s: s, line: it.line, lineNo: it.lineNo, source: src, time: t, hasTime: hasTime})
		if ok {
			st.decode(payload, fill, g.lineNo[0], g.lines[0], g.source, g.time, g.hasTime)
		}
	}
}

// decode decodes a whole message in input order and queues its records.
func (st *stream) decode(payload []byte, fill uint8, lineNo int64, line []byte, src string, t time.Time, hasTime bool) {
	var recs [2]Record
	n, typ, reason := st.dec.decode(payload, fill, recs[:])
	if reason != "" {
		st.reject(reason, lineNo, line)
		return
	}
	if n == 0 {
		st.passed[typ&63]++
	}
	st.emit(recs[:n], src, t, hasTime)
}

// emit queues records with their source and time.
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
	if st.one != nil {
		r := st.one
		st.one = nil
		return *r, true
	}
	if st.head == len(st.out) {
		st.out, st.head = st.out[:0], 0
		return Record{}, false
	}
	r := st.out[st.head]
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
			r.done, r.err = true, fmt.Errorf("%s:%d: %w", r.st.name, r.lineNo+1, err)
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
