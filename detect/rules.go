package detect

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Reason codes: stable short strings in Event.Reasons. Flags add "flag-xx"
// (lower-case ISO code), zones "zone:NAME", identity events "identity-ANOMALY".
const (
	ReasonWatchlistIMO  = "watchlist-imo"
	ReasonWatchlistMMSI = "watchlist-mmsi"
	ReasonWatchlistName = "watchlist-name"
	ReasonBargeLike     = "barge-like"
	ReasonDarkBefore    = "dark-before"
	ReasonLoiterBefore  = "loiter-before"
	ReasonClassB        = "class-b"
	ReasonNoStatic      = "no-static"
	ReasonNearPort      = "near-port"
)

// Rules decide each event's score, reasons and alert flag (Apply). The zero
// value alerts on nothing; DefaultRules gives the documented defaults.
type Rules struct {
	SourceFlags      []string `yaml:"source_flags"`      // flags of the supplying side: ["KP"] (DPRK, MID 445)
	CounterpartFlags []string `yaml:"counterpart_flags"` // flags of the receiving side: ["CN"] (MIDs 412, 413, 414)
	// WatchlistIsSource lets a watch-listed vessel of any flag be the source side (true).
	WatchlistIsSource bool `yaml:"watchlist_is_source"`
	// WatchlistAlert makes any event with a watch-listed vessel an alert (true);
	// identity events with a watch-listed vessel alert regardless.
	WatchlistAlert bool `yaml:"watchlist_alert"`
	// WatchlistMatch says which matches make a vessel watch-listed: "imo",
	// "mmsi", "name" (imo and mmsi: a name alone has namesakes). Every match
	// is a reason either way.
	WatchlistMatch []string  `yaml:"watchlist_match"`
	BargeLike      BargeLike `yaml:"barge_like"`
	// NearPortM tags an event "near-port" within this of a port point when a
	// ports file is given (10 km, GFW's port distance); 0 turns the tag off.
	NearPortM float64 `yaml:"near_port_m"`
	Weights   Weights `yaml:"weights"`
}

// BargeLike defines the small, poorly identified craft that take DPRK cargo:
// a vessel is barge-like when any enabled test holds.
type BargeLike struct {
	ClassB     bool    `yaml:"class_b"`      // class B transceiver (true)
	NoStatic   bool    `yaml:"no_static"`    // no static data seen at all (true)
	MaxLengthM float64 `yaml:"max_length_m"` // known length under this (100); 0 turns the test off
	ShipTypes  []int   `yaml:"ship_types"`   // these AIS ship types, 0 meaning unknown (0, 90-99)
}

// Weights are how much each reason adds to the score. The score is
// 1 - Π(1 - w) over the reasons present (a noisy-or): each piece of evidence
// adds, none can pass 1, and the order does not matter.
type Weights struct {
	Base            float64 `yaml:"base"`             // every event (0.05), so none scores 0
	Alert           float64 `yaml:"alert"`            // the watch rule matched (0.5)
	SourceFlag      float64 `yaml:"source_flag"`      // a vessel with a source flag (0.3)
	CounterpartFlag float64 `yaml:"counterpart_flag"` // a vessel with a counterpart flag (0.1)
	Watchlist       float64 `yaml:"watchlist"`        // a watch-listed vessel (0.5)
	WatchlistName   float64 `yaml:"watchlist_name"`   // a name on the watch list that does not make the vessel watch-listed (0.2)
	BargeLike       float64 `yaml:"barge_like"`       // an encounter partner is barge-like (0.15)
	DarkBefore      float64 `yaml:"dark_before"`      // a vessel went dark next to the event (0.3)
	LoiterBefore    float64 `yaml:"loiter_before"`    // a vessel loitered before the event (0.15)
	ClassB          float64 `yaml:"class_b"`          // a class B vessel (0.05)
	NoStatic        float64 `yaml:"no_static"`        // a vessel without static data (0.1)
	Zone            float64 `yaml:"zone"`             // inside a tagged zone (0.2)
	Identity        float64 `yaml:"identity"`         // an identity anomaly (0.3)
}

// Evidence is what the detector knows about an event's vessels beyond the
// event itself; index i matches ev.Vessels[i]. Missing entries are unknown.
type Evidence struct {
	HasStatic    []bool // any static data seen for the vessel
	DarkBefore   []bool // the vessel had an AIS gap ending within Encounter.MergeGap before the event start, or starting within MergeGap after its end
	LoiterBefore []bool // the vessel loitered within Encounter.MergeGap before the event start
}

// DefaultRules is the watch rule of the DPRK coal case: a DPRK-flagged or
// watch-listed vessel meeting a Chinese barge-like vessel. Sources in README
// "Rules and defaults".
func DefaultRules() Rules {
	return Rules{
		SourceFlags:       []string{"KP"},
		CounterpartFlags:  []string{"CN"},
		WatchlistIsSource: true,
		WatchlistAlert:    true,
		WatchlistMatch:    []string{"imo", "mmsi"},
		BargeLike: BargeLike{
			ClassB:     true,
			NoStatic:   true,
			MaxLengthM: 100,
			ShipTypes:  []int{0, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99},
		},
		NearPortM: 10000,
		Weights: Weights{
			Base:            0.05,
			Alert:           0.5,
			SourceFlag:      0.3,
			CounterpartFlag: 0.1,
			Watchlist:       0.5,
			WatchlistName:   0.2,
			BargeLike:       0.15,
			DarkBefore:      0.3,
			LoiterBefore:    0.15,
			ClassB:          0.05,
			NoStatic:        0.1,
			Zone:            0.2,
			Identity:        0.3,
		},
	}
}

// Validate reports the first setting that cannot work, naming its YAML key.
func (r *Rules) Validate() error {
	for _, f := range slices.Concat(r.SourceFlags, r.CounterpartFlags) {
		if len(f) != 2 || strings.ToUpper(f) != f {
			return fmt.Errorf("rules.source_flags/counterpart_flags: %q is not an upper-case ISO 3166 alpha-2 code", f)
		}
	}
	for _, m := range r.WatchlistMatch {
		if m != "imo" && m != "mmsi" && m != "name" {
			return fmt.Errorf("rules.watchlist_match: %q is not imo, mmsi or name", m)
		}
	}
	if !(r.BargeLike.MaxLengthM >= 0) { // also catches NaN
		return errors.New("rules.barge_like.max_length_m: not a length >= 0")
	}
	for _, t := range r.BargeLike.ShipTypes {
		if t < 0 || t > 255 {
			return fmt.Errorf("rules.barge_like.ship_types: %d is not an AIS ship type (0-255)", t)
		}
	}
	if !(r.NearPortM >= 0) {
		return errors.New("rules.near_port_m: not a distance >= 0")
	}
	w := r.Weights
	for _, kv := range []struct {
		key string
		w   float64
	}{
		{"base", w.Base}, {"alert", w.Alert}, {"source_flag", w.SourceFlag}, {"counterpart_flag", w.CounterpartFlag},
		{"watchlist", w.Watchlist}, {"watchlist_name", w.WatchlistName}, {"barge_like", w.BargeLike}, {"dark_before", w.DarkBefore},
		{"loiter_before", w.LoiterBefore}, {"class_b", w.ClassB}, {"no_static", w.NoStatic},
		{"zone", w.Zone}, {"identity", w.Identity},
	} {
		if !(kv.w >= 0 && kv.w <= 1) {
			return fmt.Errorf("rules.weights.%s: %v is outside 0-1", kv.key, kv.w)
		}
	}
	return nil
}

// Apply sets ev.Score (0-1), ev.Reasons (sorted, unique) and ev.Alert from the
// event, the environment (watch list, zones, ports) and the detector's evidence.
func (r *Rules) Apply(ev *Event, env Env, evd Evidence) {
	reasons := make([]string, 0, 8)
	score := scorer{miss: 1 - r.Weights.Base}
	// source[i]: vessel i can supply (source flag or watch-listed); receiver[i]:
	// it has a counterpart flag and is barge-like.
	source := make([]bool, len(ev.Vessels))
	receiver := make([]bool, len(ev.Vessels))
	var listed, named, sourceFlag, counterFlag, barge, classB, noStatic, dark, loiter bool
	for i, v := range ev.Vessels {
		if v.Flag != "" {
			reasons = append(reasons, "flag-"+strings.ToLower(v.Flag))
		}
		source[i] = slices.Contains(r.SourceFlags, v.Flag)
		sourceFlag = sourceFlag || source[i]
		wl, isListed := r.watchlisted(v, env.Watchlist)
		reasons = append(reasons, wl...)
		listed = listed || isListed
		named = named || slices.Contains(wl, ReasonWatchlistName)
		source[i] = source[i] || (isListed && r.WatchlistIsSource)
		hasStatic := at(evd.HasStatic, i, hasStaticFields(v))
		isBarge := r.BargeLike.match(v, hasStatic)
		isCounter := slices.Contains(r.CounterpartFlags, v.Flag)
		receiver[i] = isCounter && isBarge
		counterFlag = counterFlag || isCounter
		barge = barge || (ev.Type == TypeEncounter && isBarge && !source[i]) // the receiving side, not the supplier
		classB = classB || v.Class == "B"
		noStatic = noStatic || !hasStatic
		dark = dark || at(evd.DarkBefore, i, false)
		loiter = loiter || at(evd.LoiterBefore, i, false)
	}
	// the watch rule needs two different vessels: one source, another receiver
	alert := false
	for i := range source {
		for j := range receiver {
			alert = alert || (ev.Type == TypeEncounter && i != j && source[i] && receiver[j])
		}
	}
	for _, f := range []struct {
		on     bool
		reason string
		w      float64
	}{
		{sourceFlag, "", r.Weights.SourceFlag},
		{counterFlag, "", r.Weights.CounterpartFlag},
		{listed, "", r.Weights.Watchlist},
		{named && !listed, "", r.Weights.WatchlistName},
		{barge, ReasonBargeLike, r.Weights.BargeLike},
		{classB, ReasonClassB, r.Weights.ClassB},
		{noStatic, ReasonNoStatic, r.Weights.NoStatic},
		{dark, ReasonDarkBefore, r.Weights.DarkBefore},
		{loiter, ReasonLoiterBefore, r.Weights.LoiterBefore},
	} {
		if !f.on {
			continue
		}
		score.add(f.w)
		if f.reason != "" {
			reasons = append(reasons, f.reason)
		}
	}
	if env.Zones != nil {
		names := env.Zones.Names(ev.Lat, ev.Lon)
		for _, n := range names {
			reasons = append(reasons, "zone:"+n)
		}
		if len(names) > 0 {
			score.add(r.Weights.Zone)
		}
	}
	if env.Ports != nil && r.NearPortM > 0 && env.Ports.Within(ev.Lat, ev.Lon, r.NearPortM) {
		reasons = append(reasons, ReasonNearPort)
	}
	if ev.Type == TypeIdentity {
		if ev.Anomaly != "" {
			reasons = append(reasons, "identity-"+ev.Anomaly)
		}
		score.add(r.Weights.Identity)
		alert = alert || listed
	}
	alert = alert || (listed && r.WatchlistAlert)
	if alert {
		score.add(r.Weights.Alert)
	}
	slices.Sort(reasons)
	ev.Reasons = slices.Compact(reasons)
	ev.Alert = alert
	ev.Score = score.value()
}

// watchlisted returns the watch-list reasons of a vessel (every kind of match)
// and whether a kind enabled in WatchlistMatch makes it watch-listed.
func (r *Rules) watchlisted(v Vessel, w *Watchlist) (reasons []string, listed bool) {
	if w.Len() == 0 {
		return nil, false
	}
	_, imo := w.ByIMO(v.IMO)
	_, mmsi := w.ByMMSI(v.MMSI)
	_, name := w.ByName(v.Name)
	for _, m := range []struct {
		hit          bool
		kind, reason string
	}{{imo, "imo", ReasonWatchlistIMO}, {mmsi, "mmsi", ReasonWatchlistMMSI}, {name, "name", ReasonWatchlistName}} {
		if m.hit {
			reasons = append(reasons, m.reason)
			listed = listed || slices.Contains(r.WatchlistMatch, m.kind)
		}
	}
	return reasons, listed
}

// match reports whether the vessel is barge-like.
func (b *BargeLike) match(v Vessel, hasStatic bool) bool {
	switch {
	case b.ClassB && v.Class == "B":
		return true
	case b.NoStatic && !hasStatic:
		return true
	case b.MaxLengthM > 0 && v.LengthM > 0 && float64(v.LengthM) < b.MaxLengthM:
		return true
	}
	return slices.Contains(b.ShipTypes, v.ShipType)
}

// hasStaticFields guesses whether static data was seen from the vessel's
// identity, for events whose Evidence does not say.
func hasStaticFields(v Vessel) bool {
	return v.IMO != 0 || v.Name != "" || v.Callsign != "" || v.ShipType != 0 || v.LengthM != 0
}

// at returns s[i], or def when s is too short.
func at(s []bool, i int, def bool) bool {
	if i < len(s) {
		return s[i]
	}
	return def
}

// scorer combines weights as a noisy-or: the score is 1 minus the product of
// the misses.
type scorer struct{ miss float64 }

// add folds in one weight, clamped to 0-1.
func (s *scorer) add(w float64) { s.miss *= 1 - min(max(w, 0), 1) }

// value is the score, rounded to 3 decimals so the JSON stays short and stable.
func (s *scorer) value() float64 {
	return math.Round((1-s.miss)*1000) / 1000
}
