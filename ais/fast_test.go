package ais

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeNotAvailable(t *testing.T) {
	dec := newPayloadDecoder()
	tests := []struct {
		name    string
		payload string
		fill    uint8
		has     Has
		pos     Position
	}{
		// libais typeexamples: type 1 with heading 511.
		{name: "type 1", payload: "15N1u<PP1FJuvSRHOE6QIwwh0HQ6", has: HasLatLon | HasSOG | HasCOG | HasNavStatus,
			pos: Position{LatDeg: 42.79855, LonDeg: -70.346905, SOGKn: 8.6, COGDeg: 35.9}},
		// Type 2 with lat -101.5 and heading 472: both out of range, so absent.
		{name: "type 2 out of range", payload: "2T8Mur>pJNw77ks5q?7mdfhoOgMo", has: HasSOG | HasCOG | HasNavStatus,
			pos: Position{SOGKn: 67, COGDeg: 145.8, NavStatus: 14}},
		// Type 27 with lon 200: absent; speed 16 kn, course 255.
		{name: "type 27", payload: "KvQ:1o`7EBrBQ`?w", has: HasSOG | HasCOG | HasNavStatus,
			pos: Position{SOGKn: 16, COGDeg: 255}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fast, slow [2]Record
			handled, ok := decodeFast([]byte(tc.payload), tc.fill, &fast[0])
			require.True(t, handled)
			require.True(t, ok)
			n, _, reason := dec.decodeGoAIS([]byte(tc.payload), tc.fill, slow[:])
			require.Empty(t, reason)
			require.Equal(t, 1, n)
			assert.Equal(t, slow[0], fast[0])
			assert.Equal(t, tc.has, fast[0].Has)
			assert.InDelta(t, tc.pos.LatDeg, fast[0].Pos.LatDeg, 1e-9)
			assert.InDelta(t, tc.pos.LonDeg, fast[0].Pos.LonDeg, 1e-9)
			assert.InDelta(t, tc.pos.SOGKn, fast[0].Pos.SOGKn, 1e-6)
			assert.InDelta(t, tc.pos.COGDeg, fast[0].Pos.COGDeg, 1e-6)
			assert.Equal(t, tc.pos.NavStatus, fast[0].Pos.NavStatus)
		})
	}
}

// TestDecodeRejects: payloads go-ais refuses are refused by the fast path too.
func TestDecodeRejects(t *testing.T) {
	dec := newPayloadDecoder()
	for _, tc := range []struct {
		payload string
		fill    uint8
	}{
		{"13aIkM@P00PJ@qPNL=e@0?wJ28JO", 5},  // 163 bits < 168
		{"15N1u<PP1FJuvSRHOE6QIww", 0},       // short
		{"15N1u<PP1FJuvSRHOE6QIwwh0HQ6z", 0}, // 'z' is not armouring
		{"15N1u<PP1FJuvSRHOE6QIwwh0HQ6~", 0},
		{"KuTOOvuuubehD70", 2}, // type 27, 88 bits < 96
	} {
		var recs [2]Record
		n, _, reason := dec.decode([]byte(tc.payload), tc.fill, recs[:])
		assert.Equal(t, BadPayload, reason, tc.payload)
		assert.Zero(t, n)
		n, _, reason = dec.decodeGoAIS([]byte(tc.payload), tc.fill, recs[:])
		assert.Equal(t, BadPayload, reason, tc.payload)
		assert.Zero(t, n)
	}
}

// TestDecodeStatic checks the go-ais path's mapping of the static types.
func TestDecodeStatic(t *testing.T) {
	dec := newPayloadDecoder()
	var recs [2]Record
	// typeexamples type 24 part A.
	n, typ, reason := dec.decode([]byte("H5MiOp1:uJ0MDhJ0<P4hhDpLE80"), 2, recs[:])
	require.Empty(t, reason)
	require.Equal(t, 1, n)
	assert.Equal(t, uint8(24), typ)
	assert.Equal(t, Record{Kind: KindStatic, Type: 24, MMSI: 366764000, Class: ClassB, Has: HasName,
		Static: Static{Name: "R/V GULF CHALLENGER", Part: 'A'}}, recs[0])
	// A type 4 base station report is valid but passed over.
	n, typ, reason = dec.decode([]byte("403Ovl@000Htt<tSF0l4Q@100`Pq"), 0, recs[:])
	assert.Empty(t, reason)
	assert.Zero(t, n)
	assert.Equal(t, uint8(4), typ)
}

// TestDecodeType24B: a type 24 part B gives the ship type, call sign and
// dimensions, except from an auxiliary craft (MMSI 98MIDxxxx), whose 30
// dimension bits hold its mother ship's MMSI (ITU-R M.1371-5, Table 76), not
// a size. Payloads written bit by bit.
func TestDecodeType24B(t *testing.T) {
	dec := newPayloadDecoder()
	for _, tc := range []struct {
		name, payload string
		want          Record
	}{
		{"ship, 20+10 by 3+4 m", "H3aDom4U123430q@4phjo02P:344", Record{Kind: KindStatic, Type: 24, MMSI: 244660180, Class: ClassB,
			Has:    HasShipType | HasCallsign | HasDims,
			Static: Static{ShipType: 37, Callsign: "PD8027", ToBowM: 20, ToSternM: 10, ToPortM: 3, ToStarboardM: 4, Part: 'B'}}},
		// The mother ship 244660180 read as dimensions would be 116+339 by 31+20 m.
		{"auxiliary craft of 244660180", "H>`sH@DU123430q@4phjo2>UCOD4", Record{Kind: KindStatic, Type: 24, MMSI: 982440001, Class: ClassB,
			Has:    HasShipType | HasCallsign,
			Static: Static{ShipType: 37, Callsign: "PD8027B", Part: 'B'}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var recs [2]Record
			n, typ, reason := dec.decode([]byte(tc.payload), 0, recs[:])
			require.Empty(t, reason)
			require.Equal(t, 1, n)
			assert.Equal(t, uint8(24), typ)
			assert.Equal(t, tc.want, recs[0])
		})
	}
}

// TestDecodeType19 checks that a type 19 gives a position and a static record (libais test.aivdm).
func TestDecodeType19(t *testing.T) {
	recs := readAll(t, dataFile(t, "libais/test.aivdm"), Options{})
	seen := 0
	for i, r := range recs {
		if r.Type != 19 || r.Kind != KindPosition {
			continue
		}
		seen++
		require.Less(t, i+1, len(recs))
		s := recs[i+1]
		assert.Equal(t, KindStatic, s.Kind)
		assert.Equal(t, r.MMSI, s.MMSI)
		assert.Equal(t, ClassB, s.Class)
		assert.Equal(t, r.Time, s.Time)
		assert.NotZero(t, s.Has&HasName)
	}
	assert.Equal(t, 3, seen)
}

// FuzzFastDecode: the hand-written decoder agrees with go-ais on any payload.
func FuzzFastDecode(f *testing.F) {
	for _, p := range []string{"15N1u<PP1FJuvSRHOE6QIwwh0HQ6", "2T8Mur>pJNw77ks5q?7mdfhoOgMo", "39NWra1001rsuRPHA6Na8afl0000",
		"B5MiOp0006g4up6:EV403wr5oP06", "KvQ:1o`7EBrBQ`?w", "13aIkM@P00PJ@qPNL=e@0?wJ28JO",
		"55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880",
		"C5MtL4eP0FK?P@4I96hG`urH@2fF0000000000000000?P000020", "H5NCRS4UG5CD=1BG45jioo1P6330", "H5MiOp1:uJ0MDhJ0<P4hhDpLE80"} {
		f.Add([]byte(p), uint8(0))
	}
	dec := newPayloadDecoder()
	f.Fuzz(func(t *testing.T, payload []byte, fill uint8) {
		fill %= 6
		var fast, slow [2]Record
		handled, ok := decodeFast(payload, fill, &fast[0])
		if !handled {
			// Types 19, 24 and the rest go through go-ais alone: no panic, records only of wanted types.
			n, typ, reason := dec.decode(payload, fill, slow[:])
			most := 1
			if typ == 19 {
				most = 2 // a position and a static
			}
			if n > 0 && (reason != "" || !wanted[typ&63] || slow[0].Type != typ || n > most) {
				t.Fatalf("type %d: %d records, reason %q for %q", typ, n, reason, payload)
			}
			return
		}
		n, _, reason := dec.decodeGoAIS(payload, fill, slow[:])
		if ok != (reason == "") {
			t.Fatalf("fast ok=%v, go-ais reason %q for %q fill %d", ok, reason, payload, fill)
		}
		if ok && (n != 1 || fast[0] != slow[0]) {
			t.Fatalf("fast %+v != go-ais %+v for %q", fast[0], slow[0], payload)
		}
	})
}
