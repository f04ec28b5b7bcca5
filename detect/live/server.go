package live

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/report"
)

// maxRequestBytes bounds request bodies; the API only reads query strings.
const maxRequestBytes = 64 << 10

// maxVesselPoints is how many recent fixes /api/vessels/{mmsi} returns.
const maxVesselPoints = 500

// NewServer returns the HTTP server of the daemon on addr, with timeouts set
// and request bodies limited.
func (d *Daemon) NewServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           http.MaxBytesHandler(d.Handler(), maxRequestBytes),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second, // the event stream extends its own deadline
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}

// Handler serves the API. With a token set, every route but /healthz and
// /readyz requires "Authorization: Bearer <token>".
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", d.handleReady)
	mux.Handle("GET /metrics", d.auth(promhttp.HandlerFor(d.m.reg, promhttp.HandlerOpts{})))
	mux.Handle("GET /api/events", d.auth(http.HandlerFunc(d.handleEvents)))
	mux.Handle("GET /api/events/stream", d.auth(http.HandlerFunc(d.handleStream)))
	mux.Handle("GET /api/vessels/{mmsi}", d.auth(http.HandlerFunc(d.handleVessel)))
	return mux
}

func (d *Daemon) auth(h http.Handler) http.Handler {
	if d.cfg.Token == "" {
		return h
	}
	want := []byte("Bearer " + d.cfg.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="stswatch"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// handleReady answers 200 when every feed is connected, else 503 with the ones that are not.
func (d *Daemon) handleReady(w http.ResponseWriter, _ *http.Request) {
	var down []string
	for _, f := range d.feeds {
		if !f.Up() {
			down = append(down, f.Name())
		}
	}
	if len(down) > 0 {
		http.Error(w, "feeds down: "+strings.Join(down, ", "), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// handleEvents serves the stored events as a GeoJSON FeatureCollection, the
// same features as scan's --geojson. Filters: since (RFC 3339; events ending
// at or after it), type, alert (true/false).
func (d *Daemon) handleEvents(w http.ResponseWriter, r *http.Request) {
	keep, err := eventFilter(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fc := geojson.NewFeatureCollection()
	for _, ev := range d.store.list(keep) {
		fc.Features = append(fc.Features, report.Features(ev)...)
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_ = json.NewEncoder(w).Encode(fc)
}

// eventFilter reads the since, type and alert query parameters.
func eventFilter(r *http.Request) (func(detect.Event) bool, error) {
	q := r.URL.Query()
	var since time.Time
	if s := q.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("since: want RFC 3339, e.g. 2026-01-02T15:04:05Z: %w", err)
		}
		since = t
	}
	typ := q.Get("type")
	switch typ {
	case "", detect.TypeEncounter, detect.TypeLoitering, detect.TypeGap, detect.TypeIdentity:
	default:
		return nil, fmt.Errorf("type: want encounter, loitering, gap or identity, not %q", typ)
	}
	alert := -1
	if s := q.Get("alert"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("alert: want true or false: %w", err)
		}
		alert = 0
		if b {
			alert = 1
		}
	}
	return func(ev detect.Event) bool {
		return !ev.End.Before(since) && (typ == "" || ev.Type == typ) && (alert < 0 || ev.Alert == (alert == 1))
	}, nil
}

// handleStream sends each new event as a Server-Sent Event ("event:" its
// status, "id:" its id and status, "data:" the JSON record), with a comment
// line every 15 s to keep proxies from closing the connection.
func (d *Daemon) handleStream(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{}) // a stream outlives the server's ReadTimeout
	events, stop := d.store.subscribe()
	defer stop()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(format string, args ...any) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(": stswatch event stream\n\n") {
		return
	}
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return
			}
			b, err := json.Marshal(ev)
			if err != nil || !send("event: %s\nid: %s/%s\ndata: %s\n\n", ev.Status, ev.ID, ev.Status, b) {
				return
			}
		case <-keepalive.C:
			if !send(": keepalive\n\n") {
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}

// vesselReply is the body of /api/vessels/{mmsi}.
type vesselReply struct {
	Vessel    detect.Vessel       `json:"vessel"`
	Positions []detect.TrackPoint `json:"positions"` // oldest first, at most maxVesselPoints
}

// handleVessel answers with a vessel's identity and recent positions, asked
// of the detector on its own goroutine.
func (d *Daemon) handleVessel(w http.ResponseWriter, r *http.Request) {
	mmsi, err := strconv.ParseUint(r.PathValue("mmsi"), 10, 32)
	if err != nil || mmsi == 0 || mmsi > 999_999_999 {
		http.Error(w, "mmsi: want a number of up to 9 digits", http.StatusBadRequest)
		return
	}
	var reply vesselReply
	var found bool
	err = d.do(r.Context(), func(det *detect.Detector) {
		reply.Vessel, reply.Positions, found = det.Vessel(uint32(mmsi))
		if n := len(reply.Positions); n > maxVesselPoints {
			reply.Positions = reply.Positions[n-maxVesselPoints:]
		}
		reply.Positions = append([]detect.TrackPoint{}, reply.Positions...) // not shared with the detector; [] when none
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if !found {
		http.Error(w, "vessel not in memory", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(reply)
}
