package bot

import (
	"context"
	"errors"
	"io"
	"time"
)

// The storage contract. Every backend (package store: one bbolt file;
// a PostgreSQL one next) implements [Store] and proves it with
//
//	var _ bot.Store = (*DB)(nil)
//
// and by passing the conformance suite in store/storetest. Consumers take
// the narrowest roles they need (web: Transactor, PageReader,
// DeliveryRecorder, Pinger; the outbox worker: OutboxSender, DeskReader
// and Transactor; the console: Transactor, the readers, Maintainer and
// Sessions; the timers: Leadership, Maintainer and Transactor).
//
// Every method honours its context: one called with a done context
// returns an error wrapping ctx.Err() and changes nothing.

// Errors every backend returns (wrapped) for the same situations.
var (
	// ErrNotFound: no such conversation, page, ticket, message or session.
	ErrNotFound = errors.New("not found")
	// ErrPageExists: a page id is stored a second time.
	ErrPageExists = errors.New("page already exists")
	// ErrConflict: a transaction kept meeting concurrent changes to what
	// it read and gave up after a bounded number of runs.
	ErrConflict = errors.New("too many concurrent changes; try again")
	// ErrExpired: a page that retention ([Retainer]) deleted; it answers
	// 410 "expired".
	ErrExpired = errors.New("expired")
)

// Store is the whole storage contract.
type Store interface {
	Transactor
	ConversationReader
	PageReader
	DeskReader
	StatsReader
	DeliveryRecorder
	OutboxSender
	Maintainer
	Leadership
	Sessions
	Pinger
	// Close releases the store; calls after the first return nil.
	Close() error
}

// Claim identifies one inbound message: Twilio's MessageSid and its
// sender. The same MessageSid from another number is another claim.
type Claim struct{ SID, From string }

// Transactor runs atomic changes. A transaction function (fn) may run
// more than once: it must have no effect outside the Tx it is given (no
// logs, counters, sends; assigning the caller's variables is fine, each
// run overwrites them). Effects happen once, after the call returns nil.
// fn must not wait for a transaction locking the same number (they are
// ordered: that is a deadlock); other transactions go through while fn
// runs, as the conformance suite checks.
//
// fn's reads see a consistent state plus fn's own earlier writes. Its
// writes are applied atomically, only if nothing it read changed in the
// meantime; otherwise fn runs again on fresh data (a bounded number of
// times, then [ErrConflict]). An error from fn stores nothing and is
// returned as is (wrapped).
type Transactor interface {
	// Replay returns the reply recorded for c, reading only: ok=false
	// means c was never claimed (or its claim was pruned).
	Replay(ctx context.Context, c Claim) (reply []string, ok bool, err error)
	// Inbound claims c and applies fn's writes in one transaction,
	// ordered with every other Inbound from c.From and every Update
	// locking c.From: they never overlap. fn returns the reply lines it
	// appended to c.From's transcript (as the desk does: lines of one
	// Append, so consecutive Seqs); the claim records them (a store may
	// keep where they are rather than a copy) and their bodies are
	// returned. If c was claimed before, Inbound returns the recorded
	// bodies with replayed=true and does not run fn. Lines fn returns
	// that it did not append as one run are recorded as bodies.
	Inbound(ctx context.Context, c Claim, fn func(Tx) ([]Line, error)) (reply []string, replayed bool, err error)
	// Update applies fn's writes atomically. lock, when not "", is a phone
	// number: the change is ordered with that number's Inbound calls and
	// other Updates locking it.
	Update(ctx context.Context, lock string, fn func(Tx) error) error
}

// Tx is what a transaction function reads and writes. Reads see the
// transaction's own earlier writes.
type Tx interface {
	// Conversation returns phone's conversation, or a zero one with Phone
	// set when there is none.
	Conversation(phone string) (Conversation, error)
	SaveConversation(c Conversation) error
	// Append adds lines to phone's transcript and returns them with Seq
	// (per number: 1, 2, 3 …, consecutive within one call) and At (the
	// store's clock) set where it was zero. It does not need a
	// conversation to exist. Outbound lines with a MessageID can be
	// found by SetDelivery (an inbound MessageSid is no delivery's).
	Append(phone string, lines ...Line) ([]Line, error)
	// PutPage stores a new page made for owner's conversation; a taken id
	// gives [ErrPageExists]. The page holds no phone number; the store
	// keeps owner beside it so that forgetting the number erases the page.
	PutPage(owner string, p Page) error
	// SetFeedback records the answer to "Did this fix it?"; a missing page
	// is not an error (nothing to record).
	SetFeedback(pageID string, answer FeedbackAnswer) error
	// Ticket returns ticket n, or an error wrapping ErrNotFound.
	Ticket(n int) (Ticket, error)
	// OpenTickets lists tickets not closed, oldest first.
	OpenTickets() ([]Ticket, error)
	// SaveTicket stores t, giving it the next number when it has none.
	// Numbers only grow; a transaction that ran twice may leave a gap.
	SaveTicket(t *Ticket) error
	// Enqueue queues m for sending after commit: it gets an ID (sortable
	// by queue order as a number), State queued, Created (the store's
	// clock) and NextAt (Created) where they were zero.
	Enqueue(m *OutMsg) error
	// Message returns outbox message id, or an error wrapping ErrNotFound.
	Message(id string) (OutMsg, error)
	// SaveMessage stores m (an outcome, a retry, a requeue) and shows its
	// state on the transcript line m.Line of m.To, unless the line already
	// says more ([Delivery.Supersedes]); with a SID, SetDelivery finds the
	// line by it.
	SaveMessage(m OutMsg) error
	// Record adds events to the analytics counters of the UTC day of now.
	Record(events []Event, now time.Time) error
}

// ConversationReader reads conversations and transcripts (console, CLI).
type ConversationReader interface {
	// Conversation returns phone's conversation, or an error wrapping
	// ErrNotFound.
	Conversation(ctx context.Context, phone string) (Conversation, error)
	// RecentConversations returns up to limit conversations matching f,
	// most recently Updated first, skipping the first offset matches, and
	// how many match in all. A page costs the same whatever the number of
	// conversations stored, apart from the count.
	RecentConversations(ctx context.Context, f ConversationFilter, offset, limit int) ([]Conversation, int, error)
	// LastLines returns the last transcript line of each of phones that
	// has one.
	LastLines(ctx context.Context, phones ...string) (map[string]Line, error)
	// TranscriptTail returns the last n of phone's lines (all when n <= 0)
	// in Seq order; an empty slice when there are none.
	TranscriptTail(ctx context.Context, phone string, n int) ([]Line, error)
}

// PageReader reads fix pages.
type PageReader interface {
	// Page returns page id, revoked ones too, or an error wrapping
	// ErrNotFound (a store with a [Retainer] may say ErrExpired for a page
	// it deleted for its age).
	Page(ctx context.Context, id string) (Page, error)
	// PagesOf returns the pages made for phone, newest first, at most
	// limit.
	PagesOf(ctx context.Context, phone string, limit int) ([]Page, error)
}

// DeskReader reads the handoff desk and the outbox (console, /metrics).
type DeskReader interface {
	// Tickets lists tickets, newest first, at most limit; openOnly keeps
	// the open ones (then all of them, oldest first).
	Tickets(ctx context.Context, limit int, openOnly bool) ([]Ticket, error)
	// OutboxList lists the newest limit messages, newest first;
	// pendingOrFailed keeps those still queued or failed.
	OutboxList(ctx context.Context, limit int, pendingOrFailed bool) ([]OutMsg, error)
	// OutboxDepth counts the queued messages and returns when the oldest
	// of them was created (zero when none).
	OutboxDepth(ctx context.Context) (n int, oldest time.Time, err error)
}

// StatsReader reads the analytics counters.
type StatsReader interface {
	// Stats sums flow's counters from the UTC day of since until now, with
	// the five most common unmatched answers per question (whatever
	// retention kept, if the store has a Retainer; else all time).
	Stats(ctx context.Context, flow string, since time.Time) (Stats, error)
}

// DeliveryRecorder records Twilio's delivery reports.
type DeliveryRecorder interface {
	// SetDelivery records status and errorCode on the outbound transcript
	// line whose MessageID is sid and returns its phone; an unknown sid,
	// or an inbound message's, gives an error wrapping ErrNotFound.
	// Statuses only move forward: one that does not supersede the line's
	// ([Delivery.Supersedes]) changes nothing and is not an error.
	SetDelivery(ctx context.Context, sid string, status Delivery, errorCode string) (phone string, err error)
}

// OutboxSender is what the outbox worker needs besides Update, with which
// it records each outcome (Tx.Message, Tx.SaveMessage).
type OutboxSender interface {
	// ClaimDue leases up to limit queued messages whose NextAt has come
	// and that no lease holds, until now+lease: no other ClaimDue returns
	// them before that (their State stays queued; LeaseUntil is set), so a
	// crashed sender's messages go out again later. It is fair across
	// recipients: at most one message per recipient (the oldest due one),
	// and none for a recipient whose message is leased; recipients are
	// ordered by the later of that message's NextAt and the last time a
	// message to them was claimed, then by queue order, so one number's
	// backlog never holds up a text to another.
	ClaimDue(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutMsg, error)
	// NextSendSlot reserves the next send slot at or after now, at least
	// every after the previous one across the deployment, and returns it.
	NextSendSlot(ctx context.Context, now time.Time, every time.Duration) (time.Time, error)
}

// Maintainer changes the store outside a conversation's flow.
type Maintainer interface {
	// Forget erases everything stored about phone, unrecoverably through
	// this API: its conversation, transcript, claims, pages, tickets and
	// outbox messages, the operators' notifications about its tickets
	// (the messages, and their lines in the operators' transcripts,
	// emptied), and its texts among the unmatched-answer samples (one
	// count each). Nothing stored: an error wrapping ErrNotFound.
	Forget(ctx context.Context, phone string) error
	// RevokePage marks page id revoked (it answers 410); a missing page
	// gives an error wrapping ErrNotFound.
	RevokePage(ctx context.Context, id string) error
	// PruneClaims deletes at most most claims made before before and
	// returns how many; call it again while it returns most. A pruned
	// claim no longer replays.
	PruneClaims(ctx context.Context, before time.Time, most int) (int, error)
}

// Retainer deletes what is older than the retention period. It is a
// capability of its own, beside [Store], so that a backend can grow it
// without the others changing at once; the bbolt store has it.
type Retainer interface {
	// Retain deletes, in small transactions: transcript lines older than
	// before; conversations last updated before it, with everything about
	// their number (as Forget); pages created before it, which [PageReader]
	// then reports as [ErrExpired]; tickets with nothing (opened,
	// answered, closed) since that are closed or whose conversation went,
	// and outbox messages from before it; and unmatched-answer samples
	// last seen before it. Analytics counters stay. It returns how many
	// records went. Like Forget, what it deletes is unrecoverable from
	// the store's files within minutes.
	Retain(ctx context.Context, before time.Time) (int, error)
}

// Backuper writes a consistent copy of the whole store while it serves.
type Backuper interface {
	// Backup writes a snapshot to w, consistent as of one moment, and
	// returns how many bytes it wrote.
	Backup(ctx context.Context, w io.Writer) (int64, error)
}

// BackupName is the file name of a backup taken at t, for downloads and
// backup folders alike; names sort by time.
func BackupName(t time.Time) string {
	return "textfix-" + t.UTC().Format("20060102T150405Z") + ".db"
}

// Leadership says which instance runs the timers (claim pruning, the
// ticket sweep).
type Leadership interface {
	// Leader reports whether this instance is the one that runs timers
	// now; it may change between calls.
	Leader(ctx context.Context) (bool, error)
}

// Pinger reports whether the store answers (/healthz).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Session is one signed-in browser of the operator console. The store
// keeps it so that a login survives a restart and works on every
// instance; the console owns the rules (expiry, CSRF).
type Session struct {
	// Key is the SHA-256 of the browser's token; the token itself is
	// never stored.
	Key  string `json:"key"`
	CSRF string `json:"csrf"`
	// Sim is the simulator's test number for this session.
	Sim     string    `json:"sim"`
	Created time.Time `json:"created"`
	Seen    time.Time `json:"seen"`
	Flash   string    `json:"flash,omitempty"` // shown once on the next page
	Problem string    `json:"problem,omitempty"`
}

// Sessions keeps console sessions and counts login attempts.
type Sessions interface {
	// CreateSession stores a new session under s.Key.
	CreateSession(ctx context.Context, s Session) error
	// Session returns session key, or an error wrapping ErrNotFound.
	Session(ctx context.Context, key string) (Session, error)
	// UpdateSession applies fn to session key atomically (fn may run more
	// than once); a session that is gone gives ErrNotFound and is never
	// created again.
	UpdateSession(ctx context.Context, key string, fn func(*Session)) error
	// DeleteSession ends session key; a missing one is not an error.
	DeleteSession(ctx context.Context, key string) error
	// ExpireSessions deletes the sessions last seen before seenBefore or
	// created before createdBefore, and returns how many.
	ExpireSessions(ctx context.Context, seenBefore, createdBefore time.Time) (int, error)
	// AllowLogin records a login attempt from addr at now unless addr
	// made most attempts after since, and reports whether it did. Attempts
	// from before since are forgotten, every address's.
	AllowLogin(ctx context.Context, addr string, now, since time.Time, most int) (bool, error)
}

// ConversationFilter selects conversations for a listing (the console's
// inbox).
type ConversationFilter struct {
	// Status keeps conversations with this status; "" keeps all.
	Status Status
	// Test keeps only simulator conversations; NoTest leaves them out.
	Test, NoTest bool
}

// Match reports whether a conversation with status and test mark passes f.
func (f ConversationFilter) Match(status Status, test bool) bool {
	switch {
	case f.Status != "" && status != f.Status:
		return false
	case f.Test && !test, f.NoTest && test:
		return false
	}
	return true
}
