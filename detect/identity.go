package detect

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stswatch/stswatch/ais"
)

// Identity anomaly codes: the values of Event.Anomaly set by identities.
const (
	AnomalyMMSIInvalid            = "mmsi-invalid"              // not a 9-digit MMSI of any ITU pattern
	AnomalyMIDUnallocated         = "mid-unallocated"           // ship MMSI whose MID is allocated to no country
	AnomalyIMOChecksum            = "imo-checksum"              // IMO number failing its check digit
	AnomalyIMOShared              = "imo-shared"                // one IMO number under several MMSIs
	AnomalyNameShared             = "name-shared"               // one ship name under several MMSIs
	AnomalyWatchlistIMOOtherMMSI  = "watchlist-imo-other-mmsi"  // a watch-listed IMO under an MMSI not listed for it
	AnomalyWatchlistNameOtherMMSI = "watchlist-name-other-mmsi" // a watch-listed name under an MMSI not listed for it
	AnomalyWatchlistMMSIOtherIMO  = "watchlist-mmsi-other-imo"  // a watch-listed MMSI sending another IMO than listed
)

// Bounds of the identity state: each map keeps at most this many keys (in two
// generations, so the least recently touched half is dropped first). Past
// them an anomaly between a long-forgotten and a new MMSI can be missed, and
// one already emitted can be emitted again.
const (
	maxIDVessels = 500_000 // MMSIs with their last identity and position
	maxIDKeys    = 200_000 // IMO numbers and names with the MMSIs that sent them
	maxIDEmitted = 200_000 // anomalies already emitted
	maxShared    = 8       // MMSIs remembered per IMO or name
)

// identities watches the static data of every vessel for identity anomalies.
// Its fields are exported so encoding/gob can checkpoint it.
type identities struct {
	Vessels genMap[uint32, *idVessel] // pointers: a position report updates in place
	IMOs    genMap[uint32, []uint32]  // valid IMO -> sorted MMSIs that sent it
	Names   genMap[string, []uint32]  // normalised name -> sorted MMSIs that sent it
	Emitted genMap[string, bool]      // keys of anomalies already emitted
}

// idVessel is what is known of one MMSI's identity.
type idVessel struct {
	Flag   string
	IMO    uint32
	Name   string // as last received
	LatDeg float64
	LonDeg float64
	HasPos bool
}

// newIdentities returns empty identity state with the documented bounds.
func newIdentities() *identities {
	return &identities{
		Vessels: genMap[uint32, *idVessel]{Max: maxIDVessels},
		IMOs:    genMap[uint32, []uint32]{Max: maxIDKeys},
		Names:   genMap[string, []uint32]{Max: maxIDKeys},
		Emitted: genMap[string, bool]{Max: maxIDEmitted},
	}
}

// Observe checks one record and calls emit for each new anomaly with an
// unscored identity event (Rules.Apply scores it). A position report of a
// known vessel costs one map lookup and allocates nothing; the checks run
// when a vessel is first heard and when its IMO or name changes.
func (t *identities) Observe(rec ais.Record, env Env, emit func(Event)) {
	v, seen := t.Vessels.touch(rec.MMSI)
	if !seen {
		v = &idVessel{Flag: ais.Flag(rec.MMSI)}
		t.Vessels.put(rec.MMSI, v)
	}
	if rec.Kind == ais.KindPosition && rec.Has&ais.HasLatLon != 0 {
		v.LatDeg, v.LonDeg, v.HasPos = rec.Pos.LatDeg, rec.Pos.LonDeg, true
	}
	var imoChanged, nameChanged bool
	if rec.Kind == ais.KindStatic {
		if rec.Has&ais.HasIMO != 0 && rec.Static.IMO != 0 && rec.Static.IMO != v.IMO {
			v.IMO, imoChanged = rec.Static.IMO, true
		}
		if rec.Has&ais.HasName != 0 && rec.Static.Name != v.Name {
			v.Name, nameChanged = rec.Static.Name, true
		}
	}
	if seen && !imoChanged && !nameChanged {
		return
	}

	a := anomalies{t: t, rec: rec, emit: emit}
	if !seen {
		switch kind := ais.KindOf(rec.MMSI); {
		case kind == ais.MMSIInvalid:
			a.report(AnomalyMMSIInvalid, "", fmt.Sprintf("MMSI %d is not a valid 9-digit MMSI", rec.MMSI), rec.MMSI)
		case kind == ais.MMSIShip && v.Flag == "":
			a.report(AnomalyMIDUnallocated, "", fmt.Sprintf("MMSI %d carries MID %03d, allocated to no country", rec.MMSI, rec.MMSI/1_000_000), rec.MMSI)
		}
	}
	w := env.Watchlist
	if imoChanged {
		imo := v.IMO
		val := strconv.FormatUint(uint64(imo), 10)
		if !ais.ValidIMO(imo) {
			why := "fails its check digit"
			if imo > 9_999_999 || imo < 1_000_000 {
				why = "is not a 7-digit IMO number"
			}
			a.report(AnomalyIMOChecksum, val, fmt.Sprintf("MMSI %d sends IMO %d, which %s", rec.MMSI, imo, why), rec.MMSI)
		} else if others := addMMSI(&t.IMOs, imo, rec.MMSI); len(others) > 1 {
			a.report(AnomalyIMOShared, val, fmt.Sprintf("IMO %d is sent by MMSIs %s", imo, joinMMSIs(others)), others...)
		}
		if e, ok := w.ByIMO(imo); ok && w.foreign(e, rec.MMSI, v.Flag) {
			a.report(AnomalyWatchlistIMOOtherMMSI, val, fmt.Sprintf("watch-listed IMO %d%s sent by MMSI %d%s", imo, describe(e.Name, e.Label), rec.MMSI, flagNote(v.Flag)), rec.MMSI)
		}
		if e, ok := w.ByMMSI(rec.MMSI); ok && e.IMO != 0 && e.IMO != imo && ais.ValidIMO(imo) {
			a.report(AnomalyWatchlistMMSIOtherIMO, val, fmt.Sprintf("watch-listed MMSI %d%s sends IMO %d", rec.MMSI, describe(fmt.Sprintf("listed with IMO %d", e.IMO), e.Label), imo), rec.MMSI)
		}
	}
	if nameChanged {
		if n := normName(v.Name); !genericName(n) {
			if others := addMMSI(&t.Names, n, rec.MMSI); len(others) > 1 {
				a.report(AnomalyNameShared, n, fmt.Sprintf("name %q is sent by MMSIs %s", n, joinMMSIs(others)), others...)
			}
			// a listed name on a ship whose valid IMO differs is a namesake, not the listed ship
			if e, ok := w.ByName(n); ok && w.foreign(e, rec.MMSI, v.Flag) && (e.IMO == 0 || !ais.ValidIMO(v.IMO) || e.IMO == v.IMO) {
				a.report(AnomalyWatchlistNameOtherMMSI, n, fmt.Sprintf("watch-listed name %q%s sent by MMSI %d%s", n, describe(e.Label), rec.MMSI, flagNote(v.Flag)), rec.MMSI)
			}
		}
	}
}

// anomalies emits the identity events of one record, each once.
type anomalies struct {
	t    *identities
	rec  ais.Record
	emit func(Event)
}

// report emits an identity event unless the same (anomaly, value, vessels) was
// emitted before; value tells apart, e.g., two bad IMOs of one MMSI.
func (a anomalies) report(anomaly, value, detail string, mmsis ...uint32) {
	key := anomaly + "|" + value + "|" + joinMMSIs(mmsis)
	if _, done := a.t.Emitted.get(key); done {
		return
	}
	a.t.Emitted.put(key, true)
	ev := Event{
		ID:      eventID(TypeIdentity, mmsis, a.rec.Time, anomaly+"|"+value),
		Type:    TypeIdentity,
		Status:  StatusClosed,
		Start:   a.rec.Time,
		End:     a.rec.Time,
		Anomaly: anomaly,
		Detail:  detail,
		Vessels: make([]Vessel, 0, len(mmsis)),
	}
	for _, m := range mmsis {
		vessel := Vessel{MMSI: m, Flag: ais.Flag(m)}
		if v, ok := a.t.Vessels.get(m); ok {
			vessel.Name, vessel.IMO = cleanName(v.Name), v.IMO
		}
		ev.Vessels = append(ev.Vessels, vessel)
	}
	if v, ok := a.t.Vessels.get(a.rec.MMSI); ok && v.HasPos {
		ev.Lat, ev.Lon = v.LatDeg, v.LonDeg
	}
	a.emit(ev)
}

// addMMSI records that mmsi sent key and returns the MMSIs known for key,
// sorted; at most maxShared are kept per key, later ones are not added.
func addMMSI[K comparable](m *genMap[K, []uint32], key K, mmsi uint32) []uint32 {
	list, _ := m.get(key)
	if i, found := slices.BinarySearch(list, mmsi); !found && len(list) < maxShared {
		list = slices.Insert(slices.Clip(list), i, mmsi)
	}
	m.put(key, list)
	return list
}

// genericNames are normalised names too common to tie two MMSIs together.
var genericNames = map[string]bool{
	"UNKNOWN": true, "NONE": true, "NO NAME": true, "NONAME": true, "NULL": true, "NAME": true,
	"TEST": true, "NA": true, "N A": true, "SHIP": true, "VESSEL": true, "BOAT": true,
	"TUG": true, "BARGE": true, "PILOT": true, "PILOT BOAT": true, "FISHING": true,
	"FISHING VESSEL": true, "FISHING BOAT": true, "YACHT": true, "SAILING": true, "SAILBOAT": true,
	"PLEASURE": true, "PLEASURE CRAFT": true, "DREDGER": true, "TANKER": true, "CARGO": true,
	"POLICE": true, "COAST GUARD": true, "SAR": true, "AIS": true, "BUOY": true, "TRAINING": true,
}

// genericName reports whether a normalised name is empty, too short, all
// digits or a placeholder such as "UNKNOWN".
func genericName(n string) bool {
	if len(n) < 3 || genericNames[n] {
		return true
	}
	return strings.Trim(n, "0123456789 ") == ""
}

// cleanName trims AIS padding and spaces from a received name.
func cleanName(s string) string { return strings.TrimSpace(strings.TrimRight(s, "@ ")) }

// describe formats the non-empty parts as " (a, b)" for a detail text, "" when all are empty.
func describe(parts ...string) string {
	parts = slices.DeleteFunc(parts, func(p string) bool { return p == "" })
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// flagNote formats an MMSI's flag for a detail text.
func flagNote(flag string) string {
	if flag == "" {
		return ""
	}
	return " (flag " + flag + ")"
}

// joinMMSIs formats MMSIs as "1, 2, 3".
func joinMMSIs(mmsis []uint32) string {
	var b strings.Builder
	for i, m := range mmsis {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatUint(uint64(m), 10))
	}
	return b.String()
}

// eventID is the stable id of an event: the hex of the first 16 bytes of the
// SHA-256 of its type, sorted MMSIs, start time and an optional extra key
// (identity events put their anomaly there). Same input, same id.
func eventID(typ string, mmsis []uint32, start time.Time, extra string) string {
	sorted := slices.Clone(mmsis)
	slices.Sort(sorted)
	h := sha256.New()
	h.Write([]byte(typ))
	var buf [8]byte
	for _, m := range sorted {
		binary.BigEndian.PutUint32(buf[:4], m)
		h.Write(buf[:4])
	}
	binary.BigEndian.PutUint64(buf[:], uint64(start.UTC().UnixNano()))
	h.Write(buf[:])
	h.Write([]byte(extra))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// genMap is a map bounded to Max keys: keys live in a current and an old
// generation; when the current one is full it becomes the old one and the
// previous old one is dropped, so the keys touched least recently go first.
// Fields are exported for encoding/gob.
type genMap[K comparable, V any] struct {
	Cur, Old map[K]V
	Max      int
}

// get returns the value of k from either generation.
func (m *genMap[K, V]) get(k K) (V, bool) {
	if v, ok := m.Cur[k]; ok {
		return v, true
	}
	v, ok := m.Old[k]
	return v, ok
}

// touch is get that also moves a key found in the old generation to the current one.
func (m *genMap[K, V]) touch(k K) (V, bool) {
	if v, ok := m.Cur[k]; ok {
		return v, true
	}
	v, ok := m.Old[k]
	if ok {
		m.put(k, v)
	}
	return v, ok
}

// put stores k in the current generation, turning generations when it is full.
func (m *genMap[K, V]) put(k K, v V) {
	if _, ok := m.Cur[k]; !ok {
		if m.Cur == nil || len(m.Cur) >= max(m.Max/2, 1) {
			m.Old, m.Cur = m.Cur, make(map[K]V)
		}
	}
	m.Cur[k] = v
}
