package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/textfix/textfix/bot"
)

// Config says where the database is.
type Config struct {
	// URL is the connection string for transactions; a pooler's URL
	// (PgBouncer in transaction mode) is fine.
	URL string
	// DirectURL reaches the server itself, without a pooler in between:
	// the leader's session lock and LISTEN need one connection that stays
	// the same. Empty: URL.
	DirectURL string
}

// DefaultMaxConns is the pool's size when URL does not say
// (pool_max_conns): a transaction holds a connection while its function
// runs, so the pool bounds how many texts are in flight at once. More
// than a few per database core only adds contention: on two cores, 16
// gives the same texts/s as 32 with a third of the 99th percentile.
const DefaultMaxConns = 16

// DB is the PostgreSQL store. Its methods are safe for concurrent use,
// from any number of processes sharing the database.
type DB struct {
	pool   *pgxpool.Pool
	direct *pgx.ConnConfig
	// ns keeps this schema's advisory locks apart from another's in the
	// same database (tests give each store its own schema).
	ns int32

	leaderMu sync.Mutex
	leader   *pgx.Conn // the dedicated connection; it holds the lock when leading bool is true
	leading  bool

	closeOnce sync.Once

	renumbered sync.Map // commit fragments, renumbered (tx.go)

	// Now is the clock used for claim times, and for lines and outbox
	// messages stored without a time. Open sets it to time.Now; tests
	// may replace it before use.
	Now func() time.Time
}

var _ bot.Store = (*DB)(nil)

// Open connects, applies the migrations not yet applied (under a lock, so
// that instances starting together do not race) and returns the store.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", redact(err))
	}
	if !strings.Contains(cfg.URL, "pool_max_conns") {
		pcfg.MaxConns = DefaultMaxConns
	}
	// Proxies in front of managed databases (Fly's) close connections
	// that live long: renew them first.
	if !strings.Contains(cfg.URL, "pool_max_conn_lifetime") {
		pcfg.MaxConnLifetime = 10 * time.Minute
	}
	if !strings.Contains(cfg.URL, "pool_max_conn_idle_time") {
		pcfg.MaxConnIdleTime = 5 * time.Minute
	}
	direct := cfg.DirectURL
	if direct == "" {
		direct = cfg.URL
	}
	dcfg, err := pgx.ParseConfig(stripPoolParams(direct))
	if err != nil {
		return nil, fmt.Errorf("postgres: open: direct URL: %w", redact(err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", redact(err))
	}
	db := &DB{pool: pool, direct: dcfg, Now: time.Now}
	if err := db.migrate(ctx, nil); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT hashtext(current_schema())`).Scan(&db.ns); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return db, nil
}

// Warm opens every connection of the pool at once and runs on each the
// statement that begins a text (on the empty number, which has nothing):
// the server calls it before it takes texts. Otherwise the first texts
// at a fresh instance wait for new connections, new server processes and
// their first look at every table: on two cores that made the first
// second's texts take up to 0.8 s, the slowest 1% of a 10-second run. A
// connection that fails is left for the first text to meet.
func (db *DB) Warm(ctx context.Context) {
	conns := make([]*pgxpool.Conn, db.pool.Config().MaxConns)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			pc, err := db.pool.Acquire(ctx)
			if err != nil {
				return
			}
			conns[i] = pc
			_, _ = pc.Exec(ctx, `SELECT replies, version, state, last_seq FROM textfix_begin($1, $2, $3)`, "", "", int64(db.ns))
		})
	}
	wg.Wait() // each connection is held until all are open: they are distinct
	for _, pc := range conns {
		if pc != nil {
			pc.Release()
		}
	}
}

// stripPoolParams removes pgxpool's settings from a URL that pgx.Connect
// reads (it would send them to the server as settings).
func stripPoolParams(url string) string {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return url
	}
	return cfg.ConnConfig.ConnString()
}

// redact keeps a password out of an error about a connection string:
// pgx's parse errors can quote it.
var passwordRE = regexp.MustCompile(`(postgres(?:ql)?://[^:/@\s]*):[^@\s]*@`)

func redact(err error) error {
	return errors.New(passwordRE.ReplaceAllString(err.Error(), "$1:xxxxx@"))
}

// Close closes every connection (giving up leadership). Calls after the
// first return nil.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.leaderMu.Lock()
		if db.leader != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = db.leader.Close(ctx)
			cancel()
			db.leader, db.leading = nil, false
		}
		db.leaderMu.Unlock()
		db.pool.Close()
	})
	return nil
}

// Ping runs a query on a pooled connection.
func (db *DB) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// leaderClass is the first key of the leader's session lock; the second
// is the schema's (ns).
const leaderClass = 0x7e47

// Leader implements bot.Leadership: true while this instance holds a
// session advisory lock on its dedicated connection (DirectURL). A call
// that does not hold it tries to take it; one that holds it checks that
// the connection is alive, so an instance cut off from the database stops
// leading at its next call, and the server releases the lock of a dead
// one at once: another instance takes over at its next call.
func (db *DB) Leader(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("postgres: leader: %w", err)
	}
	db.leaderMu.Lock()
	defer db.leaderMu.Unlock()
	if db.leader != nil && db.leader.IsClosed() {
		db.leader, db.leading = nil, false
	}
	if db.leader == nil {
		conn, err := pgx.ConnectConfig(ctx, db.direct)
		if err != nil {
			return false, fmt.Errorf("postgres: leader: %w", err)
		}
		db.leader = conn
	}
	if db.leading {
		if err := db.leader.Ping(ctx); err != nil {
			_ = db.leader.Close(context.Background())
			db.leader, db.leading = nil, false
			return false, fmt.Errorf("postgres: leader: lost the connection: %w", err)
		}
		return true, nil
	}
	err := db.leader.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, leaderClass, db.ns).Scan(&db.leading)
	if err != nil {
		_ = db.leader.Close(context.Background())
		db.leader, db.leading = nil, false
		return false, fmt.Errorf("postgres: leader: %w", err)
	}
	return db.leading, nil
}

// outboxChannel is the NOTIFY channel a transaction that queued a
// message signals on, at commit.
const outboxChannel = "textfix_outbox"

// Listen calls wake whenever a transaction of any instance queues an
// outbox message, until ctx is done. It holds one connection (DirectURL:
// LISTEN does not survive a pooler in transaction mode) and reconnects
// after an error; it also calls wake after each (re)connection, since a
// notification may have been missed meanwhile. Senders should still
// poll: this only makes them faster.
// failed, when not nil, hears each error before the reconnection.
func (db *DB) Listen(ctx context.Context, wake func(), failed func(error)) {
	for {
		err := db.listen(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		if failed != nil {
			failed(fmt.Errorf("postgres: listen: %w", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (db *DB) listen(ctx context.Context, wake func()) error {
	conn, err := pgx.ConnectConfig(ctx, db.direct)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+outboxChannel); err != nil {
		return err
	}
	wake()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}
