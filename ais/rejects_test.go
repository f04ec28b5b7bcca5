package ais

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRejects(t *testing.T) {
	var r Rejects
	assert.Empty(t, r.Counts())
	assert.Empty(t, r.Examples())
	long := strings.Repeat("x", 500)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				r.Add(BadChecksum, "b.nmea", int64(g*100+i), []byte("!AIVDM bad"))
			}
		}()
	}
	wg.Wait()
	r.Add(LineTooLong, "a.nmea", 7, []byte(long))
	r.Add(Binary, "z.nmea", 2, []byte{0, 1})
	r.Add(Binary, "a.nmea", 9, []byte{0})
	r.AddPassed(4, 10)
	r.AddPassed(4, 5)
	r.AddPassed(21, 1)

	assert.Equal(t, map[Reason]int64{BadChecksum: 100, LineTooLong: 1, Binary: 2}, r.Counts())
	assert.Equal(t, map[uint8]int64{4: 15, 21: 1}, r.Passed())
	ex := r.Examples()
	require.Len(t, ex, 3+1+2, "at most three examples per reason")
	assert.Equal(t, Example{Reason: BadChecksum, File: "b.nmea", Line: ex[0].Line, Text: "!AIVDM bad"}, ex[0])
	assert.Less(t, ex[0].Line, ex[1].Line)
	assert.Equal(t, Example{Reason: Binary, File: "a.nmea", Line: 9, Text: "\x00"}, ex[3], "ordered by reason, then file")
	assert.Equal(t, "z.nmea", ex[4].File)
	assert.Equal(t, LineTooLong, ex[5].Reason)
	assert.Len(t, ex[5].Text, 120, "text cut to 120 bytes")
}
