package simulate

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// scenario builds the vessels of a Config and the Truth of what it planted.
type scenario struct {
	cfg            Config
	rng            *rand.Rand
	fl             *fleet
	startMs, endMs int64
	vessels        []*vessel
	truth          Truth
	sites          []orb.Point // planted places, kept apart
	seaBoxes       []Region    // where events are planted
	ports          []Port
}

// Minimum distance between planted places and from ports (metres).
const (
	siteSpacingM  = 25_000
	sitePortDistM = 40_000
)

func newScenario(cfg Config, rng *rand.Rand) *scenario {
	s := &scenario{
		cfg:     cfg,
		rng:     rng,
		fl:      newFleet(rng),
		startMs: cfg.Start.UnixMilli(),
		endMs:   cfg.Start.Add(cfg.Duration).UnixMilli(),
	}
	s.truth = Truth{Seed: cfg.Seed, Start: cfg.Start, End: cfg.Start.Add(cfg.Duration), Format: cfg.Format,
		Events: []Planted{}, Decoys: []Planted{}, Watchlist: []WatchEntry{}}
	r := cfg.Region
	if r == DefaultRegion() {
		// Open water of the central Yellow Sea and Korea Bay, clear of the coasts and lanes' ports.
		s.seaBoxes = []Region{{32.0, 122.4, 36.0, 124.6}, {38.3, 122.8, 39.0, 124.2}}
		s.ports = []Port{{"QINGDAO", 36.08, 120.32}, {"SHANGHAI YANGSHAN", 30.62, 122.07}, {"DALIAN", 38.93, 121.65},
			{"LIANYUNGANG", 34.75, 119.45}, {"INCHEON", 37.45, 126.60}}
	} else {
		dLat, dLon := (r.MaxLatDeg-r.MinLatDeg)/10, (r.MaxLonDeg-r.MinLonDeg)/10
		s.seaBoxes = []Region{{r.MinLatDeg + dLat, r.MinLonDeg + dLon, r.MaxLatDeg - dLat, r.MaxLonDeg - dLon}}
		s.ports = []Port{{"PORT A", r.MinLatDeg + dLat/2, r.MinLonDeg + dLon/2}}
	}
	return s
}

// build adds the background fleet, then every planted event and decoy.
func (s *scenario) build() error {
	lanes := withParallels(regionLanes(s.cfg.Region))
	for range s.cfg.Vessels {
		l := lanes[s.rng.IntN(len(lanes))]
		id := s.fl.background()
		sog := 8 + 12*s.rng.Float64()
		if id.classB {
			sog = 8 + 4*s.rng.Float64()
		}
		s.add(id, &laneTrack{lane: l, fromMs: s.startMs, toMs: s.endMs, s0M: 2 * l.lengthM() * s.rng.Float64(),
			mPerMs: knToMPerMs(sog), sogKn: sog})
	}
	p := s.cfg.Plants
	steps := []struct {
		n    int
		plan func() error
	}{
		{p.TransfersKPCN, func() error { return s.transfer(KindTransferKPCN) }},
		{p.TransfersOther, func() error { return s.transfer(KindTransferOther) }},
		{p.TransfersWatchlist, func() error { return s.transfer(KindTransferWatchlist) }},
		{p.DarkMeetings, s.darkMeeting},
		{p.Loiterers, s.loiter},
		{p.Decoys, s.convoy},
		{p.Decoys, s.brief},
		{p.Decoys, s.slowPair},
		{p.Decoys, s.crossing},
		{p.Decoys, s.sharedMMSI},
	}
	if p.PortDecoys {
		steps = append(steps, struct {
			n    int
			plan func() error
		}{1, s.anchorInPort})
	}
	for _, st := range steps {
		for range st.n {
			if err := st.plan(); err != nil {
				return err
			}
		}
	}
	if p != (Plants{}) {
		s.truth.Ports = s.ports
		// Two unrelated entries, as a real list has many.
		for range 2 {
			s.truth.Watchlist = append(s.truth.Watchlist, WatchEntry{IMO: s.fl.imo(), Name: s.fl.name()})
		}
	}
	for _, e := range s.truth.Events {
		s.truth.Expected.Encounters += b2i(e.ExpectEncounter)
		s.truth.Expected.Alerts += b2i(e.ExpectAlert)
		s.truth.Expected.Gaps += b2i(e.ExpectGap)
		s.truth.Expected.Loitering += b2i(e.ExpectLoiter)
	}
	s.truth.Vessels = len(s.vessels)
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// add registers a vessel, clipping its reporting window to the scenario.
// A planted vessel roams at sea before and after its event, so that it is
// heard all along and goes silent only where a gap is planted.
func (s *scenario) add(id identity, tr track) *vessel {
	if l, ok := tr.(*legTrack); ok {
		before := s.roam(l.wps[0], s.startMs)
		slices.Reverse(before)
		l.wps = append(append(before, l.wps...), s.roam(l.wps[len(l.wps)-1], s.endMs)...)
	}
	from, to := tr.span()
	v := &vessel{id: id, tr: tr, fromMs: max(from, s.startMs), toMs: min(to, s.endMs)}
	s.vessels = append(s.vessels, v)
	return v
}

// Roaming: legs of up to 2 h at transit speed, within roamRadiusM of where the event is.
const (
	roamLegMs   = 2 * msPerHour
	roamRadiusM = 60_000
)

// roam returns waypoints from w (excluded) to untilMs (before or after it) of a
// ship sailing at 9-12 kn in random legs that stay near w.
func (s *scenario) roam(w waypoint, untilMs int64) []waypoint {
	var out []waypoint
	kn := 9 + 3*s.rng.Float64()
	centre := orb.Point{w.lonDeg, w.latDeg}
	for cur := w; cur.tMs != untilMs; {
		next := waypoint{tMs: min(cur.tMs+roamLegMs, untilMs)}
		if untilMs < cur.tMs {
			next.tMs = max(cur.tMs-roamLegMs, untilMs)
		}
		distM := knToMPerMs(kn) * math.Abs(float64(next.tMs-cur.tMs))
		brg := 360 * s.rng.Float64()
		here := orb.Point{cur.lonDeg, cur.latDeg}
		if geo.Distance(here, centre)+distM > roamRadiusM {
			brg = geo.Bearing(here, centre) + 60*(s.rng.Float64()-0.5)
		}
		next.latDeg, next.lonDeg = offset(cur.latDeg, cur.lonDeg, brg, distM)
		out = append(out, next)
		cur = next
	}
	return out
}

// site picks an open-water place at least siteSpacingM from every other planted
// place and sitePortDistM from every port.
func (s *scenario) site() (orb.Point, error) {
	return s.siteWhere(func(orb.Point) bool { return true })
}

// siteWhere is site with an extra condition on the place.
func (s *scenario) siteWhere(ok func(orb.Point) bool) (orb.Point, error) {
	for range 1000 {
		b := s.seaBoxes[s.rng.IntN(len(s.seaBoxes))]
		p := orb.Point{b.MinLonDeg + (b.MaxLonDeg-b.MinLonDeg)*s.rng.Float64(), b.MinLatDeg + (b.MaxLatDeg-b.MinLatDeg)*s.rng.Float64()}
		if s.clear(p) && ok(p) {
			s.sites = append(s.sites, p)
			return p, nil
		}
	}
	return orb.Point{}, errNoSite
}

func (s *scenario) clear(p orb.Point) bool {
	for _, q := range s.sites {
		if geo.Distance(p, q) < siteSpacingM {
			return false
		}
	}
	for _, q := range s.ports {
		if geo.Distance(p, orb.Point{q.LonDeg, q.LatDeg}) < sitePortDistM {
			return false
		}
	}
	return true
}

// window picks the start of an event of length durMs with at least padMs of
// scenario before and after it.
func (s *scenario) window(durMs, padBeforeMs, padAfterMs int64) int64 {
	lo, hi := s.startMs+padBeforeMs, s.endMs-durMs-padAfterMs
	if hi <= lo {
		return lo
	}
	return lo + s.rng.Int64N(hi-lo)
}

func (s *scenario) uniformMs(lo, hi time.Duration) int64 {
	return lo.Milliseconds() + s.rng.Int64N((hi-lo).Milliseconds()+1)
}

// drift is a stop at sea: the place, the time span, the current, and where a
// vessel lies relative to the drifting centre.
type drift struct {
	at                  orb.Point
	fromMs, toMs        int64
	bearingDeg, kn      float64 // the current carrying both ships
	sideDeg, sepM       float64 // offset of this vessel from the centre
	wobbleM             float64 // random motion about the offset
	status              uint8
	approachMs, leaveMs int64 // time under way before and after, at transitKn
	transitKn           float64
}

// stop builds the waypoints of a vessel that sails in, drifts, and sails away.
func (s *scenario) stop(d drift) *legTrack {
	const stepMs = 15 * 60_000
	var wps []waypoint
	pos := func(tMs int64) (float64, float64) {
		lat, lon := offset(d.at[1], d.at[0], d.bearingDeg, knToMPerMs(d.kn)*float64(tMs-d.fromMs))
		lat, lon = offset(lat, lon, d.sideDeg, d.sepM)
		return offset(lat, lon, 360*s.rng.Float64(), d.wobbleM*s.rng.Float64())
	}
	if d.approachMs > 0 {
		lat, lon := pos(d.fromMs)
		lat, lon = offset(lat, lon, 360*s.rng.Float64(), knToMPerMs(d.transitKn)*float64(d.approachMs))
		wps = append(wps, waypoint{tMs: d.fromMs - d.approachMs, latDeg: lat, lonDeg: lon})
	}
	for t := d.fromMs; ; t += stepMs {
		if t > d.toMs {
			t = d.toMs
		}
		lat, lon := pos(t)
		wps = append(wps, waypoint{tMs: t, latDeg: lat, lonDeg: lon, status: d.status})
		if t == d.toMs {
			break
		}
	}
	if d.leaveMs > 0 {
		last := wps[len(wps)-1]
		wps[len(wps)-1].status = 0
		lat, lon := offset(last.latDeg, last.lonDeg, 360*s.rng.Float64(), knToMPerMs(d.transitKn)*float64(d.leaveMs))
		wps = append(wps, waypoint{tMs: d.toMs + d.leaveMs, latDeg: lat, lonDeg: lon})
	}
	return &legTrack{wps: wps}
}

// pairDrift plans two vessels drifting together sepM apart from fromMs to toMs.
func (s *scenario) pairDrift(at orb.Point, fromMs, toMs int64, sepM, currentKn float64) (drift, drift) {
	a := drift{at: at, fromMs: fromMs, toMs: toMs, bearingDeg: 360 * s.rng.Float64(), kn: currentKn,
		wobbleM: 8, approachMs: s.uniformMs(time.Hour, 2*time.Hour), leaveMs: s.uniformMs(time.Hour, 2*time.Hour),
		transitKn: 9 + 3*s.rng.Float64()}
	b := a
	b.sideDeg, b.sepM = 360*s.rng.Float64(), sepM
	b.approachMs, b.leaveMs = s.uniformMs(time.Hour, 2*time.Hour), s.uniformMs(time.Hour, 2*time.Hour)
	a.status, b.status = uint8(s.rng.IntN(2)), uint8(s.rng.IntN(2)) // under way (drifting) or at anchor
	return a, b
}

// transfer plants a ship alongside a barge or another ship, 30-220 m apart,
// drifting under 1.2 kn for 2.5-8 h.
func (s *scenario) transfer(kind string) error {
	at, err := s.site()
	if err != nil {
		return err
	}
	var a, b identity
	ev := Planted{Kind: kind, ExpectEncounter: true}
	switch kind {
	case KindTransferKPCN:
		a, b = s.fl.ship(midsKP), s.fl.barge()
		ev.ExpectAlert = true
	case KindTransferWatchlist:
		a, b = s.fl.ship(midsForeign), s.fl.barge()
		ev.ExpectAlert = true
		s.truth.Watchlist = append(s.truth.Watchlist, WatchEntry{IMO: a.imo, MMSI: s.fl.mmsi(midsKP), Name: s.fl.name()})
	default:
		a, b = s.fl.ship(midsOther), s.fl.ship(midsOther)
	}
	durMs := s.uniformMs(150*time.Minute, 8*time.Hour)
	from := s.window(durMs, 3*msPerHour, 3*msPerHour)
	ev.SeparationM = 30 + 190*s.rng.Float64()
	da, db := s.pairDrift(at, from, from+durMs, ev.SeparationM, 0.2+1.0*s.rng.Float64())
	s.add(a, s.stop(da))
	s.add(b, s.stop(db))
	ev.MMSIs = []uint32{a.mmsi, b.mmsi}
	ev.Start, ev.End = time.UnixMilli(from).UTC(), time.UnixMilli(from+durMs).UTC()
	ev.LatDeg, ev.LonDeg = at[1], at[0]
	s.truth.Events = append(s.truth.Events, ev)
	return nil
}

// darkMeeting plants a DPRK ship that switches AIS off 1-2 h before meeting a
// Chinese barge for 3-5 h and on again after, silent 7-10 h in all, while the
// barge keeps reporting.
func (s *scenario) darkMeeting() error {
	at, err := s.site()
	if err != nil {
		return err
	}
	a, b := s.fl.ship(midsKP), s.fl.barge()
	meetMs := s.uniformMs(3*time.Hour, 5*time.Hour)
	beforeMs := s.uniformMs(time.Hour, 2*time.Hour)
	darkMs := s.uniformMs(7*time.Hour, 10*time.Hour)
	afterMs := max(darkMs-meetMs-beforeMs, 30*60_000)
	darkMs = beforeMs + meetMs + afterMs
	from := s.window(meetMs, beforeMs+3*msPerHour, afterMs+3*msPerHour)
	da, db := s.pairDrift(at, from, from+meetMs, 50+150*s.rng.Float64(), 0.2+0.8*s.rng.Float64())
	da.approachMs, da.leaveMs = beforeMs+2*msPerHour, afterMs+2*msPerHour
	ta := s.stop(da)
	va := s.add(a, ta)
	s.add(b, s.stop(db))
	d0, d1 := from-beforeMs, from-beforeMs+darkMs
	va.dark = [][2]int64{{d0, d1}}
	f0, f1 := ta.at(d0), ta.at(d1)
	s.truth.Events = append(s.truth.Events, Planted{Kind: KindDarkMeeting, MMSIs: []uint32{a.mmsi, b.mmsi},
		Start: time.UnixMilli(d0).UTC(), End: time.UnixMilli(d1).UTC(), LatDeg: f0.latDeg, LonDeg: f0.lonDeg,
		EndLatDeg: f1.latDeg, EndLonDeg: f1.lonDeg, SeparationM: db.sepM, ExpectGap: true})
	return nil
}

// loiter plants one ship drifting under 1 kn for 4.5-8 h away from others.
func (s *scenario) loiter() error {
	at, err := s.site()
	if err != nil {
		return err
	}
	a := s.fl.ship(midsOther)
	durMs := s.uniformMs(270*time.Minute, 8*time.Hour)
	from := s.window(durMs, 3*msPerHour, 3*msPerHour)
	d, _ := s.pairDrift(at, from, from+durMs, 0, 0.1+0.7*s.rng.Float64())
	s.add(a, s.stop(d))
	s.truth.Events = append(s.truth.Events, Planted{Kind: KindLoiter, MMSIs: []uint32{a.mmsi},
		Start: time.UnixMilli(from).UTC(), End: time.UnixMilli(from + durMs).UTC(), LatDeg: at[1], LonDeg: at[0], ExpectLoiter: true})
	return nil
}

// decoy records a decoy of two vessels.
func (s *scenario) decoy(kind string, a, b identity, fromMs, toMs int64, at orb.Point, sepM float64) {
	s.truth.Decoys = append(s.truth.Decoys, Planted{Kind: kind, MMSIs: []uint32{a.mmsi, b.mmsi},
		Start: time.UnixMilli(fromMs).UTC(), End: time.UnixMilli(toMs).UTC(), LatDeg: at[1], LonDeg: at[0], SeparationM: sepM})
}

// straight is a track at constant speed through at (reached at atMs) on bearingDeg.
func straight(at orb.Point, atMs, fromMs, toMs int64, bearingDeg, kn float64) *legTrack {
	lat0, lon0 := offset(at[1], at[0], bearingDeg, -knToMPerMs(kn)*float64(atMs-fromMs))
	lat1, lon1 := offset(at[1], at[0], bearingDeg, knToMPerMs(kn)*float64(toMs-atMs))
	return &legTrack{wps: []waypoint{{tMs: fromMs, latDeg: lat0, lonDeg: lon0}, {tMs: toMs, latDeg: lat1, lonDeg: lon1}}}
}

// convoy plants two ships sailing together at 9-12 kn, 300 m abeam, for 4-6 h.
func (s *scenario) convoy() error {
	at, err := s.site()
	if err != nil {
		return err
	}
	a, b := s.fl.ship(midsCN), s.fl.ship(midsKP)
	durMs := s.uniformMs(4*time.Hour, 6*time.Hour)
	from := s.window(durMs, msPerHour, msPerHour)
	brg, kn := 360*s.rng.Float64(), 9+3*s.rng.Float64()
	s.add(a, straight(at, from, from, from+durMs, brg, kn))
	lat, lon := offset(at[1], at[0], brg+90, 300)
	s.add(b, straight(orb.Point{lon, lat}, from, from, from+durMs, brg, kn))
	s.decoy(KindDecoyConvoy, a, b, from, from+durMs, at, 300)
	return nil
}

// brief plants a 30-40 minute meeting 100 m apart.
func (s *scenario) brief() error {
	at, err := s.site()
	if err != nil {
		return err
	}
	s.driftDecoy(KindDecoyBrief, at, s.fl.ship(midsKP), s.fl.barge(), s.uniformMs(30*time.Minute, 40*time.Minute), 100, 0.5, false)
	return nil
}

// slowPair plants two ships drifting 1-2 km apart for 3-6 h.
func (s *scenario) slowPair() error {
	at, err := s.site()
	if err != nil {
		return err
	}
	s.driftDecoy(KindDecoySlowPair, at, s.fl.ship(midsKP), s.fl.barge(), s.uniformMs(3*time.Hour, 6*time.Hour),
		1000+1000*s.rng.Float64(), 0.3+0.6*s.rng.Float64(), false)
	return nil
}

// driftDecoy plants two vessels drifting together sepM apart for durMs.
func (s *scenario) driftDecoy(kind string, at orb.Point, a, b identity, durMs int64, sepM, currentKn float64, anchored bool) {
	from := s.window(durMs, 3*msPerHour, 3*msPerHour)
	da, db := s.pairDrift(at, from, from+durMs, sepM, currentKn)
	if anchored {
		da.status, db.status, da.wobbleM, db.wobbleM = 1, 1, 20, 20
	}
	s.add(a, s.stop(da))
	s.add(b, s.stop(db))
	s.decoy(kind, a, b, from, from+durMs, at, sepM)
}

// crossing plants two ships whose paths cross at the same moment at 10-14 kn.
func (s *scenario) crossing() error {
	at, err := s.site()
	if err != nil {
		return err
	}
	a, b := s.fl.ship(midsCN), s.fl.ship(midsOther)
	mid := s.window(0, 3*msPerHour, 3*msPerHour)
	brg := 360 * s.rng.Float64()
	s.add(a, straight(at, mid, mid-2*msPerHour, mid+2*msPerHour, brg, 10+4*s.rng.Float64()))
	s.add(b, straight(at, mid, mid-2*msPerHour, mid+2*msPerHour, brg+90, 10+4*s.rng.Float64()))
	s.decoy(KindDecoyCrossing, a, b, mid-2*msPerHour, mid+2*msPerHour, at, 0)
	return nil
}

// sharedMMSI plants two ships far apart transmitting the same MMSI for 8 h.
func (s *scenario) sharedMMSI() error {
	at, err := s.site()
	if err != nil {
		return err
	}
	far, err := s.siteWhere(func(p orb.Point) bool { return geo.Distance(at, p) > 200_000 })
	if err != nil {
		return err
	}
	a := s.fl.ship(midsCN)
	b := s.fl.ship(midsCN)
	b.mmsi = a.mmsi
	from := s.window(8*msPerHour, msPerHour, msPerHour)
	s.add(a, straight(at, from, from, from+8*msPerHour, 360*s.rng.Float64(), 12))
	s.add(b, straight(far, from, from, from+8*msPerHour, 360*s.rng.Float64(), 12))
	s.decoy(KindDecoySharedMMSI, a, b, s.startMs, s.endMs, at, geo.Distance(at, far)) // both heard all along
	return nil
}

// anchorInPort plants two ships at anchor 200-400 m apart 2-4 km off a port for 6-10 h.
func (s *scenario) anchorInPort() error {
	p := s.ports[s.rng.IntN(len(s.ports))]
	lat, lon := offset(p.LatDeg, p.LonDeg, 360*s.rng.Float64(), 2000+2000*s.rng.Float64())
	s.driftDecoy(KindDecoyAnchor, orb.Point{lon, lat}, s.fl.ship(midsCN), s.fl.ship(midsKP),
		s.uniformMs(6*time.Hour, 10*time.Hour), 200+200*s.rng.Float64(), 0, true)
	return nil
}
