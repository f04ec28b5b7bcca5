package live

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/ais/feed"
)

// metrics are the daemon's Prometheus series, all prefixed stswatch_, in a
// registry of their own (no global state).
type metrics struct {
	reg           *prometheus.Registry
	messages      *prometheus.CounterVec // by feed
	events        *prometheus.CounterVec // by type, status
	activeVessels prometheus.Gauge
	webhook       *prometheus.CounterVec // by outcome
	outboxPending prometheus.Gauge
	checkpoints   *prometheus.CounterVec // by result
	checkpointDur prometheus.Gauge

	lastEventTime atomic.Int64 // unix ns of the newest record pushed, for the lag
}

func newMetrics(rejects *ais.Rejects, now func() time.Time) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stswatch_messages_total",
			Help: "AIS records decoded, by feed."}, []string{"feed"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stswatch_events_total",
			Help: "Events written to the log, by type and status."}, []string{"type", "status"}),
		activeVessels: prometheus.NewGauge(prometheus.GaugeOpts{Name: "stswatch_active_vessels",
			Help: "Vessels held in detector memory."}),
		webhook: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stswatch_webhook_deliveries_total",
			Help: "Webhook delivery outcomes: delivered, retried, refused (4xx), dropped (outbox full), damaged (outbox file unreadable at start)."}, []string{"outcome"}),
		outboxPending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "stswatch_webhook_outbox_pending",
			Help: "Alerts waiting in the webhook outbox."}),
		checkpoints: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stswatch_checkpoints_total",
			Help: "Checkpoints written, by result (ok, error)."}, []string{"result"}),
		checkpointDur: prometheus.NewGauge(prometheus.GaugeOpts{Name: "stswatch_checkpoint_duration_seconds",
			Help: "Time the last checkpoint took."}),
	}
	lag := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "stswatch_processing_lag_seconds",
		Help: "Wall clock now minus the event time of the newest record processed."}, func() float64 {
		t := m.lastEventTime.Load()
		if t == 0 {
			return 0
		}
		return now().Sub(time.Unix(0, t)).Seconds()
	})
	m.reg.MustRegister(m.messages, m.events, m.activeVessels,
		m.webhook, m.outboxPending, m.checkpoints, m.checkpointDur, lag, rejectsCollector{rejects},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// addFeed registers the series read from a feed: up, reconnects, duplicates.
func (m *metrics) addFeed(r *feed.Reader) {
	labels := prometheus.Labels{"feed": r.Name()}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "stswatch_feed_up", ConstLabels: labels,
			Help: "1 while the feed is connected (UDP: listening), else 0."}, func() float64 {
			if r.Up() {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "stswatch_feed_reconnects_total", ConstLabels: labels,
			Help: "Connections made after the feed dropped."}, func() float64 { return float64(r.Reconnects()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "stswatch_duplicate_sentences_total", ConstLabels: labels,
			Help: "Sentences dropped because another feed delivered them first."}, func() float64 { return float64(r.Duplicates()) }),
	)
}

// rejectsCollector exports the NMEA readers' reject counts by reason.
type rejectsCollector struct{ r *ais.Rejects }

var rejectedDesc = prometheus.NewDesc("stswatch_rejected_total", "Input lines rejected, by reason.", []string{"reason"}, nil)

// Describe sends the one descriptor of stswatch_rejected_total.
func (c rejectsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- rejectedDesc }

// Collect sends the reject counts as they are now.
func (c rejectsCollector) Collect(ch chan<- prometheus.Metric) {
	for reason, n := range c.r.Counts() {
		ch <- prometheus.MustNewConstMetric(rejectedDesc, prometheus.CounterValue, float64(n), string(reason))
	}
}
