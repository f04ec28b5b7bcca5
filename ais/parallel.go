package ais

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// chunkBytes is the size of the input chunks decoded in parallel.
const chunkBytes = 128 << 10

// job is one chunk of whole lines, framed and decoded by a worker.
type job struct {
	buf       []byte // the chunk; lines are views into it
	firstLine int64
	tooLong   []byte // set instead of buf for a line longer than a chunk: its start
	items     []item
	err       error // a read error after this chunk's lines
	done      chan struct{}
}

// parallelReader splits its input into chunks at line ends, has workers frame
// and decode the lines of each chunk, and applies them in input order on the
// caller's goroutine (time context, reassembly, reject counts), so its records
// equal those of the one-worker reader. Multi-sentence messages that straddle a
// chunk edge assemble because reassembly is in that ordered stage.
type parallelReader struct {
	st  *stream
	p   *pipe
	cur *job
	pos int
	err error
}

// pipe is what the reading and decoding goroutines share with the reader. They
// hold no reference to the parallelReader, so a reader dropped before the end of
// its input is collected and its cleanup stops them.
type pipe struct {
	order chan *job // chunks in input order
	free  chan *job // finished jobs for reuse
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup // the reading and decoding goroutines
}

// close tells the goroutines to stop.
func (p *pipe) close() { p.once.Do(func() { close(p.stop) }) }

// newParallelReader starts opt.Workers framing goroutines and one reading goroutine over r.
func newParallelReader(r io.Reader, name string, opt Options) *parallelReader {
	w := opt.Workers
	p := &pipe{
		order: make(chan *job, w),
		free:  make(chan *job, 2*w+4), // every job that can be in flight
		stop:  make(chan struct{}),
	}
	work := make(chan *job, w)
	for range w {
		p.wg.Go(func() {
			dec := newPayloadDecoder()
			for j := range work {
				j.frame(dec)
				close(j.done)
			}
		})
	}
	p.wg.Go(func() { p.read(r, work) })
	pr := &parallelReader{st: newStream(name, opt), p: p}
	runtime.AddCleanup(pr, (*pipe).close, p)
	return pr
}

// read cuts the input into chunks ending at a line end and hands them to the workers and to the ordered stage.
func (p *pipe) read(r io.Reader, work chan<- *job) {
	defer close(work)
	defer close(p.order)
	var carry []byte
	var line int64
	skipping := false // inside a line longer than a chunk
	for {
		j := p.newJob()
		j.buf = append(j.buf[:0], carry...)
		j.buf = j.buf[:cap(j.buf)]
		n, err := io.ReadFull(r, j.buf[len(carry):])
		j.buf = j.buf[:len(carry)+n]
		end := len(j.buf)
		if err == nil {
			end = bytes.LastIndexByte(j.buf, '\n') + 1
		} else if err != io.EOF && err != io.ErrUnexpectedEOF {
			j.err = err
		}
		full := end == 0 && err == nil // a whole chunk without a line end: inside a line longer than a chunk
		if full {
			if !skipping { // report it once, then drop it up to its line end
				j.tooLong = append(j.tooLong[:0], j.buf[:maxExampleText]...)
				line++
				j.firstLine = line
			}
			skipping, carry, j.buf = true, carry[:0], j.buf[:0]
		} else {
			carry = append(carry[:0], j.buf[end:]...)
			j.buf = j.buf[:end]
		}
		if skipping && !full {
			i := bytes.IndexByte(j.buf, '\n')
			skipping = i < 0
			j.buf = append(j.buf[:0], j.buf[i+1:]...) // i == -1 at the end of input: the line's rest, dropped below
			if skipping {
				j.buf, carry = j.buf[:0], carry[:0]
			}
		}
		if len(j.tooLong) == 0 {
			j.firstLine = line + 1
		}
		line += int64(bytes.Count(j.buf, []byte{'\n'}))
		if len(j.buf) > 0 && j.buf[len(j.buf)-1] != '\n' {
			line++ // a last line without a line end
		}
		select {
		case work <- j:
		case <-p.stop:
			return
		}
		select {
		case p.order <- j:
		case <-p.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// newJob returns a recycled job or a new one.
func (p *pipe) newJob() *job {
	var j *job
	select {
	case j = <-p.free:
	default:
		j = &job{buf: make([]byte, 0, chunkBytes), items: make([]item, 0, chunkBytes/48)}
	}
	j.tooLong, j.err, j.items = j.tooLong[:0], nil, j.items[:0]
	j.done = make(chan struct{})
	return j
}

// frame prepares every line of the chunk.
func (j *job) frame(dec *payloadDecoder) {
	b, lineNo := j.buf, j.firstLine
	if len(j.tooLong) > 0 {
		j.items = append(j.items, item{kind: lineReject, reason: LineTooLong, lineNo: lineNo, line: j.tooLong})
		lineNo++
	}
	for len(b) > 0 {
		var line []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			line, b = b, nil
		}
		j.items = appendPrepared(j.items, trimEOL(line), lineNo, dec)
		lineNo++
	}
}

// Next returns the next record in input order.
func (p *parallelReader) Next() (Record, error) {
	for {
		if rec, ok := p.st.pop(); ok {
			return rec, nil
		}
		if p.cur != nil && p.pos < len(p.cur.items) {
			p.st.resolve(&p.cur.items[p.pos])
			p.pos++
			continue
		}
		if p.cur != nil {
			if err := p.cur.err; err != nil {
				p.err = fmt.Errorf("%s:%d: %w", p.st.name, p.cur.firstLine+int64(len(p.cur.items)), err)
			}
			select {
			case p.p.free <- p.cur:
			default:
			}
			p.cur = nil
		}
		if p.err != nil {
			return Record{}, p.err
		}
		j, ok := <-p.p.order
		if !ok {
			p.st.finish()
			p.err = io.EOF
			continue
		}
		<-j.done
		p.cur, p.pos = j, 0
	}
}

// Close stops the reading and decoding goroutines, when the caller gives up
// before the end of input, and waits for them, so that what they read from
// (a decompressor, a file) can be closed next. A read already under way is
// waited for: prompt on files, as long as the writer takes on a pipe.
func (p *parallelReader) Close() error {
	p.p.close()
	p.p.wg.Wait()
	return nil
}
