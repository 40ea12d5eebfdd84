package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

// Transcripts: one row per line, keyed (phone, seq); message_id is a
// column so that delivery reports find their line. Seq is the number's
// last seq plus one: two transactions appending to one number at once
// insert the same key, and the second runs again.

var linesTable = newTable("lines", []string{"phone", "seq"}, []string{"message_id", "line"})

type lineKey struct {
	phone string
	seq   uint64
}

func compareLineKeys(a, b lineKey) int {
	return cmp.Or(cmp.Compare(a.phone, b.phone), cmp.Compare(a.seq, b.seq))
}

func decodeLine(phone string, seq uint64, raw []byte) (bot.Line, error) {
	var l bot.Line
	if err := json.Unmarshal(raw, &l); err != nil {
		return l, fmt.Errorf("line %s/%d: %w", bot.Mask(phone), seq, err)
	}
	return l, nil
}

// last returns phone's last seq as this transaction sees it.
func (st *stage) last(phone string) (int64, error) {
	if n, ok := st.lastSeq[phone]; ok {
		return n, nil
	}
	var n int64
	if err := st.conn.QueryRow(st.ctx, `SELECT coalesce(max(seq), 0) FROM lines WHERE phone = $1`, phone).Scan(&n); err != nil {
		return 0, err
	}
	st.lastSeq[phone] = n
	return n, nil
}

// Append implements bot.Tx.
func (st *stage) Append(phone string, lines ...bot.Line) ([]bot.Line, error) {
	if phone == "" {
		return nil, errors.New("lines: empty phone")
	}
	out := make([]bot.Line, 0, len(lines))
	if len(lines) == 0 {
		return out, nil
	}
	seq, err := st.last(phone)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		seq++
		l.Seq = uint64(seq)
		if l.At.IsZero() {
			l.At = st.now
		}
		k := lineKey{phone, l.Seq}
		st.lines[k] = &rec[bot.Line]{val: l, exists: true, dirty: true}
		st.appended = append(st.appended, k)
		out = append(out, l)
	}
	st.lastSeq[phone] = seq
	return out, nil
}

// line returns one line as this transaction sees it.
func (st *stage) line(phone string, seq uint64) (*rec[bot.Line], error) {
	k := lineKey{phone, seq}
	r, ok := st.lines[k]
	if !ok {
		var (
			v   int64
			raw []byte
		)
		r = &rec[bot.Line]{}
		err := st.conn.QueryRow(st.ctx, `SELECT version, line FROM lines WHERE phone = $1 AND seq = $2`, phone, int64(seq)).Scan(&v, &raw)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return nil, err
		default:
			l, err := decodeLine(phone, seq, raw)
			if err != nil {
				return nil, err
			}
			r.seen, r.val, r.exists = v, l, true
		}
		st.lines[k] = r
	}
	r.read = true
	return r, nil
}

// setLine changes a line the transaction read.
func (st *stage) setLine(r *rec[bot.Line], l bot.Line) {
	r.val, r.dirty = l, true
}

func (st *stage) queueLines(b *commit) {
	isNew := map[lineKey]bool{}
	for _, k := range st.appended {
		isNew[k] = true
	}
	keys := sortedFunc(st.lines, compareLineKeys)
	for _, k := range keys {
		if isNew[k] {
			continue
		}
		r := st.lines[k]
		queueRec(b, linesTable, r, []any{k.phone, int64(k.seq)}, func() []any { return lineCols(r.val) })
	}
	if len(st.appended) == 0 {
		return
	}
	// New lines in one statement: a key taken meanwhile fails it whole.
	var (
		values []string
		args   []any
	)
	for _, k := range st.appended {
		n := len(args)
		values = append(values, fmt.Sprintf("($%d, $%d, $%d, 1, $%d)", n+1, n+2, n+3, n+4))
		args = append(args, k.phone, int64(k.seq))
		args = append(args, lineCols(st.lines[k].val)...)
	}
	b.Queue(`INSERT INTO lines (phone, seq, message_id, version, line) VALUES `+strings.Join(values, ", "), args...)
}

// lineCols are a line's columns: message_id only for an outbound line,
// the only kind Twilio reports delivery of (an inbound line keeps its
// MessageSid in the line itself).
func lineCols(l bot.Line) []any {
	raw, _ := json.Marshal(l) // a Line always encodes
	id := ""
	if l.Dir == bot.Out {
		id = l.MessageID
	}
	return []any{nullString(id), raw}
}

// SetDelivery implements bot.DeliveryRecorder.
func (db *DB) SetDelivery(ctx context.Context, sid string, status bot.Delivery, errorCode string) (phone string, err error) {
	err = db.update(ctx, txOptions{}, func(st *stage) error {
		phone = ""
		if sid == "" {
			return fmt.Errorf("message %q: %w", sid, bot.ErrNotFound)
		}
		var seq int64
		err := st.conn.QueryRow(st.ctx, `SELECT phone, seq FROM lines WHERE message_id = $1 ORDER BY seq DESC, phone LIMIT 1`, sid).Scan(&phone, &seq)
		if errors.Is(err, pgx.ErrNoRows) {
			phone = ""
			return fmt.Errorf("message %s: %w", sid, bot.ErrNotFound)
		}
		if err != nil {
			return err
		}
		r, err := st.line(phone, uint64(seq))
		if err != nil {
			return err
		}
		if !r.exists || r.val.MessageID != sid {
			return errConflict // changed between the two reads: run again
		}
		if !status.Supersedes(r.val.Status) {
			return nil // a late report: the line already says more
		}
		l := r.val
		l.Status, l.Error = status, errorCode
		st.setLine(r, l)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("postgres: set delivery: %w", err)
	}
	return phone, nil
}

// TranscriptTail implements bot.ConversationReader.
func (db *DB) TranscriptTail(ctx context.Context, phone string, n int) ([]bot.Line, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: transcript: %w", err)
	}
	q := `SELECT seq, line FROM lines WHERE phone = $1 ORDER BY seq`
	args := []any{phone}
	if n > 0 {
		q = `SELECT seq, line FROM (SELECT seq, line FROM lines WHERE phone = $1 ORDER BY seq DESC LIMIT $2) t ORDER BY seq`
		args = append(args, n)
	}
	lines := []bot.Line{}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: transcript: %w", err)
	}
	for rows.Next() {
		var (
			seq int64
			raw []byte
		)
		if err := rows.Scan(&seq, &raw); err != nil {
			return nil, fmt.Errorf("postgres: transcript: %w", err)
		}
		l, err := decodeLine(phone, uint64(seq), raw)
		if err != nil {
			return nil, fmt.Errorf("postgres: transcript: %w", err)
		}
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: transcript: %w", err)
	}
	return lines, nil
}

// Transcript returns all of phone's lines in Seq order: TranscriptTail
// with n = 0.
func (db *DB) Transcript(ctx context.Context, phone string) ([]bot.Line, error) {
	return db.TranscriptTail(ctx, phone, 0)
}

// LastLines implements bot.ConversationReader, in one query.
func (db *DB) LastLines(ctx context.Context, phones ...string) (map[string]bot.Line, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: last lines: %w", err)
	}
	out := make(map[string]bot.Line, len(phones))
	rows, err := db.pool.Query(ctx, `SELECT p.phone, l.seq, l.line FROM unnest($1::text[]) AS p(phone)
		CROSS JOIN LATERAL (SELECT seq, line FROM lines WHERE lines.phone = p.phone ORDER BY seq DESC LIMIT 1) l`, slices.Compact(slices.Sorted(slices.Values(phones))))
	if err != nil {
		return nil, fmt.Errorf("postgres: last lines: %w", err)
	}
	for rows.Next() {
		var (
			phone string
			seq   int64
			raw   []byte
		)
		if err := rows.Scan(&phone, &seq, &raw); err != nil {
			return nil, fmt.Errorf("postgres: last lines: %w", err)
		}
		l, err := decodeLine(phone, uint64(seq), raw)
		if err != nil {
			return nil, fmt.Errorf("postgres: last lines: %w", err)
		}
		out[phone] = l
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: last lines: %w", err)
	}
	return out, nil
}
