package live

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/ais/feed"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/live/livetest"
)

const testToken = "s3cret-token"

func get(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// decode parses want's JSON lines.
func decode(t *testing.T, lines []string) []detect.Event {
	var out []detect.Event
	for _, l := range lines {
		var ev detect.Event
		require.NoError(t, json.Unmarshal([]byte(l), &ev))
		out = append(out, ev)
	}
	return out
}

func TestAPI(t *testing.T) {
	data, want := livetest.Scenario()
	events := decode(t, want)
	var alert detect.Event
	for _, ev := range events {
		if ev.Alert && ev.Status == detect.StatusOngoing {
			alert = ev
			break
		}
	}
	require.NotEmpty(t, alert.ID, "the scenario has an ongoing alert")

	srv := &livetest.FeedServer{Data: data, Gate: make(chan struct{})} // sends once the stream is subscribed
	srv.Start(t)
	src, err := feed.Parse(srv.URL())
	require.NoError(t, err)
	h := startDaemon(t, Config{Feeds: []feed.Source{src}, Token: testToken})
	logPath := filepath.Join(h.dir, "events.jsonl")

	// Subscribe to the stream before the alert is out.
	req, err := http.NewRequest(http.MethodGet, h.api.URL+"/api/events/stream", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	close(srv.Gate)

	t.Run("SSE delivers an alert, logged first", func(t *testing.T) {
		got := make(chan detect.Event, 1)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				data, ok := strings.CutPrefix(sc.Text(), "data: ")
				if !ok {
					continue
				}
				var ev detect.Event
				if json.Unmarshal([]byte(data), &ev) == nil && ev.ID == alert.ID && ev.Status == alert.Status {
					got <- ev
					return
				}
			}
		}()
		select {
		case ev := <-got:
			assert.True(t, ev.Alert)
			assert.Equal(t, alert.Start, ev.Start)
			logged := livetest.ReadLog(t, logPath)
			assert.Contains(t, strings.Join(logged, "\n"), fmt.Sprintf(`"id":%q,"type":%q,"status":"ongoing"`, alert.ID, alert.Type),
				"the event log holds the alert before the stream sends it")
		case <-time.After(30 * time.Second):
			t.Fatal("no alert on the event stream within 30 s")
		}
	})
	livetest.WaitLog(t, logPath, len(want))

	t.Run("token", func(t *testing.T) {
		for _, tt := range []struct {
			path, token string
			want        int
		}{
			{"/api/events", "", http.StatusUnauthorized},
			{"/api/events", "wrong", http.StatusUnauthorized},
			{"/api/events", testToken, http.StatusOK},
			{"/metrics", "", http.StatusUnauthorized},
			{"/metrics", testToken, http.StatusOK},
			{"/api/events/stream", "", http.StatusUnauthorized},
			{"/healthz", "", http.StatusOK},
			{"/readyz", "", http.StatusOK},
		} {
			code, _ := get(t, h.api.URL+tt.path, tt.token)
			assert.Equal(t, tt.want, code, "%s with token %q", tt.path, tt.token)
		}
	})

	t.Run("events filters", func(t *testing.T) {
		latest := map[string]detect.Event{} // the API serves each id's latest record
		for _, ev := range events {
			latest[ev.ID] = ev
		}
		mid := events[len(events)/2].End
		for _, tt := range []struct {
			query string
			keep  func(detect.Event) bool
		}{
			{"", func(detect.Event) bool { return true }},
			{"?type=encounter", func(e detect.Event) bool { return e.Type == detect.TypeEncounter }},
			{"?alert=true", func(e detect.Event) bool { return e.Alert }},
			{"?type=gap&alert=false", func(e detect.Event) bool { return e.Type == detect.TypeGap && !e.Alert }},
			{"?since=" + mid.Format(time.RFC3339), func(e detect.Event) bool { return !e.End.Before(mid) }},
		} {
			wantIDs := map[string]bool{}
			for id, ev := range latest {
				if tt.keep(ev) {
					wantIDs[id] = true
				}
			}
			code, body := get(t, h.api.URL+"/api/events"+tt.query, testToken)
			require.Equal(t, http.StatusOK, code, tt.query)
			var fc struct {
				Type     string `json:"type"`
				Features []struct {
					Geometry   struct{ Type string } `json:"geometry"`
					Properties map[string]any        `json:"properties"`
				} `json:"features"`
			}
			require.NoError(t, json.Unmarshal(body, &fc), tt.query)
			assert.Equal(t, "FeatureCollection", fc.Type)
			gotIDs := map[string]bool{}
			for _, f := range fc.Features {
				id, _ := f.Properties["event_id"].(string)
				gotIDs[id] = true
			}
			assert.Equal(t, wantIDs, gotIDs, "events%s", tt.query)
		}
		for _, q := range []string{"?since=yesterday", "?type=party", "?alert=maybe"} {
			code, _ := get(t, h.api.URL+"/api/events"+q, testToken)
			assert.Equal(t, http.StatusBadRequest, code, q)
		}
	})

	t.Run("vessels", func(t *testing.T) {
		mmsi := alert.Vessels[0].MMSI
		code, body := get(t, fmt.Sprintf("%s/api/vessels/%d", h.api.URL, mmsi), testToken)
		require.Equal(t, http.StatusOK, code, string(body))
		var v vesselReply
		require.NoError(t, json.Unmarshal(body, &v))
		assert.Equal(t, mmsi, v.Vessel.MMSI)
		require.NotEmpty(t, v.Positions)
		assert.LessOrEqual(t, len(v.Positions), maxVesselPoints)
		for _, p := range v.Positions {
			assert.InDelta(t, alert.Lat, p.LatDeg, 10, "a position near the scenario's region")
		}
		code, _ = get(t, h.api.URL+"/api/vessels/123456789", testToken)
		assert.Equal(t, http.StatusNotFound, code)
		for _, bad := range []string{"abc", "0", "1234567890", "-5"} { // an MMSI has up to 9 digits
			code, _ = get(t, h.api.URL+"/api/vessels/"+bad, testToken)
			assert.Equal(t, http.StatusBadRequest, code, bad)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		_, body := get(t, h.api.URL+"/metrics", testToken)
		text := string(body)
		for _, name := range []string{
			fmt.Sprintf(`stswatch_messages_total{feed=%q}`, src.Name),
			fmt.Sprintf(`stswatch_feed_up{feed=%q} 1`, src.Name),
			`stswatch_events_total{status="ongoing",type="encounter"}`,
			"stswatch_rejected_total{reason=",
			"stswatch_active_vessels",
			"stswatch_processing_lag_seconds",
		} {
			assert.Contains(t, text, name)
		}
		assert.NotContains(t, text, fmt.Sprintf(`stswatch_messages_total{feed=%q} 0`, src.Name))
	})
}

func TestReadyWhileFeedDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nobody serves: the feed stays down
	h := startDaemon(t, Config{Feeds: []feed.Source{{Name: "tcp://" + addr, Scheme: "tcp", Addr: addr}}})
	code, body := get(t, h.api.URL+"/readyz", "")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, string(body), addr)
	code, _ = get(t, h.api.URL+"/healthz", "")
	assert.Equal(t, http.StatusOK, code)
}

func TestUDPFeed(t *testing.T) {
	data, want := livetest.Scenario()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := pc.LocalAddr().String()
	require.NoError(t, pc.Close())
	h := startDaemon(t, Config{Feeds: []feed.Source{{Name: "udp://" + addr, Scheme: "udp", Addr: addr}}})
	require.Eventually(t, h.d.feeds[0].Up, 5*time.Second, 5*time.Millisecond)

	c, err := net.Dial("udp", addr)
	require.NoError(t, err)
	defer c.Close()
	lines := bytes.SplitAfter(data, []byte("\n"))
	const perDatagram, perBurst = 10, 500
	for i := 0; i < len(lines); i += perDatagram {
		_, err := c.Write(bytes.Join(lines[i:min(i+perDatagram, len(lines))], nil))
		require.NoError(t, err)
		if (i+perDatagram)%perBurst == 0 { // flow control: let the daemon catch up so the socket buffer never overflows
			sent := int64(i + perDatagram)
			require.Eventually(t, func() bool { return h.d.feeds[0].Lines() >= sent }, 10*time.Second, time.Millisecond)
		}
	}
	got := livetest.WaitLog(t, filepath.Join(h.dir, "events.jsonl"), len(want))
	livetest.SameEvents(t, want, got)
}

// TestVesselWithoutFixes: a vessel known from its static message only is
// served with "positions" an empty array, as documented, not null.
func TestVesselWithoutFixes(t *testing.T) {
	static := "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C\n" +
		"!AIVDM,2,2,1,A,88888888880,2*25\n" // MMSI 351759000, EVER DIADEM
	h := startDaemon(t, Config{Feeds: []feed.Source{{Name: "-", Scheme: "stdin"}},
		Feed: feed.Options{Stdin: io.MultiReader(strings.NewReader(static), blockUntilStopped(t))}})
	require.Eventually(t, func() bool { return h.d.feeds[0].Lines() == 2 }, 10*time.Second, time.Millisecond)
	var reply map[string]json.RawMessage
	require.Eventually(t, func() bool {
		code, body := get(t, h.api.URL+"/api/vessels/351759000", "")
		return code == http.StatusOK && json.Unmarshal(body, &reply) == nil
	}, 10*time.Second, 10*time.Millisecond)
	assert.JSONEq(t, `[]`, string(reply["positions"]))
	assert.JSONEq(t, `{"mmsi":351759000,"flag":"PA","name":"EVER DIADEM","imo":9134270,"callsign":"3FOF8","ship_type":70,"class":"A","length_m":295}`, string(reply["vessel"]))
}
