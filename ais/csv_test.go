package ais

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// archReadAll drains a reader, failing the test on a fatal error.
func archReadAll(t testing.TB, r Reader) []Record {
	t.Helper()
	var recs []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs
		}
		require.NoError(t, err)
		recs = append(recs, rec)
	}
}

// archOpenAll opens a file with Open and reads all its records.
func archOpenAll(t testing.TB, name string, opt Options) []Record {
	t.Helper()
	rc, err := Open(name, opt)
	require.NoError(t, err)
	defer func() { require.NoError(t, rc.Close()) }()
	return archReadAll(t, rc)
}

// TestCSVArchives reads the hand-made MarineCadastre-style file (BOM, CRLF,
// quotes, empty cells, "not available" values, TranscieverClass, bad rows) and
// DMA-style file (day-first times, text ship types and statuses, "Unknown").
func TestCSVArchives(t *testing.T) {
	const mc, dma = "marinecadastre.csv", "dma.csv"
	tests := []struct {
		file    string
		want    []Record
		rejects []string // file:line: text of each rejected row
	}{
		{mc, []Record{
			{Kind: KindPosition, MMSI: 367123450, Class: ClassA, Source: mc, Time: utc("2017-01-01T00:00:05Z"),
				Has: HasTime | HasLatLon | HasSOG | HasCOG | HasHeading | HasNavStatus,
				Pos: Position{LatDeg: 29.1, LonDeg: -90.2, SOGKn: 10.2, COGDeg: 45.3, HeadingDeg: 44, NavStatus: 0}},
			{Kind: KindStatic, MMSI: 367123450, Class: ClassA, Source: mc, Time: utc("2017-01-01T00:00:05Z"),
				Has:    HasTime | HasName | HasCallsign | HasIMO | HasShipType | HasDims | HasDraught,
				Static: Static{IMO: 9383663, Name: "OCEAN SPIRIT", Callsign: "WDC1234", ShipType: 70, ToBowM: 180, ToPortM: 32, DraughtM: 9.5}},
			{Kind: KindPosition, MMSI: 367123450, Class: ClassA, Source: mc, Time: utc("2017-01-01T00:01:05Z"),
				Has: HasTime | HasLatLon | HasSOG | HasCOG | HasNavStatus,
				Pos: Position{LatDeg: 29.105, LonDeg: -90.195, SOGKn: 10.1, COGDeg: 45}},
			// 91/181, 102.3, 360 and 511 are "not available": bits clear, values zero.
			{Kind: KindPosition, MMSI: 538004030, Class: ClassB, Source: mc, Time: utc("2017-01-01T00:00:07Z"), Has: HasTime},
			{Kind: KindPosition, MMSI: 538004030, Class: ClassB, Source: mc, Time: utc("2017-01-01T00:02:07Z"),
				Has: HasTime | HasLatLon | HasSOG | HasNavStatus,
				Pos: Position{LatDeg: 29.2, LonDeg: -90.1, SOGKn: 0, NavStatus: 5}},
			{Kind: KindStatic, MMSI: 538004030, Class: ClassB, Source: mc, Time: utc("2017-01-01T00:02:07Z"),
				Has:    HasTime | HasName | HasCallsign | HasShipType,
				Static: Static{Name: `BARGE, "NO. 7"`, Callsign: "V7AB3", ShipType: 52}},
		}, []string{
			`testdata/marinecadastre.csv:6: time: "not-a-time" does not fit layout "2006-01-02T15:04:05": 367123450,not-a-time,29.1,`,
			`testdata/marinecadastre.csv:7: lat/lon: "abc" is not a number: 367123450,2017-01-01T00:03:05,abc,`,
			`testdata/marinecadastre.csv:8: mmsi: empty: ,2017-01-01T00:03:05,29.1,`,
		}},
		{dma, []Record{
			{Kind: KindPosition, MMSI: 219000001, Class: ClassA, Source: dma, Time: utc("2024-03-01T00:00:00Z"),
				Has: HasTime | HasLatLon | HasSOG | HasCOG | HasHeading | HasNavStatus,
				Pos: Position{LatDeg: 55.6761, LonDeg: 12.5683, SOGKn: 12.3, COGDeg: 181.2, HeadingDeg: 180, NavStatus: 0}},
			{Kind: KindStatic, MMSI: 219000001, Class: ClassA, Source: dma, Time: utc("2024-03-01T00:00:00Z"),
				Has:    HasTime | HasName | HasCallsign | HasIMO | HasShipType | HasDims | HasDraught | HasDestination,
				Static: Static{IMO: 9074729, Name: "DANA SEA", Callsign: "OXYZ2", ShipType: 70, ToBowM: 150, ToSternM: 30, ToPortM: 14, ToStarboardM: 14, DraughtM: 8.1, Destination: "AARHUS"}},
			{Kind: KindPosition, MMSI: 219000002, Class: ClassB, Source: dma, Time: utc("2024-03-01T00:00:01Z"),
				Has: HasTime | HasLatLon | HasSOG, Pos: Position{LatDeg: 55.5, LonDeg: 12}},
			// dd/mm/yyyy: the 13th of March, not a 13th month; same static as before: no Static record.
			{Kind: KindPosition, MMSI: 219000001, Class: ClassA, Source: dma, Time: utc("2024-03-13T23:59:59Z"),
				Has: HasTime | HasLatLon | HasSOG | HasCOG | HasNavStatus,
				Pos: Position{LatDeg: 55.677, LonDeg: 12.569, SOGKn: 0.1, COGDeg: 90, NavStatus: 1}},
			{Kind: KindPosition, MMSI: 2190064, Source: dma, Time: utc("2024-03-01T00:00:02Z"),
				Has: HasTime | HasLatLon, Pos: Position{LatDeg: 55.7, LonDeg: 12.6}},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rej := &Rejects{}
			assert.Equal(t, tt.want, archOpenAll(t, "testdata/"+tt.file, Options{Rejects: rej}))
			var got []string
			for _, ex := range rej.Examples() {
				require.Equal(t, BadField, ex.Reason)
				got = append(got, fmt.Sprintf("%s:%d: %s", ex.File, ex.Line, ex.Text))
			}
			require.Len(t, got, len(tt.rejects))
			for i := range got {
				assert.True(t, strings.HasPrefix(got[i], tt.rejects[i]), "got %q, want prefix %q", got[i], tt.rejects[i])
			}
			assert.Equal(t, int64(len(tt.rejects)), rej.Counts()[BadField])
		})
	}
}

func TestCSVColumnsAndLayouts(t *testing.T) {
	tests := []struct {
		name  string
		csv   string
		opt   Options
		mmsi  []uint32 // nil: anonymised ids, checked separately
		times []string
	}{
		{"column mapping, unix seconds and ms", "id,ts,y,x\n235000001,1700000000,50.1,-1.1\n235000002,1700000060500,50.2,-1.2\n",
			Options{Columns: map[string]string{"mmsi": "ID", "time": "TS", "lat": "y", "lon": "x"}},
			[]uint32{235000001, 235000002}, []string{"2023-11-14T22:13:20Z", "2023-11-14T22:14:20.5Z"}},
		{"given layout", "MMSI,When,Lat,Lon\n235000001,2023.11.14 22h13,50.1,-1.1\n",
			Options{Columns: map[string]string{"time": "When"}, TimeLayout: "2006.01.02 15h04"},
			[]uint32{235000001}, []string{"2023-11-14T22:13:00Z"}},
		{"RFC 3339 with zone to UTC", "mmsi,time,lat,lon\n235000001,2023-11-14T23:13:20+01:00,50.1,-1.1\n",
			Options{}, []uint32{235000001}, []string{"2023-11-14T22:13:20Z"}},
		{"fractional unix seconds, CRLF, quotes", "\"mmsi\",\"timestamp\",\"latitude\",\"longitude\"\r\n\"235000001\",\"1700000000.25\",\"50.1\",\"-1.1\"\r\n",
			Options{}, []uint32{235000001}, []string{"2023-11-14T22:13:20.25Z"}},
		{"stone soup names, ms", "Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots\n2016-01-12 13:02:11.218,235070762,50.77,-1.09,157.8,5.9\n",
			Options{}, []uint32{235070762}, []string{"2016-01-12T13:02:11.218Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := newCSVReader(strings.NewReader(tt.csv), "x.csv", tt.opt)
			require.NoError(t, err)
			recs := archReadAll(t, r)
			require.Len(t, recs, len(tt.times))
			for i, rec := range recs {
				assert.Equal(t, tt.mmsi[i], rec.MMSI)
				assert.Equal(t, utc(tt.times[i]), rec.Time)
				assert.Equal(t, time.UTC, rec.Time.Location())
			}
		})
	}
}

// TestCSVDimensions: the antenna offsets A, B, C, D (Danish Maritime Authority;
// "Size A" in older exports) fill all four dimensions; without them, or when
// they are empty, Length and Width are kept as bow and port offsets; a lone
// "C" or "D" column is not taken for an offset.
func TestCSVDimensions(t *testing.T) {
	const head = "mmsi,time,lat,lon,"
	tests := []struct {
		name, csv string
		opt       Options
		want      [4]uint16 // bow, stern, port, starboard; zero: no Static record
	}{
		{"DMA A B C D", head + "Length,Width,A,B,C,D\n219000001,2024-03-01 00:00:00,55,12,180,28,150,30,10,18\n", Options{}, [4]uint16{150, 30, 10, 18}},
		{"DMA Size A", head + "Size A,Size B,Size C,Size D\n219000001,2024-03-01 00:00:00,55,12,150,30,10,18\n", Options{}, [4]uint16{150, 30, 10, 18}},
		{"A-D empty: length and width", head + "Length,Width,A,B,C,D\n219000001,2024-03-01 00:00:00,55,12,180,28,,,,\n", Options{}, [4]uint16{180, 0, 28, 0}},
		{"length and width only", head + "Length,Width\n219000001,2024-03-01 00:00:00,55,12,180,28\n", Options{}, [4]uint16{180, 0, 28, 0}},
		{"lone C is no offset", head + "C\n219000001,2024-03-01 00:00:00,55,12,7\n", Options{}, [4]uint16{}},
		{"mapped offsets", head + "bow,stern,p,s\n219000001,2024-03-01 00:00:00,55,12,150,30,10,18\n",
			Options{Columns: map[string]string{"to_bow": "bow", "to_stern": "stern", "to_port": "p", "to_starboard": "s"}}, [4]uint16{150, 30, 10, 18}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := newCSVReader(strings.NewReader(tt.csv), "x.csv", tt.opt)
			require.NoError(t, err)
			recs := archReadAll(t, r)
			if tt.want == [4]uint16{} {
				require.Len(t, recs, 1)
				return
			}
			require.Len(t, recs, 2)
			st := recs[1]
			require.Equal(t, KindStatic, st.Kind)
			assert.Equal(t, HasTime|HasDims, st.Has)
			assert.Equal(t, tt.want, [4]uint16{st.Static.ToBowM, st.Static.ToSternM, st.Static.ToPortM, st.Static.ToStarboardM})
		})
	}
}

func TestCSVAnonymisedIDs(t *testing.T) {
	in := "vessel,time,lat,lon\nA7F3-xx,2023-01-01 00:00:00,1,2\nB001,2023-01-01 00:00:01,1,2\nA7F3-xx,2023-01-01 00:00:02,1,2\n"
	r, err := newCSVReader(strings.NewReader(in), "anon.csv", Options{Columns: map[string]string{"mmsi": "vessel"}})
	require.NoError(t, err)
	recs := archReadAll(t, r)
	require.Len(t, recs, 3)
	for _, rec := range recs {
		assert.GreaterOrEqual(t, rec.MMSI, uint32(1_000_000_000), "anonymised ids sit above every MMSI")
	}
	assert.Equal(t, recs[0].MMSI, recs[2].MMSI, "stable")
	assert.NotEqual(t, recs[0].MMSI, recs[1].MMSI)
	assert.Equal(t, anonymousID("A7F3-xx"), recs[0].MMSI)
}

func TestCSVStaticMemoryBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("mmsi,time,lat,lon,name\n")
	n := maxStaticVessels + 10
	for i := range n {
		fmt.Fprintf(&b, "2%08d,2023-01-01 00:00:00,1,2,SHIP\n", i)
	}
	r, err := newCSVReader(strings.NewReader(b.String()), "many.csv", Options{})
	require.NoError(t, err)
	statics := 0
	for _, rec := range archReadAll(t, r) {
		if rec.Kind == KindStatic {
			statics++
		}
	}
	assert.Equal(t, n, statics, "each new vessel's static is emitted")
	assert.LessOrEqual(t, len(r.last), maxStaticVessels)
}

func TestCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		opt       Options
		want      string
	}{
		{"missing columns", "MMSI,Speed,Lat\n1,2,3\n", Options{},
			"x.csv: header lacks time, lon (columns: MMSI, Speed, Lat); map them with --columns, e.g. mmsi=ID,time=ts"},
		{"unknown canonical name", "a,b\n", Options{Columns: map[string]string{"vessel": "a"}},
			`x.csv: unknown column "vessel" in mapping (want one of mmsi, time, lat, lon, sog, cog, heading, nav_status, name, imo, callsign, ship_type, length, width, draught, destination, class, to_bow, to_stern, to_port, to_starboard)`},
		{"mapped column absent", "a,b\n", Options{Columns: map[string]string{"mmsi": "ID"}},
			`x.csv: column "ID" (for mmsi) not in header`},
		{"empty", "", Options{}, "x.csv: empty CSV, no header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newCSVReader(strings.NewReader(tt.csv), "x.csv", tt.opt)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestCSVUnclosedQuoteBounded(t *testing.T) {
	in := "mmsi,time,lat,lon,name\n235000001,2023-01-01 00:00:00,1,2,\"OPEN\n" + strings.Repeat("235000001,2023-01-01 00:00:00,1,2,x\n", 40000)
	r, err := newCSVReader(strings.NewReader(in), "q.csv", Options{})
	require.NoError(t, err)
	_, err = r.Next()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "q.csv:2: CSV record over 1 MiB")
}

func TestCSVSolent(t *testing.T) {
	path := dataFile(t, "stonesoup/SolentAIS_20160112_130211.csv")
	rej := &Rejects{}
	recs := archOpenAll(t, path, Options{Rejects: rej})
	require.Len(t, recs, 18623)
	assert.Empty(t, rej.Counts())
	vessels := map[uint32]bool{}
	for _, rec := range recs {
		require.Equal(t, KindPosition, rec.Kind)
		require.Equal(t, HasTime|HasLatLon|HasSOG, rec.Has&(HasTime|HasLatLon|HasSOG))
		vessels[rec.MMSI] = true
	}
	assert.Len(t, vessels, 91)
	first := recs[0]
	assert.Equal(t, uint32(235070762), first.MMSI)
	assert.Equal(t, utc("2016-01-12T13:02:11.218Z"), first.Time)
	assert.InDelta(t, 50.7730133333333, first.Pos.LatDeg, 1e-12)
	assert.InDelta(t, -1.092935, first.Pos.LonDeg, 1e-12)
	assert.InDelta(t, 157.8, first.Pos.COGDeg, 1e-4)
	assert.InDelta(t, 5.9, first.Pos.SOGKn, 1e-4)
	assert.Equal(t, "SolentAIS_20160112_130211.csv", first.Source)
	last := recs[len(recs)-1]
	assert.Equal(t, uint32(235010000), last.MMSI)
	assert.Equal(t, utc("2016-01-12T14:26:41.924Z"), last.Time)
	assert.Equal(t, float32(0), last.Pos.SOGKn)
	assert.NotZero(t, last.Has&HasSOG, "0 kn is a speed, not absence")
}

// FuzzCSV feeds arbitrary bytes to the CSV reader: it must not panic, must end,
// and every record it yields must keep the record invariants.
func FuzzCSV(f *testing.F) {
	for _, name := range []string{"testdata/marinecadastre.csv", "testdata/dma.csv"} {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte("Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots\n2016-01-12 13:02:11.218,235070762,50.7730133333333,-1.092935,157.8,5.9\n"))
	f.Add([]byte("mmsi,time,lat,lon\nx,1700000000,NaN,Inf\n\"a,1,2,3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := newCSVReader(bytes.NewReader(data), "fuzz.csv", Options{Rejects: &Rejects{}})
		if err != nil {
			return
		}
		for n := 0; n <= 2*len(data)+2; n++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			require.Contains(t, []Kind{KindPosition, KindStatic}, rec.Kind)
			require.NotZero(t, rec.Has&HasTime)
			require.Equal(t, time.UTC, rec.Time.Location())
			if rec.Has&HasLatLon != 0 {
				require.True(t, math.Abs(rec.Pos.LatDeg) <= 90 && math.Abs(rec.Pos.LonDeg) <= 180, "%+v", rec.Pos)
			}
			if rec.Has&HasHeading != 0 {
				require.Less(t, rec.Pos.HeadingDeg, uint16(360))
			}
		}
		t.Fatalf("reader did not end: more records than input bytes")
	})
}
