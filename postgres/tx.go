package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/textfix/textfix/bot"
)

// A transaction (Inbound, Update) runs its function against a stage: a
// PostgreSQL transaction at READ COMMITTED on one pooled connection, in
// which the function's reads are SELECTs, each row read noting its
// version. The function's writes are kept in the stage, not sent. When
// it returns, one round trip sends one statement and COMMIT. The
// statement's WITH queries hold, for every row read and not written, a
// check that its version is unchanged (taking a share lock so it stays
// so until commit), and every write: an UPDATE … WHERE version = the
// version read, or an INSERT of a row read as missing; then the counts,
// and a NOTIFY if a message was queued. It ends with textfix_check of
// every check and that every UPDATE found its row: one that fails raises
// a serialization failure, as does a concurrent INSERT of the same key
// (a unique violation) or a deadlock, and the transaction rolls back and
// the function runs again on fresh data, at most maxRuns times, then
// bot.ErrConflict.
//
// Inbound and Update with a lock first take pg_advisory_xact_lock on a
// hash of the number (Inbound inside textfix_begin, with its first
// reads), so one number's transactions run one at a time across every
// instance and conflicts are rare; other numbers never wait.

// maxRuns bounds how often a transaction function runs.
const maxRuns = 16

// errConflict: something a transaction read changed before it committed.
var errConflict = errors.New("conflict")

// unread is the version of a row written without being read first.
const unread = -1

// rec is one row as a transaction sees it: the version it read (0 when
// the row was missing), its value after the transaction's own writes,
// and whether the function read or wrote it.
type rec[T any] struct {
	seen   int64
	val    T
	exists bool
	read   bool // the function read it: check it at commit
	dirty  bool // the function wrote it
}

// stage is a transaction in progress; it implements bot.Tx (the methods
// live in the entity files). One goroutine uses it.
type stage struct {
	db   *DB
	ctx  context.Context
	conn *pgx.Conn
	now  time.Time

	convs    map[string]*rec[bot.Conversation]
	lastSeq  map[string]int64 // a number's last transcript seq, as this transaction left it
	lines    map[lineKey]*rec[bot.Line]
	appended []lineKey // new lines, in order
	pages    map[string]*rec[pageRow]
	tickets  map[int64]*rec[bot.Ticket]
	openSeen []int64 // numbers of the tickets open when OpenTickets read them
	openRead bool
	msgs     map[int64]*rec[bot.OutMsg]
	claim    *claimRow
	stats    map[statKey]int64
	misses   map[missKey]int64
	seen     map[missKey]time.Time // when each miss was last recorded (retention)
}

var _ bot.Tx = (*stage)(nil)

func (db *DB) newStage(ctx context.Context, conn *pgx.Conn) *stage {
	return &stage{
		db: db, ctx: ctx, conn: conn, now: db.Now(),
		convs: map[string]*rec[bot.Conversation]{}, lastSeq: map[string]int64{},
		lines: map[lineKey]*rec[bot.Line]{}, pages: map[string]*rec[pageRow]{},
		tickets: map[int64]*rec[bot.Ticket]{}, msgs: map[int64]*rec[bot.OutMsg]{},
		stats: map[statKey]int64{}, misses: map[missKey]int64{}, seen: map[missKey]time.Time{},
	}
}

// txOptions shape one transaction.
type txOptions struct {
	lock  string     // a phone number to take the advisory lock of, or ""
	claim *bot.Claim // Inbound's claim: looked up first, the number's rows fetched with it
	// replayed is set when claim was found: its replies, and fn did not run.
	replayed *[]string
	found    *bool
}

// Update implements bot.Transactor.
func (db *DB) Update(ctx context.Context, lock string, fn func(bot.Tx) error) error {
	if err := db.update(ctx, txOptions{lock: lock}, func(st *stage) error { return fn(st) }); err != nil {
		return fmt.Errorf("postgres: update: %w", err)
	}
	return nil
}

// update runs fn in a transaction until it commits without a conflict
// (at most maxRuns times).
func (db *DB) update(ctx context.Context, o txOptions, fn func(*stage) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for range maxRuns {
		err := db.once(ctx, o, fn)
		if !errors.Is(err, errConflict) {
			return err
		}
	}
	return bot.ErrConflict
}

// once runs fn once in a transaction and commits it.
func (db *DB) once(ctx context.Context, o txOptions, fn func(*stage) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release(pc)
	conn := pc.Conn()
	st := db.newStage(ctx, conn)
	open := true
	defer func() {
		if open {
			rollback(conn)
		}
	}()

	// One round trip: BEGIN, the lock, and for Inbound the claim and the
	// number's conversation and last seq, which fn reads first.
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	var claimed bool
	switch c := o.claim; {
	case c != nil:
		// One statement takes the lock and then reads the claim, the
		// conversation and the last seq (migrations: textfix_begin).
		b.Queue(`SELECT replies, version, state, last_seq FROM textfix_begin($1, $2, $3)`, c.From, c.SID, int64(db.ns)).QueryRow(func(row pgx.Row) error {
			var (
				replies, state []byte
				version, last  *int64
			)
			if err := row.Scan(&replies, &version, &state, &last); err != nil {
				return err
			}
			if replies != nil {
				claimed = true
				return decodeReplies(replies, o.replayed)
			}
			r := &rec[bot.Conversation]{}
			if version != nil {
				conv, err := decodeConversation(c.From, state)
				if err != nil {
					return err
				}
				r.seen, r.val, r.exists = *version, conv, true
			}
			st.convs[c.From], st.lastSeq[c.From] = r, *last
			return nil
		})
	case o.lock != "":
		b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1, $2))`, o.lock, int64(db.ns))
	}
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return classify(err)
	}
	if claimed {
		*o.found = true
		return nil // the deferred rollback: nothing was written
	}
	if err := fn(st); err != nil {
		return err
	}
	b = st.commitBatch()
	if b == nil {
		return nil // nothing written: nothing to commit
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Once sent, the commit's fate does not depend on the caller.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	err = conn.SendBatch(cctx, b).Close()
	if err != nil {
		return classify(err)
	}
	open = false
	return nil
}

// commitTimeout bounds a commit once its caller can no longer cancel it.
const commitTimeout = 30 * time.Second

// release returns a connection to the pool (pgxpool drops one left in a
// transaction or broken).
func release(pc *pgxpool.Conn) { pc.Release() }

// rollback ends a transaction that will not commit; a connection that
// cannot roll back is closed (and then dropped by the pool).
func rollback(conn *pgx.Conn) {
	if conn.IsClosed() || conn.PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
		_ = conn.Close(ctx)
	}
}

// classify turns the errors that mean "run again" into errConflict:
// a failed check or serialization failure, a deadlock, a key inserted
// meanwhile.
func classify(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01", "23505":
			return fmt.Errorf("%w: %s", errConflict, pe.Message)
		}
	}
	return err
}

// table names a table's key and value columns (version aside), and holds
// the statements a commit sends, built once.
type table struct {
	name string
	key  []string
	cols []string

	check, insert, upsert, update string
}

func newTable(name string, key, cols []string) table {
	t := table{name: name, key: key, cols: cols}
	t.check, t.insert, t.upsert, t.update = t.checkSQL(), t.insertSQL(), t.upsertSQL(), t.updateSQL()
	return t
}

func (t table) where(from int) string {
	var w []string
	for i, k := range t.key {
		w = append(w, fmt.Sprintf("%s = $%d", k, from+i))
	}
	return strings.Join(w, " AND ")
}

// checkSQL is true when a row read and not written still has the version
// seen, and keeps it so until commit: args key…, version seen (0: missing).
func (t table) checkSQL() string {
	return fmt.Sprintf(`SELECT coalesce((SELECT version FROM %s WHERE %s FOR SHARE), 0) = $%d AS ok`,
		t.name, t.where(1), len(t.key)+1)
}

// insertSQL inserts a row read as missing: args key…, cols….
func (t table) insertSQL() string {
	all := append(append([]string{}, t.key...), t.cols...)
	return fmt.Sprintf(`INSERT INTO %s (%s, version) VALUES (%s, 1)`, t.name, strings.Join(all, ", "), placeholders(len(all)))
}

// upsertSQL writes a row not read: args key…, cols….
func (t table) upsertSQL() string {
	var set []string
	for _, c := range t.cols {
		set = append(set, c+" = excluded."+c)
	}
	return t.insertSQL() + fmt.Sprintf(` ON CONFLICT (%s) DO UPDATE SET %s, version = %s.version + 1`,
		strings.Join(t.key, ", "), strings.Join(set, ", "), t.name)
}

// updateSQL updates a row read at a version, returning a row if it still
// had it: args key…, cols…, version.
func (t table) updateSQL() string {
	var set []string
	for i, c := range t.cols {
		set = append(set, fmt.Sprintf("%s = $%d", c, len(t.key)+1+i))
	}
	return fmt.Sprintf(`UPDATE %s SET %s, version = version + 1 WHERE %s AND version = $%d RETURNING 1`,
		t.name, strings.Join(set, ", "), t.where(1), len(t.key)+len(t.cols)+1)
}

func placeholders(n int) string {
	var p []string
	for i := 1; i <= n; i++ {
		p = append(p, fmt.Sprintf("$%d", i))
	}
	return strings.Join(p, ", ")
}

// queueRec adds what a commit does for one row: nothing, a check, an
// insert, an update or an upsert. key and cols are the row's values.
func queueRec[T any](b *commit, t table, r *rec[T], key []any, cols func() []any) {
	switch {
	case !r.dirty && !r.read:
	case !r.dirty:
		b.check(t.check, append(key, r.seen)...)
	case r.seen == unread:
		b.Queue(t.upsert, append(key, cols()...)...)
	case r.seen == 0:
		b.Queue(t.insert, append(key, cols()...)...)
	default:
		b.update(t.update, append(append(key, cols()...), r.seen)...)
	}
}

// commit gathers a transaction's checks and writes into one statement:
// each is a WITH query (the writes run whatever the outcome), and the
// statement ends with textfix_check of every condition, so that one
// failing rolls the whole transaction back. One statement costs the
// database much less than one per write.
type commit struct {
	ctes, conds []string
	args        []any
	// renumbered caches fragments with their placeholders moved: there
	// are few shapes of fragment and of commit, and every text builds one.
	renumbered *sync.Map // renumbering → string
}

var placeholderRE = regexp.MustCompile(`\$(\d+)`)

// renumbering is a fragment and the offset its placeholders move by, the
// key of DB.renumbered.
type renumbering struct {
	sql string
	off int
}

// add appends sql (its own $1, $2 …, numbered anew) and returns its name.
func (c *commit) add(sql string, args ...any) string {
	name := "w" + strconv.Itoa(len(c.ctes)+1)
	k := renumbering{sql, len(c.args)}
	moved, ok := c.renumbered.Load(k)
	if !ok {
		moved = placeholderRE.ReplaceAllStringFunc(sql, func(m string) string {
			n, _ := strconv.Atoi(m[1:])
			return "$" + strconv.Itoa(n+k.off)
		})
		c.renumbered.Store(k, moved)
	}
	c.ctes = append(c.ctes, name+" AS ("+moved.(string)+")")
	c.args = append(c.args, args...)
	return name
}

// Queue adds a write.
func (c *commit) Queue(sql string, args ...any) { c.add(sql, args...) }

// check adds a query of one row with one boolean, ok, that must be true.
func (c *commit) check(sql string, args ...any) {
	c.conds = append(c.conds, "(SELECT ok FROM "+c.add(sql, args...)+")")
}

// update adds an UPDATE … RETURNING that must change exactly one row.
func (c *commit) update(sql string, args ...any) {
	c.conds = append(c.conds, "(SELECT count(*) FROM "+c.add(sql, args...)+") = 1")
}

// commitBatch is the commit's round trip, or nil when the function wrote
// nothing.
func (st *stage) commitBatch() *pgx.Batch {
	if !st.wrote() {
		return nil
	}
	c := &commit{renumbered: &st.db.renumbered}
	st.queueChecks(c)
	st.queueConversations(c)
	st.queueLines(c)
	st.queuePages(c)
	st.queueTickets(c)
	notify := st.queueMessages(c)
	st.queueClaim(c)
	st.queueStats(c)
	final := "SELECT textfix_check(" + strings.Join(append(c.conds, "true"), " AND ") + ")"
	if notify {
		final += ", pg_notify('" + outboxChannel + "', '')"
	}
	b := &pgx.Batch{}
	b.Queue("WITH "+strings.Join(c.ctes, ",\n")+"\n"+final, c.args...)
	b.Queue("COMMIT")
	return b
}

func (st *stage) wrote() bool {
	if st.claim != nil || len(st.stats) > 0 || len(st.misses) > 0 || len(st.appended) > 0 {
		return true
	}
	return anyDirty(st.convs) || anyDirty(st.lines) || anyDirty(st.pages) || anyDirty(st.tickets) || anyDirty(st.msgs)
}

func anyDirty[K comparable, T any](m map[K]*rec[T]) bool {
	for _, r := range m {
		if r.dirty {
			return true
		}
	}
	return false
}

// queueChecks checks the ranges a function read (open tickets).
func (st *stage) queueChecks(b *commit) {
	if st.openRead {
		b.check(`SELECT coalesce((SELECT array_agg(number ORDER BY number) FROM
			(SELECT number FROM tickets WHERE state IN ('waiting', 'active') ORDER BY number FOR SHARE) o), '{}') = $1::bigint[] AS ok`, st.openSeen)
	}
}

// nullTime is NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// nullString is NULL for "".
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
