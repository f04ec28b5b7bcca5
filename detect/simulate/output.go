package simulate

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/csv"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	goais "github.com/BertoldVdb/go-ais"
	"github.com/BertoldVdb/go-ais/aisnmea"
)

var destinations = []string{"QINGDAO", "SHANGHAI", "DALIAN", "NINGBO", "INCHEON", "BUSAN", "LIANYUNGANG", "TIANJIN", "NAMPO"}

// measured adds GPS and sensor noise to a true state: about 3 m of position,
// 0.1 kn of speed and 1.5° of course.
func measured(rng *rand.Rand, f fix) fix {
	lat, lon := offset(f.latDeg, f.lonDeg, 360*rng.Float64(), 3*rng.Float64())
	f.latDeg, f.lonDeg = lat, lon
	f.sogKn = math.Max(0, f.sogKn+0.2*(rng.Float64()-0.5))
	f.cogDeg = math.Mod(f.cogDeg+3*(rng.Float64()-0.5)+360, 360)
	return f
}

// nmeaSink writes AIVDM sentences with NMEA 4.10 tag blocks (s: receiver, c: unix
// seconds, g: group of a multipart message), encoded by go-ais, with noise.
type nmeaSink struct {
	w        *bufio.Writer
	rng      *rand.Rand
	codec    *aisnmea.NMEACodec
	noise    Noise
	truth    *Truth
	recv     []Port // receiving stations; s:rSIM<k> names the k-th (1-based)
	delayed  lateLines
	held     [][]byte // the tail of a multipart message waiting for the next message (owned)
	group    int
	seq      uint64
	tagged   [2][][]byte // tagged lines of the current message, by receiver (scratch, reused)
	sentence []byte      // position sentence scratch
	single   [1][]byte   // a one-sentence message
	err      error
}

// lateGroup is a message's lines delayed to arrive at arrMs.
type lateGroup struct {
	arrMs int64
	seq   uint64
	lines [][]byte // owned copies
}

// lateLines is a min-heap of delayed messages by arrival time, then order of generation.
type lateLines []lateGroup

func (l lateLines) Len() int { return len(l) }
func (l lateLines) Less(i, j int) bool {
	if l[i].arrMs != l[j].arrMs {
		return l[i].arrMs < l[j].arrMs
	}
	return l[i].seq < l[j].seq
}
func (l lateLines) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l *lateLines) Push(x any)   { *l = append(*l, x.(lateGroup)) }
func (l *lateLines) Pop() any {
	old := *l
	g := old[len(old)-1]
	*l = old[:len(old)-1]
	return g
}

func newNMEASink(w io.Writer, cfg Config, rng *rand.Rand, truth *Truth) *nmeaSink {
	r := cfg.Region
	mLat, mLon := (r.MinLatDeg+r.MaxLatDeg)/2, (r.MinLonDeg+r.MaxLonDeg)/2
	return &nmeaSink{
		w:     bufio.NewWriterSize(w, 64<<10),
		rng:   rng,
		codec: aisnmea.NMEACodecNew(goais.CodecNew(false, false)),
		noise: cfg.Noise,
		truth: truth,
		recv: []Port{{"SW", r.MinLatDeg, r.MinLonDeg}, {"NW", r.MaxLatDeg, r.MinLonDeg}, {"C", mLat, mLon},
			{"NE", r.MaxLatDeg, r.MaxLonDeg}, {"SE", r.MinLatDeg, r.MaxLonDeg}},
	}
}

func (n *nmeaSink) position(tMs int64, v *vessel, f fix) error {
	f = measured(n.rng, f)
	p := posReport{classB: v.id.classB, channelB: n.rng.IntN(2) == 1, mmsi: v.id.mmsi, status: f.status,
		second: uint8(tMs / 1000 % 60), headingDeg: 511, sogKn: f.sogKn, cogDeg: f.cogDeg, latDeg: f.latDeg, lonDeg: f.lonDeg}
	if !v.id.classB {
		p.headingDeg = uint16(math.Mod(f.cogDeg+2*(n.rng.Float64()-0.5)+360, 360))
	}
	n.sentence = appendPositionSentence(n.sentence[:0], p)
	n.single[0] = n.sentence
	n.message(tMs, f, n.single[:])
	return n.err
}

func (n *nmeaSink) static(tMs int64, v *vessel, f fix) error {
	id := v.id
	bow, port := uint16(id.lengthM*3/4), uint8(min(id.widthM/2, 63))
	dim := goais.FieldDimension{A: bow, B: uint16(id.lengthM) - bow, C: port, D: uint8(min(id.widthM-id.widthM/2, 63))}
	hdr := goais.Header{MessageID: 5, UserID: id.mmsi}
	if id.classB {
		hdr.MessageID = 24
		n.encode(tMs, f, goais.StaticDataReport{Header: hdr, Valid: true,
			ReportA: goais.StaticDataReportA{Valid: true, Name: id.name}})
		n.encode(tMs, f, goais.StaticDataReport{Header: hdr, Valid: true, PartNumber: true,
			ReportB: goais.StaticDataReportB{Valid: true, ShipType: id.shipType, VendorIDName: "SIM", CallSign: id.callsign, Dimension: dim}})
		return n.err
	}
	eta := time.UnixMilli(tMs).UTC().Add(36 * time.Hour)
	n.encode(tMs, f, goais.ShipStaticData{Header: hdr, Valid: true, ImoNumber: id.imo, CallSign: id.callsign,
		Name: id.name, Type: id.shipType, Dimension: dim, FixType: 1,
		Eta:                  goais.FieldETA{Month: uint8(eta.Month()), Day: uint8(eta.Day()), Hour: uint8(eta.Hour()), Minute: uint8(eta.Minute())},
		MaximumStaticDraught: goais.Field10(id.draughtM), Destination: destinations[id.mmsi%uint32(len(destinations))]})
	return n.err
}

// encode writes a message through go-ais's encoder.
func (n *nmeaSink) encode(tMs int64, f fix, p goais.Packet) {
	ch := byte(1 + n.rng.IntN(2))
	var sentences [][]byte
	for _, s := range n.codec.EncodeSentence(aisnmea.VdmPacket{Channel: ch, TalkerID: "AI", MessageType: "VDM", Packet: p}) {
		sentences = append(sentences, []byte(s))
	}
	n.message(tMs, f, sentences)
}

// message tags one AIS message's sentences with the receiver that heard it,
// applies noise and writes it (or delays it).
func (n *nmeaSink) message(tMs int64, f fix, sentences [][]byte) {
	n.truth.Messages++
	n.release(tMs)
	first, second := n.receivers(f)
	lines := n.tag(0, sentences, first, tMs)
	nz := n.noise
	spoilt := false
	if len(lines) == 1 && nz.BadChecksum+nz.Truncated > 0 {
		switch r := n.rng.Float64(); {
		case r < nz.BadChecksum:
			lines[0] = spoilChecksum(lines[0])
			n.truth.Noise.BadChecksum++
			spoilt = true
		case r < nz.BadChecksum+nz.Truncated:
			lines[0] = truncate(n.rng, lines[0])
			n.truth.Noise.Truncated++
			spoilt = true
		}
	}
	if nz.Disorder > 0 && n.rng.Float64() < nz.Disorder {
		n.seq++
		heap.Push(&n.delayed, lateGroup{arrMs: tMs + 5_000 + n.rng.Int64N(175_000), seq: n.seq, lines: clone(lines)})
		n.truth.Noise.Reordered++
	} else {
		n.write(lines)
	}
	if !spoilt && nz.Duplicate > 0 && n.rng.Float64() < nz.Duplicate {
		n.write(n.tag(1, sentences, second, tMs))
		n.truth.Noise.Duplicates++
	}
}

// release writes delayed messages that have arrived by tMs.
func (n *nmeaSink) release(tMs int64) {
	for len(n.delayed) > 0 && n.delayed[0].arrMs <= tMs {
		n.write(heap.Pop(&n.delayed).(lateGroup).lines)
	}
}

// write outputs a message's lines, holding back the tail of a multipart message
// until after the next message when interleaving.
func (n *nmeaSink) write(lines [][]byte) {
	if len(lines) > 1 && n.held == nil && n.noise.Interleave > 0 && n.rng.Float64() < n.noise.Interleave {
		n.line(lines[0])
		n.held = clone(lines[1:])
		n.truth.Noise.Interleaved++
		return
	}
	for _, l := range lines {
		n.line(l)
	}
	for _, l := range n.held {
		n.line(l)
	}
	n.held = nil
}

// clone copies lines that must outlive the scratch buffers.
func clone(lines [][]byte) [][]byte {
	out := make([][]byte, len(lines))
	for i, l := range lines {
		out[i] = bytes.Clone(l)
	}
	return out
}

func (n *nmeaSink) line(l []byte) {
	if n.err != nil {
		return
	}
	n.truth.Lines++
	if _, err := n.w.Write(l); err != nil {
		n.err = err
		return
	}
	n.err = n.w.WriteByte('\n')
}

func (n *nmeaSink) flush() error {
	n.release(math.MaxInt64)
	for _, l := range n.held {
		n.line(l)
	}
	n.held = nil
	if n.err != nil {
		return n.err
	}
	return n.w.Flush()
}

// receivers returns the 1-based numbers of the nearest and second-nearest stations.
func (n *nmeaSink) receivers(f fix) (int, int) {
	best, second := -1, -1
	var bd, sd float64
	coslat := math.Cos(f.latDeg * math.Pi / 180)
	for i, r := range n.recv {
		dx, dy := (r.LonDeg-f.lonDeg)*coslat, r.LatDeg-f.latDeg
		d := dx*dx + dy*dy
		switch {
		case best < 0 || d < bd:
			second, sd = best, bd
			best, bd = i, d
		case second < 0 || d < sd:
			second, sd = i, d
		}
	}
	return best + 1, second + 1
}

// tag prefixes each sentence with a tag block: g: for multipart groups, then
// s:rSIM<k> and c:<unix seconds>, and the tag block's own checksum. The lines
// live in scratch buffer k (0: first receiver, 1: duplicate) until the next message.
func (n *nmeaSink) tag(k int, sentences [][]byte, recv int, tMs int64) [][]byte {
	if len(sentences) > 1 && k == 0 {
		n.group = n.group%9999 + 1
	}
	out := n.tagged[k][:0]
	for i, s := range sentences {
		var b []byte
		if i < cap(out) {
			b = out[:i+1][i][:0]
		}
		b = append(b, '\\')
		start := len(b)
		if len(sentences) > 1 {
			b = append(b, "g:"...)
			b = strconv.AppendInt(b, int64(i+1), 10)
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(len(sentences)), 10)
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(n.group), 10)
			b = append(b, ',')
		}
		b = append(b, "s:rSIM"...)
		b = strconv.AppendInt(b, int64(recv), 10)
		b = append(b, ",c:"...)
		b = strconv.AppendInt(b, tMs/1000, 10)
		b = appendChecksum(b, b[start:])
		b = append(b, '\\')
		b = append(b, s...)
		out = append(out, b)
	}
	n.tagged[k] = out
	return out
}

// appendChecksum appends "*hh", the XOR of body.
func appendChecksum(b, body []byte) []byte {
	var x byte
	for _, c := range body {
		x ^= c
	}
	const hex = "0123456789ABCDEF"
	return append(b, '*', hex[x>>4], hex[x&15])
}

// spoilChecksum changes the sentence's checksum to a wrong one, in place.
func spoilChecksum(line []byte) []byte {
	i := bytes.LastIndexByte(line, '*')
	v, _ := strconv.ParseUint(string(line[i+1:]), 16, 8)
	const hex = "0123456789ABCDEF"
	v ^= 0x5A
	line[i+1], line[i+2] = hex[v>>4], hex[v&15]
	return line
}

// truncate cuts the sentence somewhere in its payload, as a dropped connection does.
func truncate(rng *rand.Rand, line []byte) []byte {
	i := bytes.IndexByte(line, '!')
	j := bytes.LastIndexByte(line, '*')
	lo := i + 15
	if lo >= j {
		return line[:i+1]
	}
	return line[:lo+rng.IntN(j-lo)]
}

// csvHeader is the MarineCadastre column set.
var csvHeader = []string{"MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "Heading", "VesselName", "IMO",
	"CallSign", "VesselType", "Status", "Length", "Width", "Draft", "Cargo", "TransceiverClass"}

// csvSink writes MarineCadastre CSV: one row per position report, static columns on every row.
type csvSink struct {
	w     *csv.Writer
	truth *Truth
	rng   *rand.Rand
	row   []string
}

func newCSVSink(w io.Writer, rng *rand.Rand, truth *Truth) (*csvSink, error) {
	c := &csvSink{w: csv.NewWriter(w), truth: truth, rng: rng, row: make([]string, len(csvHeader))}
	if err := c.w.Write(csvHeader); err != nil {
		return nil, err
	}
	truth.Lines++
	return c, nil
}

func (c *csvSink) position(tMs int64, v *vessel, f fix) error {
	f = measured(c.rng, f)
	id := v.id
	imo := ""
	if id.imo != 0 {
		imo = "IMO" + strconv.FormatUint(uint64(id.imo), 10)
	}
	heading := "511"
	if !id.classB {
		heading = strconv.Itoa(int(f.cogDeg))
	}
	r := c.row
	r[0] = strconv.FormatUint(uint64(id.mmsi), 10)
	r[1] = time.UnixMilli(tMs).UTC().Format("2006-01-02T15:04:05")
	r[2] = strconv.FormatFloat(f.latDeg, 'f', 5, 64)
	r[3] = strconv.FormatFloat(f.lonDeg, 'f', 5, 64)
	r[4] = strconv.FormatFloat(f.sogKn, 'f', 1, 64)
	r[5] = strconv.FormatFloat(f.cogDeg, 'f', 1, 64)
	r[6] = heading
	r[7] = id.name
	r[8] = imo
	r[9] = id.callsign
	r[10] = strconv.Itoa(int(id.shipType))
	r[11] = strconv.Itoa(int(f.status))
	r[12] = strconv.Itoa(id.lengthM)
	r[13] = strconv.Itoa(id.widthM)
	r[14] = strconv.FormatFloat(id.draughtM, 'f', 1, 64)
	r[15] = ""
	r[16] = "A"
	if id.classB {
		r[16] = "B"
	}
	c.truth.Messages++
	c.truth.Lines++
	return c.w.Write(r)
}

// static is a no-op: MarineCadastre rows carry the static columns.
func (c *csvSink) static(int64, *vessel, fix) error { return nil }

func (c *csvSink) flush() error {
	c.w.Flush()
	return c.w.Error()
}
