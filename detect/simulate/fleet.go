package simulate

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

const (
	mPerDegLat = 111320.0
	mPerNM     = 1852.0
	msPerHour  = 3_600_000
)

// knToMPerMs converts knots to metres per millisecond.
func knToMPerMs(kn float64) float64 { return kn * mPerNM / msPerHour }

// identity is what a vessel says about itself in static messages.
type identity struct {
	mmsi     uint32
	classB   bool // transceiver class B, else A
	imo      uint32
	name     string
	callsign string
	shipType uint8
	lengthM  int
	widthM   int
	draughtM float64
}

// flagMID is one flag with its MIDs and a weight in the background mix.
type flagMID struct {
	mids   []uint32
	weight int
}

// backgroundFlags is the flag mix of the Yellow Sea / East China Sea: mostly
// Chinese, then Korean, Japanese and open registries, a few DPRK.
var backgroundFlags = []flagMID{
	{[]uint32{412, 413, 414}, 50}, // CN
	{[]uint32{440, 441}, 15},      // KR
	{[]uint32{431, 432}, 8},       // JP
	{[]uint32{351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373}, 7}, // PA
	{[]uint32{636}, 5},                // LR
	{[]uint32{477}, 5},                // HK
	{[]uint32{538}, 4},                // MH
	{[]uint32{563, 564, 565, 566}, 3}, // SG
	{[]uint32{445}, 3},                // KP
}

// The MIDs planted events draw from.
var (
	midsKP      = []uint32{445}
	midsCN      = []uint32{412, 413, 414}
	midsOther   = []uint32{351, 352, 353, 354, 355, 356, 357, 636, 538, 440, 431, 563, 477}
	midsForeign = []uint32{671, 667, 457, 613, 518} // TG, SL, MN, CM, CK: flags of convenience for a re-flagged ship
)

var nameWords = []string{"OCEAN", "STAR", "PACIFIC", "GLORY", "FORTUNE", "HAI", "XIN", "HONG", "JIN", "SEA", "GRAND", "ASIA", "LUCKY", "EAST", "DRAGON", "BRIGHT", "PEARL", "NORTH", "ROYAL", "HARMONY"}

// fleet hands out unique identities (MMSIs, IMO numbers and names: a shared
// one is an identity anomaly, planted only on purpose).
type fleet struct {
	rng       *rand.Rand
	used      map[uint32]bool
	usedIMOs  map[uint32]bool
	usedNames map[string]bool
}

func newFleet(rng *rand.Rand) *fleet {
	return &fleet{rng: rng, used: map[uint32]bool{}, usedIMOs: map[uint32]bool{}, usedNames: map[string]bool{}}
}

// mmsi returns an unused ship MMSI with one of the given MIDs.
func (f *fleet) mmsi(mids []uint32) uint32 {
	for {
		m := mids[f.rng.IntN(len(mids))]*1_000_000 + uint32(100_000+f.rng.IntN(900_000))
		if !f.used[m] {
			f.used[m] = true
			return m
		}
	}
}

// backgroundMIDs picks a flag by the background mix.
func (f *fleet) backgroundMIDs() []uint32 {
	total := 0
	for _, b := range backgroundFlags {
		total += b.weight
	}
	n := f.rng.IntN(total)
	for _, b := range backgroundFlags {
		if n < b.weight {
			return b.mids
		}
		n -= b.weight
	}
	return backgroundFlags[0].mids
}

// imo returns an unused seven-digit IMO number (7000000-9999999, ships built
// since the 1970s) that passes its check digit.
func (f *fleet) imo() uint32 {
	for {
		body := 700_000 + uint32(f.rng.IntN(300_000)) // the first six digits
		if n := body*10 + imoCheck(body); !f.usedIMOs[n] {
			f.usedIMOs[n] = true
			return n
		}
	}
}

// imoCheck is the IMO check digit of the first six digits: the weighted sum (7..2) mod 10.
func imoCheck(body uint32) uint32 {
	sum := uint32(0)
	for w := uint32(2); w <= 7; w++ {
		sum += (body % 10) * w
		body /= 10
	}
	return sum % 10
}

// name returns an unused ship name such as "PACIFIC GLORY 17".
func (f *fleet) name() string {
	for {
		a := nameWords[f.rng.IntN(len(nameWords))]
		b := nameWords[f.rng.IntN(len(nameWords))]
		n := a + " " + b + " " + strconv.Itoa(1+f.rng.IntN(999))
		if !f.usedNames[n] {
			f.usedNames[n] = true
			return n
		}
	}
}

func (f *fleet) callsign() string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := []byte{letters[f.rng.IntN(26)], letters[f.rng.IntN(26)], 0, 0, 0, 0}
	for i := 2; i < len(b); i++ {
		b[i] = byte('0' + f.rng.IntN(10))
	}
	return string(b)
}

// ship returns a class A merchant ship (cargo or tanker, 90-230 m) with the given MIDs.
func (f *fleet) ship(mids []uint32) identity {
	t := uint8(70 + f.rng.IntN(10))
	if f.rng.IntN(3) == 0 {
		t = uint8(80 + f.rng.IntN(10))
	}
	l := 100 + f.rng.IntN(130)
	return identity{mmsi: f.mmsi(mids), imo: f.imo(), name: f.name(), callsign: f.callsign(),
		shipType: t, lengthM: l, widthM: l / 7, draughtM: 5 + float64(f.rng.IntN(80))/10}
}

// barge returns a Chinese barge-like vessel: class B, or class A with ship type
// 0 or 90-99, or shorter than 100 m (the default alert rule's "barge-like").
func (f *fleet) barge() identity {
	id := identity{mmsi: f.mmsi(midsCN), name: f.name(), callsign: f.callsign()}
	switch f.rng.IntN(3) {
	case 0:
		id.classB, id.shipType, id.lengthM = true, 0, 40+f.rng.IntN(40)
	case 1:
		id.classB, id.shipType, id.lengthM = false, uint8(90+f.rng.IntN(10)), 60+f.rng.IntN(35)
	default:
		id.classB, id.shipType, id.lengthM = false, uint8(70+f.rng.IntN(10)), 50+f.rng.IntN(45)
	}
	id.widthM = id.lengthM / 5
	id.draughtM = 3 + float64(f.rng.IntN(30))/10
	return id
}

// background returns a vessel of the regional mix; about one in five is class B.
func (f *fleet) background() identity {
	id := f.ship(f.backgroundMIDs())
	if f.rng.IntN(5) == 0 {
		id.classB, id.imo, id.shipType, id.lengthM = true, 0, 30, 20+f.rng.IntN(30)
		id.widthM = id.lengthM / 4
	}
	return id
}

// fix is a vessel's state at one instant.
type fix struct {
	latDeg, lonDeg float64
	sogKn, cogDeg  float64
	status         uint8 // AIS navigational status
}

// track is where a vessel is over time.
type track interface {
	// span is the first and last instant (unix ms) the vessel is in coverage.
	span() (fromMs, toMs int64)
	// at returns the vessel's state at tMs, within span.
	at(tMs int64) fix
}

// waypoint is a track vertex; status applies to the leg that starts here.
type waypoint struct {
	tMs            int64
	latDeg, lonDeg float64
	status         uint8
}

// legTrack moves at constant velocity between time-stamped waypoints.
type legTrack struct{ wps []waypoint }

func (l *legTrack) span() (int64, int64) { return l.wps[0].tMs, l.wps[len(l.wps)-1].tMs }

func (l *legTrack) at(tMs int64) fix {
	i := sort.Search(len(l.wps)-1, func(i int) bool { return l.wps[i+1].tMs > tMs })
	if i >= len(l.wps)-1 {
		i = len(l.wps) - 2
	}
	a, b := l.wps[i], l.wps[i+1]
	u := float64(tMs-a.tMs) / float64(b.tMs-a.tMs)
	pa, pb := orb.Point{a.lonDeg, a.latDeg}, orb.Point{b.lonDeg, b.latDeg}
	return fix{
		latDeg: a.latDeg + u*(b.latDeg-a.latDeg),
		lonDeg: a.lonDeg + u*(b.lonDeg-a.lonDeg),
		sogKn:  geo.Distance(pa, pb) / mPerNM / (float64(b.tMs-a.tMs) / msPerHour),
		cogDeg: math.Mod(geo.Bearing(pa, pb)+360, 360),
		status: a.status,
	}
}

// laneTrack sails back and forth along a shipping lane at constant speed,
// offset to starboard, computed on demand so a vessel costs O(1) memory.
type laneTrack struct {
	lane         *lane
	fromMs, toMs int64
	s0M          float64 // distance along the doubled lane (0..2L) at fromMs
	mPerMs       float64
	sogKn        float64
}

func (l *laneTrack) span() (int64, int64) { return l.fromMs, l.toMs }

func (l *laneTrack) at(tMs int64) fix {
	L := l.lane.lengthM()
	s := math.Mod(l.s0M+l.mPerMs*float64(tMs-l.fromMs), 2*L)
	reverse := s > L
	if reverse {
		s = 2*L - s
	}
	lat, lon, cog := l.lane.pointAt(s)
	if reverse {
		cog = math.Mod(cog+180, 360)
	}
	return fix{latDeg: lat, lonDeg: lon, sogKn: l.sogKn, cogDeg: cog}
}

// offset moves a point distM metres on bearingDeg (flat approximation, fine for a few km).
func offset(latDeg, lonDeg, bearingDeg, distM float64) (float64, float64) {
	b := bearingDeg * math.Pi / 180
	dLat := distM * math.Cos(b) / mPerDegLat
	dLon := distM * math.Sin(b) / (mPerDegLat * math.Cos(latDeg*math.Pi/180))
	return latDeg + dLat, lonDeg + dLon
}

// lane is a shipping lane: a polyline with cumulative distances.
type lane struct {
	pts  []orb.Point // lon, lat
	cumM []float64
}

func newLane(latLon ...float64) *lane {
	l := &lane{}
	for i := 0; i+1 < len(latLon); i += 2 {
		p := orb.Point{latLon[i+1], latLon[i]}
		d := 0.0
		if n := len(l.pts); n > 0 {
			d = l.cumM[n-1] + geo.Distance(l.pts[n-1], p)
		}
		l.pts = append(l.pts, p)
		l.cumM = append(l.cumM, d)
	}
	return l
}

func (l *lane) lengthM() float64 { return l.cumM[len(l.cumM)-1] }

// pointAt returns the position and course at distance sM along the lane.
func (l *lane) pointAt(sM float64) (latDeg, lonDeg, cogDeg float64) {
	i := sort.SearchFloat64s(l.cumM, sM) - 1
	if i < 0 {
		i = 0
	}
	if i > len(l.pts)-2 {
		i = len(l.pts) - 2
	}
	a, b := l.pts[i], l.pts[i+1]
	u := (sM - l.cumM[i]) / (l.cumM[i+1] - l.cumM[i])
	return a[1] + u*(b[1]-a[1]), a[0] + u*(b[0]-a[0]), math.Mod(geo.Bearing(a, b)+360, 360)
}

// parallel returns the lane shifted sideways by offsetM (to starboard going
// forward), vertices moved along the bisector so the shifted lane is continuous.
func (l *lane) parallel(offsetM float64) *lane {
	n := len(l.pts)
	latLon := make([]float64, 0, 2*n)
	for i, p := range l.pts {
		a, b := max(i-1, 0), min(i+1, n-1)
		in := geo.Bearing(l.pts[a], p)
		out := geo.Bearing(p, l.pts[b])
		if i == 0 {
			in = out
		}
		if i == n-1 {
			out = in
		}
		half := math.Remainder(out-in, 360) / 2
		lat, lon := offset(p[1], p[0], in+half+90, offsetM/math.Cos(half*math.Pi/180))
		latLon = append(latLon, lat, lon)
	}
	return newLane(latLon...)
}

// withParallels returns each lane with copies shifted 0.5-3 km to either side,
// the traffic separation of a busy route.
func withParallels(lanes []*lane) []*lane {
	var out []*lane
	for _, l := range lanes {
		for _, off := range []float64{-3000, -2000, -1200, -500, 500, 1200, 2000, 3000} {
			out = append(out, l.parallel(off))
		}
	}
	return out
}

// defaultLanes are the main routes of the Yellow Sea and northern East China
// Sea (Shanghai, Qingdao, Lianyungang, Dalian, Incheon, Jeju Strait, Nampo).
func defaultLanes() []*lane {
	return []*lane{
		newLane(31.0, 122.6, 33.0, 122.5, 35.5, 121.2, 36.0, 120.5), // Shanghai - Qingdao
		newLane(36.0, 120.6, 36.6, 123.0, 37.2, 126.0),              // Qingdao - Incheon
		newLane(31.0, 122.6, 32.5, 124.5, 33.7, 126.8),              // Shanghai - Jeju Strait
		newLane(38.8, 121.8, 37.6, 122.9, 35.0, 123.0, 31.2, 122.7), // Dalian - Shanghai
		newLane(38.3, 121.0, 37.5, 124.0, 37.3, 126.2),              // Bohai Strait - Incheon
		newLane(34.7, 119.8, 34.0, 123.0, 33.5, 126.3),              // Lianyungang - Jeju
		newLane(38.6, 125.0, 38.6, 123.0, 38.8, 121.8),              // Nampo - Dalian
	}
}

// regionLanes returns lanes for a region: the default routes for the default
// region, else two diagonals and the two mid-lines of the box.
func regionLanes(r Region) []*lane {
	if r == DefaultRegion() {
		return defaultLanes()
	}
	mLat, mLon := (r.MinLatDeg+r.MaxLatDeg)/2, (r.MinLonDeg+r.MaxLonDeg)/2
	return []*lane{
		newLane(r.MinLatDeg, r.MinLonDeg, r.MaxLatDeg, r.MaxLonDeg),
		newLane(r.MaxLatDeg, r.MinLonDeg, r.MinLatDeg, r.MaxLonDeg),
		newLane(mLat, r.MinLonDeg, mLat, r.MaxLonDeg),
		newLane(r.MinLatDeg, mLon, r.MaxLatDeg, mLon),
	}
}
