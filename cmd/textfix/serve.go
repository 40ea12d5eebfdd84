package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/ocr"
	"github.com/textfix/textfix/templates"
	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/web"
)

// App is the running server: config, store and HTTP. The end-to-end tests
// start it exactly as main does.
type App struct {
	Config Config
	Log    *slog.Logger

	db     *storage
	desk   *bot.Desk
	outbox *twilio.Outbox
	web    *web.Server
	http   *http.Server
	ln     net.Listener
	closed chan struct{}
	// leading is what leader last found.
	leading atomic.Bool
}

// ClaimTTL is how long a MessageSid is remembered for dedup: Twilio
// retries within minutes; 48 h is ample.
const ClaimTTL = 48 * time.Hour

// pruneBatch is how many claims one PruneClaims call deletes at most.
const pruneBatch = 1000

// sweepEvery is how often the leader looks for tickets that waited too
// long, and so how soon another instance takes over the timers once the
// leader is gone.
const sweepEvery = 5 * time.Second

// stopTimeout bounds a graceful stop: requests in flight and the outbox
// send in progress get this long to finish (fly.toml's kill_timeout is
// longer).
const stopTimeout = 10 * time.Second

// NewApp opens the store, loads the flows and listens. Nothing is served
// until Run.
func NewApp(cfg Config, logOut io.Writer) (*App, error) {
	a := &App{Config: cfg, closed: make(chan struct{})}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.Sandbox() {
		a.Log = slog.New(slog.NewTextHandler(logOut, opts))
	} else {
		a.Log = slog.New(slog.NewJSONHandler(logOut, opts))
	}
	if err := cfg.CheckListen(); err != nil {
		return nil, err
	}
	lib, problems, err := cfg.Flows()
	for _, p := range problems {
		a.Log.Warn("flows", "problem", p.String())
	}
	if err != nil {
		return nil, err
	}
	pages, err := templates.Parse() // a broken template stops start-up
	if err != nil {
		return nil, err
	}
	db, err := openStorage(context.Background(), cfg, a.Log)
	if err != nil {
		return nil, err
	}
	if db.warm != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		db.warm(ctx)
		cancel()
	}
	a.db = db
	a.desk = cfg.Desk()
	var sender twilio.MessageSender = &twilio.Recorder{Log: a.Log}
	if !cfg.Sandbox() {
		sender, err = twilio.NewSender(twilio.SenderConfig{
			AccountSID: cfg.AccountSID, AuthToken: cfg.AuthToken,
			From: cfg.From, MessagingServiceSID: cfg.MessagingServiceSID, BaseURL: cfg.TwilioAPIURL,
		})
		if err != nil {
			_ = db.Close() // the sender's error is the one to report
			return nil, err
		}
	}
	shots, err := a.screenshots()
	if err != nil {
		_ = db.Close() // the media client's error is the one to report
		return nil, err
	}
	cfg.Screenshots = shots.On()
	a.Config.Screenshots = cfg.Screenshots
	a.outbox = &twilio.Outbox{Store: db, Sender: sender, Desk: a.desk, StatusCallback: cfg.PublicURL + "/twilio/status", Rate: cfg.SendRate, Log: a.Log, Drain: stopTimeout}
	a.outbox.Init()
	a.web, err = web.New(web.Config{
		PublicURL:    cfg.PublicURL,
		AuthToken:    cfg.AuthToken,
		AccountSID:   cfg.AccountSID,
		Numbers:      cfg.Numbers(),
		Store:        db,
		ConsoleStore: db,
		Backup:       db.backup,
		Desk:         a.desk,
		Wake:         a.outbox.Wake,
		Gauges: []web.Gauge{
			{Name: "textfix_outbox_sent_total", Help: "Messages sent by the outbox since start.",
				Value: func() float64 { return float64(a.outbox.Sent()) }},
			{Name: "textfix_outbox_queued", Help: "Messages waiting in the outbox.",
				Value: func() float64 { n, _ := a.outboxDepth(); return float64(n) }},
			{Name: "textfix_outbox_oldest_seconds", Help: "How long the oldest queued message has waited (0 when none).",
				Value: func() float64 { _, age := a.outboxDepth(); return age.Seconds() }},
		},
		MetricsToken: cfg.MetricsToken,
		Log:          a.Log,
		Templates:    pages,
		SMSNumber:    cfg.SMSNumber,

		ConsolePassword: cfg.ConsolePassword,
		ClientIPHeader:  cfg.ClientIPHeader,
		Screenshots:     shots,
	}, cfg.Engine(lib))
	if err != nil {
		_ = db.Close() // the first error is the one to report
		return nil, err
	}
	a.outbox.OnPanic = func(err error) { a.web.ReportPanic("outbox", err) }
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	a.ln = ln
	a.http = &http.Server{
		Handler:           a.web.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	return a, nil
}

// Addr is the address the server listens on.
func (a *App) Addr() string { return a.ln.Addr().String() }

// Run serves until ctx is done, then shuts down gracefully: it stops
// accepting, lets requests in flight and the outbox's send in progress
// finish (up to stopTimeout; a message Twilio accepted is recorded as
// sent, never sent again) and closes the store.
func (a *App) Run(ctx context.Context) error {
	defer a.Close()
	if a.Config.Sandbox() {
		a.Log.Info("sandbox mode: no TWILIO_AUTH_TOKEN, so signatures are not checked, texts are recorded instead of sent, and only loopback is served")
		a.Log.Info(fmt.Sprintf("try: curl -d From=%%2B15555550100 -d MessageSid=SM$RANDOM -d 'Body=claude code 403' http://%s/twilio/sms", a.Addr()))
	}
	if len(a.Config.OperatorPhones) == 0 {
		a.Log.Warn("no TEXTFIX_OPERATOR_PHONES: nobody is texted when someone asks for a human; they wait until an operator opens " +
			a.Config.PublicURL + "/console, and the bot tells them so")
	}
	// SIGHUP is caught before the first text is served: its default
	// action ends the process, so one sent just after start (a deploy's
	// reload) must find the handler in place, not a goroutine yet to run.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	a.Log.Info("listening", "addr", a.Addr(), "public_url", a.Config.PublicURL, "db", a.db.where)

	errc := make(chan error, 1)
	go func() { errc <- a.http.Serve(a.ln) }()
	var wg sync.WaitGroup
	wg.Go(func() { a.pruneClaims(ctx) })
	wg.Go(func() { a.retain(ctx) })
	if a.Config.BackupDir != "" {
		wg.Go(func() { a.backups(ctx) })
	}
	wg.Go(func() { a.outbox.Run(ctx) })
	wg.Go(func() { a.sweepTickets(ctx) })
	wg.Go(func() { a.reloadOnHUP(ctx, hup) })
	if a.db.fold != nil {
		wg.Go(func() { a.foldCounters(ctx) })
	}
	if a.db.listen != nil {
		wg.Go(func() {
			a.db.listen(ctx, a.outbox.Wake, func(err error) { a.Log.Warn("outbox: listen", "err", err) })
		})
	}
	// A restart or a deploy changes the flows as a reload does.
	wg.Go(func() { a.logStranded(ctx, a.web.Engine()) })
	defer wg.Wait() // before the deferred Close

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if err := a.http.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.web.Wait() // pictures still being read, media deletes: before the store closes
	return nil
}

// screenshots sets up reading the pictures people text: Twilio's media
// API (not in sandbox mode, which has no credentials) and tesseract.
// Without tesseract it logs one line and pictures get the "text me the
// error in words" answer; everything else works.
func (a *App) screenshots() (web.Screenshots, error) {
	var shots web.Screenshots
	reader, err := ocr.New(ocr.Config{})
	if err != nil {
		a.Log.Warn("screenshots: tesseract not found; picture messages get 'text me the error in words'", "err", err)
		shots.NoTesseract = true
	} else {
		shots.OCR = reader
	}
	if a.Config.Sandbox() {
		if reader != nil {
			a.Log.Info("screenshots: off in sandbox mode (no Twilio credentials to fetch pictures with)")
		}
		return shots, nil
	}
	shots.Media, err = twilio.NewMediaClient(twilio.MediaConfig{
		AccountSID: a.Config.AccountSID, AuthToken: a.Config.AuthToken, BaseURL: a.Config.TwilioAPIURL,
	})
	if err != nil {
		return shots, err
	}
	if reader != nil {
		a.Log.Info("screenshots: reading pictures", "tesseract", reader.Version())
	}
	return shots, nil
}

// outboxDepth is how many messages wait in the outbox and how long the
// oldest has waited, for /metrics (zero when the store does not answer).
func (a *App) outboxDepth() (int, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, oldest, err := a.db.OutboxDepth(ctx)
	if err != nil || n == 0 {
		return 0, 0
	}
	return n, max(time.Since(oldest), 0)
}

// leader reports whether this instance runs the timers now, and logs
// when that changes.
func (a *App) leader(ctx context.Context, timer string) bool {
	ok, err := a.db.Leader(ctx)
	if err != nil && ctx.Err() == nil {
		a.Log.Error(timer, "err", err)
	}
	ok = ok && err == nil
	if a.leading.Swap(ok) != ok && ctx.Err() == nil {
		if ok {
			a.Log.Info("leader: this instance runs the timers")
		} else {
			a.Log.Info("leader: another instance runs the timers")
		}
	}
	return ok
}

// every runs fn (at once first, with atStart) every d until ctx ends.
func every(ctx context.Context, d time.Duration, atStart bool, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	if atStart {
		fn()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fn()
	}
}

// pruneClaims forgets MessageSids older than ClaimTTL, at start and
// hourly, in batches, on the leader.
func (a *App) pruneClaims(ctx context.Context) {
	every(ctx, time.Hour, true, func() {
		if !a.leader(ctx, "prune claims") {
			return
		}
		total := 0
		for {
			n, err := a.db.PruneClaims(ctx, time.Now().Add(-ClaimTTL), pruneBatch)
			if err != nil && ctx.Err() == nil {
				a.Log.Error("prune claims", "err", err)
			}
			total += n
			if err != nil || n < pruneBatch {
				break
			}
		}
		if total > 0 {
			a.Log.Info("pruned claims", "n", total)
		}
	})
}

// foldEvery is how often the leader folds the counts texts appended into
// the analytics totals (PostgreSQL).
const foldEvery = 10 * time.Second

// foldCounters runs the backend's fold on the leader, every foldEvery.
func (a *App) foldCounters(ctx context.Context) {
	every(ctx, foldEvery, false, func() {
		if !a.leader(ctx, "fold counters") {
			return
		}
		if _, err := a.db.fold(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("fold counters", "err", err)
		}
	})
}

// retain deletes what is older than TEXTFIX_RETAIN, at start and hourly,
// on the leader; the bbolt store scrubs what it deleted from the file
// within a minute.
func (a *App) retain(ctx context.Context) {
	every(ctx, time.Hour, true, func() {
		if !a.leader(ctx, "retention") {
			return
		}
		n, err := a.db.retain(ctx, time.Now().Add(-a.Config.Retain))
		if err != nil && ctx.Err() == nil {
			a.Log.Error("retention", "err", err)
		}
		if n > 0 {
			a.Log.Info("retention deleted old records", "n", n, "older_than", a.Config.Retain.String())
		}
	})
}

// backups writes a checked backup into TEXTFIX_BACKUP_DIR at start and
// every TEXTFIX_BACKUP_EVERY, keeping the newest TEXTFIX_BACKUP_KEEP.
func (a *App) backups(ctx context.Context) {
	every(ctx, a.Config.BackupEvery, true, func() {
		path, err := a.db.backupTo(ctx, a.Config.BackupDir, a.Config.BackupKeep, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			a.Log.Error("backup", "err", err)
		case err == nil:
			a.Log.Info("backup written and checked", "path", path)
		}
	})
}

// reloadOnHUP reloads the flows on each SIGHUP that hup delivers. A set
// with any error is refused with the checker's messages, and the flows
// already live stay live.
func (a *App) reloadOnHUP(ctx context.Context, hup <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		lib, problems, err := a.Config.Flows()
		for _, p := range problems {
			a.Log.Warn("flows reload", "problem", p.String())
		}
		if err != nil {
			a.Log.Error("flows reload refused; the previous flows stay live", "err", err)
			continue
		}
		engine := a.Config.Engine(lib)
		a.web.SetEngine(engine)
		a.Log.Info("flows reloaded", "flows", len(lib.Flows), "stranded", a.logStranded(ctx, engine))
	}
}

// maxStrandedLogged is how many stranded conversations a start or a
// reload logs one by one; the count covers them all.
const maxStrandedLogged = 20

// logStranded logs the live conversations that engine's flows strand
// (bot.Engine.Stranded: where each was, and what its next text will
// find), numbers masked, and returns how many there are (-1 when the
// store could not say). The engine handles each on its next text; this
// tells the operator how many that will be.
func (a *App) logStranded(ctx context.Context, engine *bot.Engine) int {
	got, checked, err := engine.Stranded(ctx, a.db, time.Now())
	if err != nil {
		if ctx.Err() == nil {
			a.Log.Error("stranded conversations: could not check", "err", err)
		}
		return -1
	}
	for i, s := range got {
		if i == maxStrandedLogged {
			a.Log.Warn("stranded conversations: more not logged", "more", len(got)-i)
			break
		}
		st := s.Stale
		a.Log.Warn("stranded conversation: the flows changed under it", "from", bot.Mask(s.Phone), "flow", st.Flow, "node", st.Node,
			"status", st.Status, "damage", st.Damage, "next_text", st.Effect())
	}
	if len(got) > 0 {
		a.Log.Warn("stranded conversations", "stranded", len(got), "live", checked)
	}
	return len(got)
}

// sweepTickets tells people whose ticket waited too long, every
// sweepEvery, on the leader.
func (a *App) sweepTickets(ctx context.Context) {
	every(ctx, sweepEvery, false, func() { a.sweepOnce(ctx) })
}

// sweepOnce is one run of the ticket sweep. A panic in it, in the desk
// (which returns it as a *bot.PanicError) or around it, fails this run
// only: it is counted and logged, and the next run goes ahead.
func (a *App) sweepOnce(ctx context.Context) {
	var err error
	defer func() {
		if !a.web.ReportPanic("sweep tickets", err) && err != nil && ctx.Err() == nil {
			a.Log.Error("sweep tickets", "err", err)
		}
	}()
	defer bot.CatchPanic(&err)
	if !a.leader(ctx, "sweep tickets") {
		return
	}
	n, now := 0, time.Now()
	err = a.db.Update(ctx, "", func(tx bot.Tx) error {
		var err error
		n, err = a.desk.Sweep(tx, now)
		return err
	})
	if n > 0 {
		a.outbox.Wake()
	}
}

// Close releases the listener and the store. It is safe to call twice.
func (a *App) Close() error {
	select {
	case <-a.closed:
		return nil
	default:
		close(a.closed)
	}
	_ = a.ln.Close() // the store's error is the one to report
	return a.db.Close()
}

func (cli *CLI) serve(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: serve takes no arguments (configure with environment variables)", errUsage)
	}
	cfg, err := cli.config()
	if err != nil {
		return err
	}
	app, err := NewApp(cfg, cli.Stderr)
	if err != nil {
		return err
	}
	return app.Run(ctx)
}
