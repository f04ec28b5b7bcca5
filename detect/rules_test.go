package detect

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/geo"
)

// Hand-built vessels for the rule tables.
var (
	kpShip  = Vessel{MMSI: 445012000, Flag: "KP", Name: "RYE SONG 1", Class: "A", ShipType: 70, LengthM: 110}
	cnBarge = Vessel{MMSI: 412345678, Flag: "CN", Class: "B"}
	cnSmall = Vessel{MMSI: 413000002, Flag: "CN", Name: "ZHE YU 7", Class: "A", ShipType: 70, LengthM: 60}
	cnBulk  = Vessel{MMSI: 413000001, Flag: "CN", Name: "ZHE HAI 1", IMO: 9187629, Class: "A", ShipType: 70, LengthM: 200}
	cnType0 = Vessel{MMSI: 414000003, Flag: "CN", Name: "LIAN 9", Class: "A", ShipType: 0, LengthM: 150}
	paShip  = Vessel{MMSI: 352000111, Flag: "PA", Name: "TEST TRADER", IMO: 9383663, Class: "A", ShipType: 70, LengthM: 180}
	slShip  = Vessel{MMSI: 667001234, Flag: "SL", Name: "SAM JONG 2", IMO: 7408873, Class: "A", ShipType: 70, LengthM: 120}
	grShip  = Vessel{MMSI: 237000001, Flag: "GR", Name: "AEGEAN", Class: "A", ShipType: 80, LengthM: 250}
	mtShip  = Vessel{MMSI: 248000001, Flag: "MT", Name: "VALLETTA", Class: "A", ShipType: 80, LengthM: 240}
)

func testWatchlist(t *testing.T) *Watchlist {
	t.Helper()
	w, err := LoadWatchlist("testdata/watchlist_rules.csv")
	require.NoError(t, err)
	return w
}

func TestApplyWatchRule(t *testing.T) {
	w := testWatchlist(t)
	both := []bool{true, true}
	tests := []struct {
		name    string
		ev      Event
		evd     Evidence
		alert   bool
		reasons []string
	}{
		{
			name:    "KP with CN class B barge",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, cnBarge}},
			evd:     Evidence{HasStatic: both},
			alert:   true,
			reasons: []string{"barge-like", "class-b", "flag-cn", "flag-kp"},
		},
		{
			name:    "CN barge first, KP second",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{cnBarge, kpShip}},
			evd:     Evidence{HasStatic: both},
			alert:   true,
			reasons: []string{"barge-like", "class-b", "flag-cn", "flag-kp"},
		},
		{
			name:    "KP with CN vessel without static data",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, {MMSI: 412000009, Flag: "CN", Class: "A"}}},
			evd:     Evidence{HasStatic: []bool{true, false}},
			alert:   true,
			reasons: []string{"barge-like", "flag-cn", "flag-kp", "no-static"},
		},
		{
			name:    "KP with 60 m CN vessel",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, cnSmall}},
			evd:     Evidence{HasStatic: both},
			alert:   true,
			reasons: []string{"barge-like", "flag-cn", "flag-kp"},
		},
		{
			name:    "KP with CN ship type 0",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, cnType0}},
			evd:     Evidence{HasStatic: both},
			alert:   true,
			reasons: []string{"barge-like", "flag-cn", "flag-kp"},
		},
		{
			name:    "KP with CN 200 m bulk carrier, class A, static: not barge-like",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, cnBulk}},
			evd:     Evidence{HasStatic: both},
			alert:   false,
			reasons: []string{"flag-cn", "flag-kp"},
		},
		{
			name:    "CN with CN barge",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{cnBulk, cnBarge}},
			evd:     Evidence{HasStatic: both},
			alert:   false,
			reasons: []string{"barge-like", "class-b", "flag-cn"},
		},
		{
			name:    "watch-listed PA ship (by IMO, MMSI and name) with CN barge",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{paShip, cnBarge}},
			evd:     Evidence{HasStatic: both},
			alert:   true,
			reasons: []string{"barge-like", "class-b", "flag-cn", "flag-pa", "watchlist-imo", "watchlist-mmsi", "watchlist-name"},
		},
		{
			name:    "watch-listed IMO under a foreign MMSI, identity event",
			ev:      Event{Type: TypeIdentity, Anomaly: AnomalyWatchlistIMOOtherMMSI, Vessels: []Vessel{slShip}},
			alert:   true,
			reasons: []string{"flag-sl", "identity-watchlist-imo-other-mmsi", "watchlist-imo", "watchlist-name"},
		},
		{
			name:    "namesake of a listed ship: a reason, no alert",
			ev:      Event{Type: TypeLoitering, Vessels: []Vessel{{MMSI: 412000009, Flag: "CN", Name: "SAM JONG 2", Class: "A", ShipType: 70, LengthM: 120}}},
			alert:   false,
			reasons: []string{"flag-cn", "watchlist-name"},
		},
		{
			name:    "listed name under a foreign MMSI, identity event: no alert by name alone",
			ev:      Event{Type: TypeIdentity, Anomaly: AnomalyWatchlistNameOtherMMSI, Vessels: []Vessel{{MMSI: 244730659, Flag: "NL", Name: "SAM JONG 2"}}},
			alert:   false,
			reasons: []string{"flag-nl", "identity-watchlist-name-other-mmsi", "watchlist-name"},
		},
		{
			name:    "identity anomaly of an unlisted ship",
			ev:      Event{Type: TypeIdentity, Anomaly: AnomalyIMOChecksum, Vessels: []Vessel{{MMSI: 412000009, Flag: "CN", IMO: 1234567}}},
			alert:   false,
			reasons: []string{"flag-cn", "identity-imo-checksum"},
		},
		{
			name:    "watch-listed ship loitering alerts (watchlist_alert)",
			ev:      Event{Type: TypeLoitering, Vessels: []Vessel{paShip}},
			evd:     Evidence{HasStatic: []bool{true}},
			alert:   true,
			reasons: []string{"flag-pa", "watchlist-imo", "watchlist-mmsi", "watchlist-name"},
		},
		{
			name:    "KP ship loitering alone: no partner",
			ev:      Event{Type: TypeLoitering, Vessels: []Vessel{kpShip}},
			evd:     Evidence{HasStatic: []bool{true}},
			alert:   false,
			reasons: []string{"flag-kp"},
		},
		{
			name:    "two unknown ships",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{grShip, mtShip}},
			evd:     Evidence{HasStatic: both},
			alert:   false,
			reasons: []string{"flag-gr", "flag-mt"},
		},
		{
			name:    "dark and loitering before",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, cnBarge}},
			evd:     Evidence{HasStatic: both, DarkBefore: []bool{true, false}, LoiterBefore: []bool{false, true}},
			alert:   true,
			reasons: []string{"barge-like", "class-b", "dark-before", "flag-cn", "flag-kp", "loiter-before"},
		},
		{
			name:    "evidence missing: static guessed from the identity",
			ev:      Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, {MMSI: 412000009, Flag: "CN", Class: "A"}}},
			alert:   true,
			reasons: []string{"barge-like", "flag-cn", "flag-kp", "no-static"},
		},
	}
	rules := DefaultRules()
	env := Env{Watchlist: w}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := tt.ev
			rules.Apply(&ev, env, tt.evd)
			assert.Equal(t, tt.alert, ev.Alert)
			assert.Equal(t, tt.reasons, ev.Reasons)
			assert.Greater(t, ev.Score, 0.0)
			assert.LessOrEqual(t, ev.Score, 1.0)
			if tt.alert {
				assert.GreaterOrEqual(t, ev.Score, 0.5, "an alert scores at least its alert weight")
			}
		})
	}
}

func TestApplyScoreOrdering(t *testing.T) {
	rules := DefaultRules()
	score := func(ev Event, evd Evidence) float64 {
		rules.Apply(&ev, Env{}, evd)
		return ev.Score
	}
	static := []bool{true, true}
	alert := Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, cnBarge}}
	plain := score(Event{Type: TypeEncounter, Vessels: []Vessel{grShip, mtShip}}, Evidence{HasStatic: static})
	alertScore := score(alert, Evidence{HasStatic: static})
	darkScore := score(alert, Evidence{HasStatic: static, DarkBefore: []bool{false, true}})

	assert.InDelta(t, 0.05, plain, 1e-9, "a plain encounter scores the base weight")
	assert.Greater(t, alertScore, plain)
	assert.Greater(t, darkScore, alertScore, "going dark before raises the score")
	// noisy-or of base, alert, source flag, counterpart flag, barge-like, class B
	want := 1 - 0.95*0.5*0.7*0.9*0.85*0.95
	assert.InDelta(t, want, alertScore, 0.0005)
}

// TestApplyMonotone checks that adding any piece of evidence never lowers the score.
func TestApplyMonotone(t *testing.T) {
	rules := DefaultRules()
	env := Env{Watchlist: testWatchlist(t)}
	pool := []Vessel{kpShip, cnBarge, cnSmall, cnBulk, cnType0, paShip, slShip, grShip, mtShip}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		a, b := pool[rng.IntN(len(pool))], pool[rng.IntN(len(pool))]
		if a.MMSI == b.MMSI {
			continue
		}
		base := Evidence{
			HasStatic:    []bool{rng.IntN(2) == 0, rng.IntN(2) == 0},
			DarkBefore:   []bool{false, false},
			LoiterBefore: []bool{false, false},
		}
		more := Evidence{
			HasStatic:    base.HasStatic,
			DarkBefore:   []bool{rng.IntN(2) == 0, rng.IntN(2) == 0},
			LoiterBefore: []bool{rng.IntN(2) == 0, rng.IntN(2) == 0},
		}
		ev1 := Event{Type: TypeEncounter, Vessels: []Vessel{a, b}}
		ev2 := ev1
		rules.Apply(&ev1, env, base)
		rules.Apply(&ev2, env, more)
		require.GreaterOrEqual(t, ev2.Score, ev1.Score, "case %d: %v %v", i, a, b)
		require.Equal(t, ev1.Alert, ev2.Alert, "dark/loiter evidence does not change the watch rule")
		require.Subset(t, ev2.Reasons, ev1.Reasons)
	}
}

func TestApplyConfigurable(t *testing.T) {
	env := Env{Watchlist: testWatchlist(t)}
	static := Evidence{HasStatic: []bool{true, true}}

	// Iran as an extra source flag: an IR tanker with a CN barge alerts.
	r := DefaultRules()
	r.SourceFlags = []string{"KP", "IR"}
	ev := Event{Type: TypeEncounter, Vessels: []Vessel{{MMSI: 422000001, Flag: "IR", ShipType: 80, LengthM: 300, Class: "A"}, cnBarge}}
	r.Apply(&ev, env, static)
	assert.True(t, ev.Alert)

	// Without the length test a 60 m class A cargo ship with static data is not barge-like.
	r = DefaultRules()
	r.BargeLike.MaxLengthM = 0
	ev = Event{Type: TypeEncounter, Vessels: []Vessel{kpShip, cnSmall}}
	r.Apply(&ev, env, static)
	assert.False(t, ev.Alert)
	assert.NotContains(t, ev.Reasons, ReasonBargeLike)

	// watchlist_alert off: a listed ship loitering no longer alerts, an identity event still does.
	r = DefaultRules()
	r.WatchlistAlert = false
	ev = Event{Type: TypeLoitering, Vessels: []Vessel{paShip}}
	r.Apply(&ev, env, Evidence{})
	assert.False(t, ev.Alert)
	assert.Contains(t, ev.Reasons, ReasonWatchlistIMO)
	ev = Event{Type: TypeIdentity, Anomaly: AnomalyWatchlistIMOOtherMMSI, Vessels: []Vessel{slShip}}
	r.Apply(&ev, env, Evidence{})
	assert.True(t, ev.Alert)

	// By default a name alone does not make a vessel watch-listed; with "name"
	// in watchlist_match it does.
	r = DefaultRules()
	ev = Event{Type: TypeLoitering, Vessels: []Vessel{{MMSI: 412000009, Flag: "CN", Name: "Sam Jong-2"}}}
	r.Apply(&ev, env, Evidence{})
	assert.False(t, ev.Alert)
	assert.Equal(t, []string{"flag-cn", "watchlist-name"}, ev.Reasons)
	nameOnly := ev.Score
	r.WatchlistMatch = []string{"imo", "name"}
	r.Apply(&ev, env, Evidence{})
	assert.True(t, ev.Alert)
	assert.Equal(t, []string{"flag-cn", "watchlist-name"}, ev.Reasons)
	assert.Greater(t, ev.Score, nameOnly)

	// Matching by IMO only: a listed MMSI no longer alerts, the reason stays.
	r = DefaultRules()
	r.WatchlistMatch = []string{"imo"}
	ev = Event{Type: TypeLoitering, Vessels: []Vessel{{MMSI: 352000111, Flag: "PA"}}}
	r.Apply(&ev, env, Evidence{})
	assert.False(t, ev.Alert)
	assert.Equal(t, []string{"flag-pa", "no-static", "watchlist-mmsi"}, ev.Reasons)
}

func TestRulesValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Rules)
		want string
	}{
		{"defaults", func(*Rules) {}, ""},
		{"lower-case flag", func(r *Rules) { r.SourceFlags = []string{"kp"} }, `"kp"`},
		{"long flag", func(r *Rules) { r.CounterpartFlags = []string{"CHN"} }, `"CHN"`},
		{"bad match", func(r *Rules) { r.WatchlistMatch = []string{"callsign"} }, "watchlist_match"},
		{"negative length", func(r *Rules) { r.BargeLike.MaxLengthM = -1 }, "max_length_m"},
		{"ship type", func(r *Rules) { r.BargeLike.ShipTypes = []int{300} }, "ship_types"},
		{"weight above 1", func(r *Rules) { r.Weights.DarkBefore = 1.5 }, "weights.dark_before"},
		{"negative weight", func(r *Rules) { r.Weights.Base = -0.1 }, "weights.base"},
		{"near port", func(r *Rules) { r.NearPortM = -5 }, "near_port_m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRules()
			tt.edit(&r)
			err := r.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestApplyPlaces(t *testing.T) {
	zones, err := geo.LoadZones("testdata/zones.geojson")
	require.NoError(t, err)
	ports, err := geo.LoadPorts("testdata/ports.csv")
	require.NoError(t, err)
	env := Env{Zones: zones, Ports: ports}
	rules := DefaultRules()
	evd := Evidence{HasStatic: []bool{true, true}}
	tests := []struct {
		name     string
		lat, lon float64
		reasons  []string
	}{
		{"inside the zone", 38.9, 124.1, []string{"flag-gr", "flag-mt", "zone:west-korea-bay"}},
		{"outside everything", 30.0, 122.0, []string{"flag-gr", "flag-mt"}},
		{"near the port, outside the zone", 38.75, 125.4, []string{"flag-gr", "flag-mt", "near-port"}},
	}
	scores := map[string]float64{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Event{Type: TypeEncounter, Lat: tt.lat, Lon: tt.lon, Vessels: []Vessel{grShip, mtShip}}
			rules.Apply(&ev, env, evd)
			assert.Equal(t, tt.reasons, ev.Reasons)
			scores[tt.name] = ev.Score
		})
	}
	assert.Greater(t, scores["inside the zone"], scores["outside everything"], "a zone raises the score")
	assert.Equal(t, scores["near the port, outside the zone"], scores["outside everything"], "near-port is a tag only")

	rules.NearPortM = 0
	ev := Event{Type: TypeEncounter, Lat: 38.75, Lon: 125.4, Vessels: []Vessel{grShip, mtShip}}
	rules.Apply(&ev, env, evd)
	assert.NotContains(t, ev.Reasons, ReasonNearPort, "near_port_m 0 turns the tag off")
}
