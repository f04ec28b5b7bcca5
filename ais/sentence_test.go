package ais

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withChecksum appends the NMEA checksum of body (without its start character) to the sentence.
func withChecksum(start, body string) string {
	return fmt.Sprintf("%s%s*%02X", start, body, xorBytes([]byte(body)))
}

// tag builds a tag block with its checksum.
func tag(body string) string { return fmt.Sprintf("\\%s*%02X\\", body, xorBytes([]byte(body))) }

const pos1 = "!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09" // a real type 1 from pyais/timestamped.ais

func TestFrameLine(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		kind     lineKind
		reason   Reason
		time     string // RFC 3339; "" when the line carries none
		source   string
		fragNum  uint8
		fragCnt  uint8
		seqID    int16
		channel  byte
		payload  string
		fill     uint8
		groupNum uint8
		groupID  uint32
	}{
		{name: "plain", line: pos1, kind: lineSentence, fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "other talker, VDO", line: withChecksum("!", "BSVDO,1,1,,A,15NBj>PP1gG>1PVKTDTUJOv00<0M,0"), kind: lineSentence, fragNum: 1, fragCnt: 1, seqID: -1, channel: 'A', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "dollar start", line: withChecksum("$", "AIVDM,2,2,7,2,888,2"), kind: lineSentence, fragNum: 2, fragCnt: 2, seqID: 7, channel: '2', payload: "888", fill: 2},
		{name: "crlf and spaces", line: pos1 + " \r", kind: lineSentence, fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "tag block seconds", line: tag("s:rORBCOMM008,c:1418169601") + pos1, kind: lineSentence, time: "2014-12-10T00:00:01Z", source: "rORBCOMM008", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "tag block milliseconds", line: tag("c:1418169601250") + pos1, kind: lineSentence, time: "2014-12-10T00:00:01.25Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "tag block group", line: tag("g:2-3-1604,s:x") + withChecksum("!", "AIVDM,3,2,,A,88,0"), kind: lineSentence, source: "x", fragNum: 2, fragCnt: 3, seqID: -1, channel: 'A', payload: "88", groupNum: 2, groupID: 1604},
		{name: "tag block only", line: "\\si:AISD*3F\\", kind: lineSkip},
		{name: "tag block bad checksum", line: `\c:1565218798*93\` + pos1, kind: lineReject, reason: BadChecksum},
		{name: "Kystverket g: outside the checksum", line: `\g:2-2-9999,c:1565218798*53\!BSVDM,2,2,3,A,00000000000,2*3E`, kind: lineSentence, time: "2019-08-07T22:59:58Z", fragNum: 2, fragCnt: 2, seqID: 3, channel: 'A', payload: "00000000000", fill: 2, groupNum: 2, groupID: 9999},
		{name: "Kystverket g: disagreeing with the sentence", line: `\g:1-2-9999,c:1565218798*53\` + pos1, kind: lineReject, reason: BadChecksum},
		{name: "Kystverket g: with a corrupt c:", line: `\g:2-2-9999,c:1565218799*53\!BSVDM,2,2,3,A,00000000000,2*3E`, kind: lineReject, reason: BadChecksum},
		{name: "unsummed field other than g:", line: `\s:x,c:1565218798*53\` + pos1, kind: lineReject, reason: BadChecksum},
		{name: "tag block one-digit checksum", line: "\\g:1-2-73874*A\\" + pos1, kind: lineReject, reason: BadChecksum},
		{name: "tag block bad time", line: tag("c:12x") + pos1, kind: lineReject, reason: BadField},
		{name: "tag block time past int64", line: tag("c:9999999999999999999") + pos1, kind: lineReject, reason: BadField},
		{name: "tag block bad group", line: tag("g:3-2-1") + pos1, kind: lineReject, reason: BadField},
		{name: "tag block unclosed", line: "\\c:1418169601*00!AIVDM", kind: lineReject, reason: Truncated},
		{name: "unix seconds before", line: "1325394060 " + pos1, kind: lineSentence, time: "2012-01-01T05:01:00Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "unix ms before", line: "1325394060123;" + pos1, kind: lineSentence, time: "2012-01-01T05:01:00.123Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "unix ns before", line: "1325394060123456789," + pos1, kind: lineSentence, time: "2012-01-01T05:01:00.123456789Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "fractional seconds before", line: "1325394060.5 " + pos1, kind: lineSentence, time: "2012-01-01T05:01:00.5Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "ISO before", line: "2021-01-01T00:00:00Z," + pos1, kind: lineSentence, time: "2021-01-01T00:00:00Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "ISO with zone before", line: "2021-01-01T02:00:00+02:00;" + pos1, kind: lineSentence, time: "2021-01-01T00:00:00Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "ISO space no zone before", line: "2021-01-01 00:00:00.5;" + pos1, kind: lineSentence, time: "2021-01-01T00:00:00.5Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "unix µs, tab before", line: "1325394060123456\t" + pos1, kind: lineSentence, time: "2012-01-01T05:01:00.123456Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "garbage before", line: "hello " + pos1, kind: lineReject, reason: BadField},
		{name: "bad unix time before", line: "13253940x0 " + pos1, kind: lineReject, reason: BadField},
		{name: "bad ISO time before", line: "2021-13-01T00:00:00Z " + pos1, kind: lineReject, reason: BadField},
		{name: "garbage before a bad checksum", line: "hello " + strings.Replace(pos1, "*09", "*0A", 1), kind: lineReject, reason: BadField},
		{name: "text ending in !", line: "Warning: receiver restarted!", kind: lineReject, reason: UnknownSentence},
		{name: "text with $ and !", line: "cost $5 !", kind: lineReject, reason: UnknownSentence},
		{name: "time then text with !", line: "1325394060 receiver restarted!", kind: lineReject, reason: UnknownSentence},
		{name: "text naming a sentence", line: "- format: Gatehouse $PGHP timestamp sentence + AIVDM", kind: lineReject, reason: UnknownSentence},
		{name: "text naming a sentence, comma", line: "tag blocks, Gatehouse $PGHP, USCG trailing unix time", kind: lineReject, reason: UnknownSentence},
		{name: "text with a sentence lacking its checksum", line: "- notes: $PGHP,1,YYYY,M,D,h,m,s,ms,... precedes each AIVDM", kind: lineReject, reason: UnknownSentence},
		{name: "text with a sentence of non-hex checksum", line: `extra field ("!AIVDM,1,1,1,,<payload>,0,0*cs")`, kind: lineReject, reason: UnknownSentence},
		{name: "USCG trailer", line: pos1 + ",d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060,1325394001", kind: lineSentence, time: "2012-01-01T05:01:00Z", source: "r003669946", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "USCG b station", line: pos1 + ",b003669794,1272412827", kind: lineSentence, time: "2010-04-28T00:00:27Z", source: "b003669794", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "bare unix after", line: pos1 + ",1412524603", kind: lineSentence, time: "2014-10-05T15:56:43Z", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "tag block wins over trailer", line: tag("s:sat,c:1418169601") + pos1 + ",r003669946,1325394060", kind: lineSentence, time: "2014-12-10T00:00:01Z", source: "sat", fragNum: 1, fragCnt: 1, seqID: -1, channel: 'B', payload: "15NBj>PP1gG>1PVKTDTUJOv00<0M"},
		{name: "bad trailer", line: pos1 + "x", kind: lineReject, reason: BadField},
		{name: "GoFree extra field", line: "!AIVDM,2,1,7,,53aL=FP000010=5J220PE8=DhE>2Q0ThuA>V220j1`6223?ns4j0DS2CQiC`88,0,2*75", kind: lineSentence, fragNum: 1, fragCnt: 2, seqID: 7, payload: "53aL=FP000010=5J220PE8=DhE>2Q0ThuA>V220j1`6223?ns4j0DS2CQiC`88"},
		{name: "PGHP", line: "$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", kind: lineTime, time: "2008-05-09T00:00:00.010Z"},
		{name: "PGHP bad month", line: withChecksum("$", "PGHP,1,2008,13,9,0,0,0,10,338,2,,1,09"), kind: lineReject, reason: BadField},
		{name: "blank", line: "   ", kind: lineSkip},
		{name: "comment", line: "# 2006-07-15", kind: lineSkip},
		{name: "binary", line: "!AIVDM\x00\x01,1,1", kind: lineReject, reason: Binary},
		{name: "high bytes", line: "\xff\xfe" + pos1, kind: lineReject, reason: Binary},
		{name: "not NMEA", line: "IamNotAnAisMessage1111", kind: lineReject, reason: UnknownSentence},
		{name: "other sentence", line: "$GPGLL,5310.8115,N,00525.7025,E,195719,A,A*4D", kind: lineReject, reason: UnknownSentence},
		{name: "no checksum", line: "!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0", kind: lineReject, reason: Truncated},
		{name: "cut checksum", line: pos1[:len(pos1)-1], kind: lineReject, reason: Truncated},
		{name: "bad checksum", line: strings.Replace(pos1, "*09", "*0A", 1), kind: lineReject, reason: BadChecksum},
		{name: "non-hex checksum", line: strings.Replace(pos1, "*09", "*0G", 1), kind: lineReject, reason: BadChecksum},
		{name: "too few fields", line: withChecksum("!", "AIVDM,1,1,,B"), kind: lineReject, reason: Truncated},
		{name: "fragment beyond count", line: withChecksum("!", "AIVDM,1,2,,B,15NB,0"), kind: lineReject, reason: BadField},
		{name: "fill bits 6", line: withChecksum("!", "AIVDM,1,1,,2,601uEP19bi7P04810,6"), kind: lineReject, reason: BadField},
		{name: "bad sequence id", line: withChecksum("!", "AIVDM,2,1,x,A,55,0"), kind: lineReject, reason: BadField},
		{name: "empty payload", line: "!AIVDM,1,1,,B,,0*25", kind: lineReject, reason: EmptyPayload},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s sentence
			kind, reason := frameLine([]byte(tc.line), &s)
			if kind == lineSentence && reason != "" {
				kind = lineReject
			}
			require.Equal(t, tc.kind, kind)
			require.Equal(t, tc.reason, reason)
			if kind == lineReject || kind == lineSkip {
				return
			}
			if tc.time == "" {
				assert.False(t, s.hasTime)
			} else {
				require.True(t, s.hasTime)
				assert.Equal(t, utc(tc.time), s.time)
				assert.Equal(t, time.UTC, s.time.Location())
			}
			if kind == lineTime {
				return
			}
			assert.Equal(t, tc.source, string(s.source))
			assert.Equal(t, tc.fragNum, s.fragNum)
			assert.Equal(t, tc.fragCnt, s.fragCount)
			assert.Equal(t, tc.seqID, s.seqID)
			assert.Equal(t, tc.channel, s.channel)
			assert.Equal(t, tc.payload, string(s.payload))
			assert.Equal(t, tc.fill, s.fill)
			assert.Equal(t, tc.groupNum, s.group.num)
			assert.Equal(t, tc.groupID, s.group.id)
		})
	}
}

// readString reads every record of NMEA text.
func readString(t *testing.T, text string, opt Options) []Record {
	t.Helper()
	r := NewNMEAReader(strings.NewReader(text), "test.nmea", opt)
	var out []Record
	for {
		rec, err := r.Next()
		if err != nil {
			require.ErrorIs(t, err, io.EOF)
			return out
		}
		out = append(out, rec)
	}
}

// TestTimeContext: an untimed line takes the last time of its source, else of the
// input; with a live clock it takes the clock.
func TestTimeContext(t *testing.T) {
	text := strings.Join([]string{
		pos1, // no time yet
		"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", // input time 2008-05-09T00:00:00.010
		pos1,                            // takes the $PGHP time
		pos1 + ",r1,1325394060",         // source r1 at 2012-01-01T05:01:00
		tag("s:r2,c:1418169601") + pos1, // source r2 at 2014-12-10T00:00:01
		tag("s:r1") + pos1,              // r1's last time
		tag("s:r3") + pos1,              // r3 has none: the input's last time (r2's)
	}, "\n")
	for _, workers := range []int{1, 3} {
		recs := readString(t, text, Options{Workers: workers})
		require.Len(t, recs, 6)
		assert.Zero(t, recs[0].Has&HasTime)
		want := []string{"", "2008-05-09T00:00:00.010Z", "2012-01-01T05:01:00Z", "2014-12-10T00:00:01Z", "2012-01-01T05:01:00Z", "2014-12-10T00:00:01Z"}
		sources := []string{"test.nmea", "test.nmea", "r1", "r2", "r1", "r3"}
		for i := 1; i < 6; i++ {
			r := recs[i]
			assert.NotZero(t, r.Has&HasTime, "record %d", i)
			assert.Equal(t, utc(want[i]), r.Time, "record %d", i)
			assert.Equal(t, sources[i], r.Source, "record %d", i)
		}
	}
	now := utc("2026-01-02T03:04:05Z")
	recs := readString(t, text, Options{Clock: func() time.Time { return now }})
	assert.Equal(t, now, recs[0].Time, "live: untimed lines take the clock")
	assert.Equal(t, now, recs[1].Time)
	assert.Equal(t, utc("2012-01-01T05:01:00Z"), recs[2].Time, "live: a line's own time wins")
	assert.Equal(t, now, recs[4].Time)
}

// TestLongAndBinaryLines: a line over 4 KiB is one reject, whatever its length,
// and the lines after it still decode; so does a line with NUL bytes.
func TestLongAndBinaryLines(t *testing.T) {
	for _, size := range []int{maxLineBytes + 1, 100 << 10, 300 << 10} {
		text := pos1 + "\n" + strings.Repeat("x", size) + "\n\x00\x00\n" + pos1 + "\n" + strings.Repeat("y", size)
		for _, workers := range []int{1, 2} {
			var rej Rejects
			recs := readString(t, text, Options{Rejects: &rej, Workers: workers})
			assert.Len(t, recs, 2, "size %d workers %d", size, workers)
			assert.Equal(t, map[Reason]int64{LineTooLong: 2, Binary: 1}, rej.Counts(), "size %d workers %d", size, workers)
			ex := rej.Examples()
			require.Len(t, ex, 3)
			assert.Equal(t, int64(3), ex[0].Line)
			assert.Equal(t, int64(2), ex[1].Line)
			assert.Equal(t, int64(5), ex[2].Line)
			assert.Len(t, ex[1].Text, maxExampleText)
		}
	}
}

// seedLines returns up to n real lines from each shared-data NMEA file, for fuzz seeds.
func seedLines(f *testing.F, n int) [][]byte {
	if _, err := os.Stat(sharedData); err != nil {
		return nil // seeds from testdata/fuzz only
	}
	files := nmeaFiles(f)
	var out [][]byte
	for _, p := range files {
		fh, err := os.Open(p)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for k := 0; k < n && sc.Scan(); k++ {
			out = append(out, bytes.Clone(sc.Bytes()))
		}
		fh.Close()
	}
	return out
}

// FuzzSentence frames arbitrary lines: it must never panic, and what it accepts
// must be a consistent sentence whose payload lies inside the line.
func FuzzSentence(f *testing.F) {
	for _, l := range seedLines(f, 5) {
		f.Add(l)
	}
	f.Add([]byte(tag("g:1-2-1604,s:rORBCOMM008,c:1418169601") + pos1 + ",r003669946,1325394060"))
	f.Fuzz(func(t *testing.T, line []byte) {
		var s sentence
		kind, reason := frameLine(line, &s)
		switch kind {
		case lineSentence:
			if reason != "" {
				return
			}
			if s.fragNum < 1 || s.fragNum > s.fragCount || s.fragCount > 9 || s.fill > 5 || len(s.payload) == 0 {
				t.Fatalf("inconsistent sentence %+v from %q", s, line)
			}
			if !bytes.Contains(line, s.payload) {
				t.Fatalf("payload %q not in line %q", s.payload, line)
			}
		case lineReject:
			if reason == "" {
				t.Fatalf("reject without reason: %q", line)
			}
		}
	})
}
