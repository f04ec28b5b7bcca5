package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/stswatch/stswatch/ais/feed"
	"github.com/stswatch/stswatch/detect/live"
)

// watchFlags are the flags of stswatch watch.
type watchFlags struct {
	feeds              []string
	state, out, listen string
	webhook, tokenFile string
	checkpointInterval time.Duration
	dedupWindow        time.Duration
	outboxMax          int
	logLevel           string
	env                envFlags
}

func newWatchCmd() *cobra.Command {
	var f watchFlags
	cmd := &cobra.Command{
		Use:   "watch --feed URL [--feed URL...] [flags]",
		Short: "Monitor live AIS feeds: alerts while a meeting is under way, restart without loss",
		Long: `watch reads live AIS feeds (NMEA), runs the same detectors as scan, and
appends every event to an fsynced JSON-lines log before it goes anywhere else:
an "ongoing" record as soon as an encounter passes its minimum duration, a
"closed" one when it ends, both with the same id. State is checkpointed to
--state; after a crash the daemon resumes from the checkpoint without losing or
repeating events. An HTTP API serves the events (GeoJSON and Server-Sent
Events), vessels, health and Prometheus metrics. Logs are JSON on stderr.
SIGINT/SIGTERM stop the feeds, checkpoint and exit 0; SIGHUP reloads --config,
--watchlist, --ports and --zones. See README "Live daemon".`,
		Example: `  stswatch watch --feed tcp://153.44.253.27:5631 --state /var/lib/stswatch --watchlist ofac.csv
  stswatch watch --feed udp://:10110 --feed tcp://127.0.0.1:5631?replay=true --token-file token.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runWatch(cmd, f) },
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&f.feeds, "feed", nil, "read NMEA from `URL` (repeatable): tcp://host:port (client; reconnects with backoff; add ?replay=true when the server replays its stream from the start on each connection), udp://[host]:port (listener), - (stdin)")
	fs.StringVar(&f.state, "state", "stswatch-state", "`DIR` for the checkpoint, the webhook outbox and (by default) the event log")
	fs.StringVar(&f.out, "out", "", "append events as JSON lines to `FILE` (default <state>/events.jsonl)")
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "serve the HTTP API on `ADDR`")
	f.env.register(fs)
	fs.StringVar(&f.webhook, "webhook", "", "POST each alert record (JSON) to `URL`, retried from a persistent outbox")
	fs.StringVar(&f.tokenFile, "token-file", "", "require \"Authorization: Bearer <token>\" on the API, the token read from `FILE`")
	fs.DurationVar(&f.checkpointInterval, "checkpoint-interval", 30*time.Second, "write a checkpoint this often (and on shutdown)")
	fs.DurationVar(&f.dedupWindow, "dedup-window", 2*time.Second, "drop a sentence another feed delivered within this arrival-time window")
	fs.IntVar(&f.outboxMax, "outbox-max", 1000, "webhook deliveries kept pending; beyond this the oldest is dropped")
	fs.StringVar(&f.logLevel, "log-level", "info", "log `LEVEL`: debug, info, warn or error")
	return cmd
}

// runWatch sets up the daemon from the flags and runs it until a signal.
func runWatch(cmd *cobra.Command, f watchFlags) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
	if len(f.feeds) == 0 {
		return errors.New("watch: at least one --feed is needed (see stswatch watch --help)")
	}
	// zero or less would silently mean the default inside live.New
	for _, d := range []struct {
		name string
		bad  bool
	}{{"--checkpoint-interval", f.checkpointInterval <= 0}, {"--dedup-window", f.dedupWindow <= 0}, {"--outbox-max", f.outboxMax <= 0}} {
		if d.bad {
			return fmt.Errorf("%s must be positive", d.name)
		}
	}
	cfg := live.Config{StateDir: f.state, OutPath: f.out, Webhook: f.webhook, CheckpointInterval: f.checkpointInterval,
		DedupWindow: f.dedupWindow, OutboxMax: f.outboxMax, Logger: log}
	for _, u := range f.feeds {
		src, err := feed.Parse(u)
		if err != nil {
			return fmt.Errorf("--feed: %w", err)
		}
		cfg.Feeds = append(cfg.Feeds, src)
	}
	if f.tokenFile != "" {
		b, err := os.ReadFile(f.tokenFile)
		if err != nil {
			return fmt.Errorf("--token-file: %w", err)
		}
		if cfg.Token = strings.TrimSpace(string(b)); cfg.Token == "" {
			return fmt.Errorf("--token-file %s: empty token", f.tokenFile)
		}
	}
	var err error
	if cfg.Detect, cfg.Env, err = f.env.load(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen) // before the state is touched: a busy port changes nothing
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	d, err := live.New(cfg)
	if err != nil {
		ln.Close()
		return err
	}
	srv := d.NewServer(f.listen)
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	log.Info("listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()

	ctx, stop := context.WithCancel(cmd.Context())
	defer stop()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		for {
			select {
			case s := <-sigs:
				if s != syscall.SIGHUP {
					log.Info("signal: stopping", "signal", s.String())
					stop()
					return
				}
				reload(ctx, d, f.env, log)
			case <-ctx.Done():
				return
			}
		}
	}()

	err = d.Run(ctx)
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// reload reads the rule, watch list, port and zone files again (SIGHUP); on
// any error the daemon keeps the rules it has.
func reload(ctx context.Context, d *live.Daemon, env envFlags, log *slog.Logger) {
	cfg, e, err := env.load()
	if err == nil {
		err = d.Reload(ctx, cfg, e)
	}
	if err != nil {
		log.Error("reload failed: keeping the current rules", "err", err)
	}
}
