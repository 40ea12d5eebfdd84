package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/twilio"
)

// Config is everything textfix reads from its environment. It is loaded
// once, by LoadConfig, and passed explicitly from there.
type Config struct {
	Addr string // TEXTFIX_ADDR
	DB   string // TEXTFIX_DB
	// DatabaseURL (TEXTFIX_DATABASE_URL), when set, is a postgres:// URL:
	// PostgreSQL instead of the bbolt file, shared by every instance.
	DatabaseURL string
	// DatabaseDirectURL (TEXTFIX_DATABASE_DIRECT_URL) reaches PostgreSQL
	// without a pooler, for the leader's lock and LISTEN; it defaults to
	// DatabaseURL.
	DatabaseDirectURL string

	PublicURL string // TEXTFIX_PUBLIC_URL

	AccountSID          string // TWILIO_ACCOUNT_SID
	AuthToken           string // TWILIO_AUTH_TOKEN; empty = sandbox
	From                string // TWILIO_FROM
	SMSNumber           string // TWILIO_FROM: the number fix pages' sms: links text
	MessagingServiceSID string // TWILIO_MESSAGING_SERVICE_SID
	TwilioAPIURL        string // TEXTFIX_TWILIO_API_URL

	OperatorPhones  []string // TEXTFIX_OPERATOR_PHONES
	OperatorName    string   // TEXTFIX_OPERATOR_NAME
	ConsolePassword string   // TEXTFIX_CONSOLE_PASSWORD
	FlowsDir        string   // TEXTFIX_FLOWS_DIR
	// MetricsToken is the bearer token /metrics wants
	// (TEXTFIX_METRICS_TOKEN); unset outside sandbox mode, /metrics
	// answers 404.
	MetricsToken string

	// ClientIPHeader is "Fly-Client-IP" on Fly.io (FLY_APP_NAME is set):
	// Fly's proxy writes the client's address there, overwriting what the
	// client sent, and the console's login rate limit trusts it. Elsewhere
	// it is empty: the connection's address counts.
	ClientIPHeader string

	IdleAfter      time.Duration    // TEXTFIX_IDLE_AFTER (default 24h)
	Hours          *bot.OfficeHours // TEXTFIX_OFFICE_HOURS, e.g. "Mon-Fri 09-18 America/New_York"
	HandoffTimeout time.Duration    // TEXTFIX_HANDOFF_TIMEOUT (default 15m)
	SendRate       float64          // TEXTFIX_SEND_RATE, messages/s (default 1)

	LogLevel slog.Level // TEXTFIX_LOG_LEVEL: debug, info (default), warn or error

	// Retain is how long transcripts, idle conversations, pages and
	// samples are kept (TEXTFIX_RETAIN, default 90d).
	Retain time.Duration
	// BackupDir turns on periodic backups into it (TEXTFIX_BACKUP_DIR),
	// one every BackupEvery (TEXTFIX_BACKUP_EVERY, default 6h), keeping
	// the newest BackupKeep (TEXTFIX_BACKUP_KEEP, default 7).
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
	// SkipCheck skips the check of every page at start
	// (TEXTFIX_SKIP_CHECK=1); the meta pages are checked still.
	SkipCheck bool
	// Screenshots says pictures are read (Twilio credentials and
	// tesseract both there): set by NewApp, not from the environment.
	// HELP then says that a screenshot works and is deleted once read.
	Screenshots bool
}

// Defaults of the external contract (README.md, Configuration).
const (
	// MinConsolePassword is the shortest TEXTFIX_CONSOLE_PASSWORD accepted
	// outside sandbox mode, in characters.
	MinConsolePassword = 12

	DefaultDB          = "data/textfix.db"
	DefaultRetain      = 90 * 24 * time.Hour
	DefaultBackupEvery = 6 * time.Hour
	DefaultBackupKeep  = 7
	DefaultAddr        = ":8080"
	DefaultSandboxAddr = "127.0.0.1:8080"
)

// Sandbox reports whether textfix runs without Twilio credentials: no
// signature checks, loopback only, REST messages recorded instead of sent.
func (c Config) Sandbox() bool { return c.AuthToken == "" }

// LoadConfig reads the configuration from getenv (os.Getenv in main).
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:                getenv("TEXTFIX_ADDR"),
		DB:                  getenv("TEXTFIX_DB"),
		DatabaseURL:         getenv("TEXTFIX_DATABASE_URL"),
		DatabaseDirectURL:   getenv("TEXTFIX_DATABASE_DIRECT_URL"),
		PublicURL:           strings.TrimRight(getenv("TEXTFIX_PUBLIC_URL"), "/"),
		AccountSID:          getenv("TWILIO_ACCOUNT_SID"),
		AuthToken:           getenv("TWILIO_AUTH_TOKEN"),
		From:                getenv("TWILIO_FROM"),
		SMSNumber:           getenv("TWILIO_FROM"),
		MessagingServiceSID: getenv("TWILIO_MESSAGING_SERVICE_SID"),
		TwilioAPIURL:        getenv("TEXTFIX_TWILIO_API_URL"),
		OperatorName:        getenv("TEXTFIX_OPERATOR_NAME"),
		ConsolePassword:     getenv("TEXTFIX_CONSOLE_PASSWORD"),
		FlowsDir:            getenv("TEXTFIX_FLOWS_DIR"),
		MetricsToken:        getenv("TEXTFIX_METRICS_TOKEN"),
		IdleAfter:           24 * time.Hour,
		HandoffTimeout:      15 * time.Minute,
		SendRate:            1,
		Retain:              DefaultRetain,
		BackupDir:           getenv("TEXTFIX_BACKUP_DIR"),
		BackupEvery:         DefaultBackupEvery,
		BackupKeep:          DefaultBackupKeep,
	}
	if getenv("FLY_APP_NAME") != "" {
		c.ClientIPHeader = "Fly-Client-IP"
	}
	for _, p := range strings.Split(getenv("TEXTFIX_OPERATOR_PHONES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			if !twilio.IsPhoneNumber(p) {
				return c, fmt.Errorf("config: TEXTFIX_OPERATOR_PHONES: %q is not an E.164 number like +15551234567", p)
			}
			c.OperatorPhones = append(c.OperatorPhones, p)
		}
	}
	if c.DB == "" {
		c.DB = DefaultDB
	}
	for name, u := range map[string]string{"TEXTFIX_DATABASE_URL": c.DatabaseURL, "TEXTFIX_DATABASE_DIRECT_URL": c.DatabaseDirectURL} {
		if u != "" && !IsDatabaseURL(u) {
			return c, fmt.Errorf("config: %s: want a postgres:// URL, like postgres://user:password@host:5432/textfix", name)
		}
	}
	if c.DatabaseDirectURL != "" && c.DatabaseURL == "" {
		return c, fmt.Errorf("config: TEXTFIX_DATABASE_DIRECT_URL is set but TEXTFIX_DATABASE_URL is not")
	}
	if c.DatabaseDirectURL == "" {
		c.DatabaseDirectURL = c.DatabaseURL
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
		if c.Sandbox() {
			c.Addr = DefaultSandboxAddr
		}
	}
	if c.PublicURL == "" && c.Sandbox() {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.PublicURL = "http://" + host
	}
	if v := getenv("TEXTFIX_LOG_LEVEL"); v != "" {
		lv, ok := logLevels[strings.ToLower(v)]
		if !ok {
			return c, fmt.Errorf("config: TEXTFIX_LOG_LEVEL: %q is not debug, info, warn or error", v)
		}
		c.LogLevel = lv
	}
	for name, dst := range map[string]*time.Duration{"TEXTFIX_IDLE_AFTER": &c.IdleAfter, "TEXTFIX_HANDOFF_TIMEOUT": &c.HandoffTimeout} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("config: %s: %q is not a duration like 24h or 15m", name, v)
			}
			*dst = d
		}
	}
	if v := getenv("TEXTFIX_RETAIN"); v != "" {
		d, err := parseDays(v)
		if err != nil || d < 24*time.Hour {
			return c, fmt.Errorf("config: TEXTFIX_RETAIN: %q is not a period of a day or more, like 90d or 720h", v)
		}
		c.Retain = d
	}
	if v := getenv("TEXTFIX_BACKUP_EVERY"); v != "" {
		d, err := parseDays(v)
		if err != nil || d < time.Minute {
			return c, fmt.Errorf("config: TEXTFIX_BACKUP_EVERY: %q is not a period of a minute or more, like 6h or 1d", v)
		}
		c.BackupEvery = d
	}
	if v := getenv("TEXTFIX_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("config: TEXTFIX_BACKUP_KEEP: %q is not a count of 1 or more, like 7", v)
		}
		c.BackupKeep = n
	}
	switch v := getenv("TEXTFIX_SKIP_CHECK"); v {
	case "", "0":
	case "1":
		c.SkipCheck = true
	default:
		return c, fmt.Errorf("config: TEXTFIX_SKIP_CHECK: %q is not 1 or 0", v)
	}
	if v := getenv("TEXTFIX_SEND_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 || r > 1000 {
			return c, fmt.Errorf("config: TEXTFIX_SEND_RATE: %q is not a rate in messages per second, like 1", v)
		}
		c.SendRate = r
	}
	if v := getenv("TEXTFIX_OFFICE_HOURS"); v != "" {
		h, err := ParseOfficeHours(v)
		if err != nil {
			return c, fmt.Errorf("config: TEXTFIX_OFFICE_HOURS: %w", err)
		}
		c.Hours = h
	}
	if !c.Sandbox() {
		if c.AccountSID == "" {
			return c, fmt.Errorf("config: TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is not")
		}
		if c.ConsolePassword == "" {
			return c, fmt.Errorf("config: TEXTFIX_CONSOLE_PASSWORD is required outside sandbox mode")
		}
		if n := utf8.RuneCountInString(c.ConsolePassword); n < MinConsolePassword {
			return c, fmt.Errorf("config: TEXTFIX_CONSOLE_PASSWORD must be at least %d characters outside sandbox mode (it has %d): the console can read and text every conversation", MinConsolePassword, n)
		}
		if c.From == "" && c.MessagingServiceSID == "" {
			return c, fmt.Errorf("config: set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID")
		}
		if c.PublicURL == "" {
			// Twilio signs the address it calls: without it every real
			// webhook would be refused (403).
			return c, fmt.Errorf("config: TEXTFIX_PUBLIC_URL is required outside sandbox mode: the address Twilio calls, like https://textfix.fly.dev")
		}
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return c, fmt.Errorf("config: TEXTFIX_PUBLIC_URL: %q is not a base URL like https://textfix.fly.dev", c.PublicURL)
	}
	return c, nil
}

// parseDays reads a duration that may also be whole days: "90d", or Go's
// "2160h".
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("bad days %q", v)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

// StoreOptions are the options the store opens with.
func (c Config) StoreOptions(log *slog.Logger) []store.Option {
	opts := []store.Option{store.WithLogger(log)}
	if c.SkipCheck {
		opts = append(opts, store.WithoutCheck())
	}
	return opts
}

// logLevels are TEXTFIX_LOG_LEVEL's values.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// CheckListen refuses a non-loopback address in sandbox mode: without a
// token nothing checks who is calling.
func (c Config) CheckListen() error {
	if !c.Sandbox() {
		return nil
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("config: TEXTFIX_ADDR %q: %w", c.Addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("config: sandbox mode (no TWILIO_AUTH_TOKEN) listens on loopback only, not %q; set TEXTFIX_ADDR=127.0.0.1:8080 or configure Twilio", c.Addr)
}

// Numbers are the bot's own numbers, the only To the webhook takes: the
// TWILIO_FROM number, or none to check with a messaging service alone,
// which may have several.
func (c Config) Numbers() []string {
	if c.From == "" {
		return nil
	}
	return []string{c.From}
}

// Desk builds the handoff desk.
func (c Config) Desk() *bot.Desk {
	return &bot.Desk{Operators: c.OperatorPhones, Timeout: c.HandoffTimeout, BaseURL: c.PublicURL, Operator: c.OperatorName}
}

// Flows loads the flows: TEXTFIX_FLOWS_DIR when set, else the embedded
// library.
func (c Config) Flows() (*flows.Library, []flows.Problem, error) {
	fsys := flows.Embedded()
	if c.FlowsDir != "" {
		fsys = os.DirFS(c.FlowsDir)
	}
	return flows.Load(fsys)
}

// Engine builds the conversation engine for lib.
func (c Config) Engine(lib *flows.Library) *bot.Engine {
	return &bot.Engine{
		Flows:     lib,
		BaseURL:   c.PublicURL,
		Operator:  c.OperatorName,
		IdleAfter: c.IdleAfter,
		Hours:     c.Hours,
		// Without operator phones nobody is texted about a handoff.
		ConsoleOnly: len(c.OperatorPhones) == 0,
		Screenshots: c.Screenshots,
	}
}

// IsDatabaseURL reports whether s names a PostgreSQL database rather
// than a bbolt file.
func IsDatabaseURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

var weekdays = map[string]time.Weekday{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

// ParseOfficeHours reads "Mon-Fri 09-18 America/New_York".
func ParseOfficeHours(s string) (*bot.OfficeHours, error) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return nil, fmt.Errorf("%q: want DAYS HOURS ZONE, like \"Mon-Fri 09-18 America/New_York\"", s)
	}
	h := &bot.OfficeHours{}
	days := strings.Split(strings.ToLower(f[0]), "-")
	d0, ok0 := weekdays[days[0]]
	d1, ok1 := d0, ok0
	if len(days) == 2 {
		d1, ok1 = weekdays[days[1]]
	}
	if !ok0 || !ok1 || len(days) > 2 {
		return nil, fmt.Errorf("%q: days must be like Mon-Fri", f[0])
	}
	for d := d0; ; d = (d + 1) % 7 {
		h.Days[d] = true
		if d == d1 {
			break
		}
	}
	if _, err := fmt.Sscanf(f[1], "%d-%d", &h.From, &h.To); err != nil || h.From < 0 || h.To > 24 || h.From >= h.To {
		return nil, fmt.Errorf("%q: hours must be like 09-18", f[1])
	}
	loc, err := time.LoadLocation(f[2])
	if err != nil {
		return nil, fmt.Errorf("%q: unknown time zone", f[2])
	}
	h.Loc = loc
	return h, nil
}
