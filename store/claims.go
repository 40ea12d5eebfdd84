package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/textfix/textfix/bot"
)

// Claims make webhook retries harmless: numbers From 0x00 's' MessageSid
// → claim, next to the sender's transcript, so that a claim belongs to its
// sender (the same MessageSid from another number is another message) and
// writing it dirties the page the text's lines go to. A claim points at
// the reply: the lines Inbound's function appended to the sender's
// transcript (first seq and count), whose bodies a retry gets back.
// claimsat at (8 bytes) From 0x00 MessageSid → ∅ lists claims by time,
// so the prune reads only the claims it deletes.
//
// A claim is encoded as kind (1) | at (8 bytes, Unix ns, as in claimsat)
// and then, for claimLines, first seq (uvarint) and count (uvarint); for
// claimBodies (a reply that is not one run of the sender's lines: a
// function that returned other lines, or a claim migrated from layout 1
// whose lines could not be matched) the count (uvarint) and the bodies,
// each a uvarint length and the bytes.
const (
	claimLines  = 1
	claimBodies = 2
)

// claimAtKey is the claimsat key of phone's claim of sid made at at.
func claimAtKey(at uint64, phone, sid string) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 9+len(phone)+len(sid)), at)
	return append(append(append(k, phone...), 0), sid...)
}

// encodeClaim is the claim of a reply: lines first…first+n-1 when
// inline is nil, else the bodies themselves.
func encodeClaim(at uint64, first, n uint64, inline []string) []byte {
	if inline == nil {
		v := binary.BigEndian.AppendUint64(append(make([]byte, 0, 9+2*binary.MaxVarintLen64), claimLines), at)
		return binary.AppendUvarint(binary.AppendUvarint(v, first), n)
	}
	size := 9 + binary.MaxVarintLen64
	for _, b := range inline {
		size += binary.MaxVarintLen64 + len(b)
	}
	v := binary.BigEndian.AppendUint64(append(make([]byte, 0, size), claimBodies), at)
	v = binary.AppendUvarint(v, uint64(len(inline)))
	for _, b := range inline {
		v = appendString(v, b)
	}
	return v
}

var errBadClaim = errors.New("bad claim record")

// decodedClaim is a claim: its time, and either a run of lines or bodies.
type decodedClaim struct {
	at       uint64
	first, n uint64
	bodies   []string // claimBodies
	inline   bool
}

func decodeClaim(v []byte) (decodedClaim, error) {
	var c decodedClaim
	if len(v) < 9 || (v[0] != claimLines && v[0] != claimBodies) {
		return c, errBadClaim
	}
	c.at = binary.BigEndian.Uint64(v[1:9])
	rest := v[9:]
	uvarint := func() uint64 {
		n, w := binary.Uvarint(rest)
		if w <= 0 {
			rest = nil
			return 0
		}
		rest = rest[w:]
		return n
	}
	if v[0] == claimLines {
		c.first = uvarint()
		if rest == nil {
			return c, errBadClaim
		}
		c.n = uvarint()
		if rest == nil || len(rest) != 0 {
			return c, errBadClaim
		}
		return c, nil
	}
	c.inline = true
	n := uvarint()
	if rest == nil || n > uint64(len(rest)) {
		return c, errBadClaim
	}
	r := lineReader{b: rest}
	c.bodies = make([]string, 0, n)
	for range n {
		if len(r.b) == 0 {
			return c, errBadClaim
		}
		c.bodies = append(c.bodies, r.string())
	}
	if r.err != nil || len(r.b) != 0 {
		return c, errBadClaim
	}
	return c, nil
}

// claimOf looks c up: the reply bodies and found=true when c was claimed.
// The claim and the reply lines it reads join the read-set. A reply line
// that is gone (its number forgotten and written again) is left out.
func (st *stage) claimOf(c bot.Claim) (replies []string, found bool, err error) {
	v := st.get(atNumbers, claimKey(c.From, c.SID))
	if v == nil {
		return nil, false, nil
	}
	cl, err := decodeClaim(v)
	if err != nil {
		return nil, false, fmt.Errorf("claim %s: %w", c.SID, err)
	}
	if cl.inline {
		return cl.bodies, true, nil
	}
	replies = make([]string, 0, cl.n)
	for seq := cl.first; seq < cl.first+cl.n; seq++ {
		lv := st.get(atNumbers, lineKey(c.From, seq))
		if lv == nil {
			continue
		}
		body, err := lineBody(c.From, seq, lv)
		if err != nil {
			return nil, false, fmt.Errorf("claim %s: %w", c.SID, err)
		}
		replies = append(replies, body)
	}
	return replies, true, nil
}

// putClaim records c with its reply: a pointer to lines when they are one
// run this transaction appended to c.From (as the desk's are), else the
// bodies.
func (st *stage) putClaim(c bot.Claim, lines []bot.Line) error {
	at := timeKey(st.now)
	var v []byte
	if run := len(lines) == 0 || st.isRun(c.From, lines); run {
		var first uint64
		if len(lines) > 0 {
			first = lines[0].Seq
		}
		v = encodeClaim(at, first, uint64(len(lines)), nil)
	} else {
		v = encodeClaim(at, 0, 0, bot.Bodies(lines))
	}
	if err := st.put(atNumbers, claimKey(c.From, c.SID), v); err != nil {
		return fmt.Errorf("claim %s: %w", c.SID, err)
	}
	return st.put(atClaimsAt, claimAtKey(at, c.From, c.SID), nil)
}

// isRun reports whether lines are consecutive lines this transaction
// appended to phone.
func (st *stage) isRun(phone string, lines []bot.Line) bool {
	for i, l := range lines {
		if l.Seq != lines[0].Seq+uint64(i) {
			return false
		}
	}
	return lines[0].Seq > 0 && st.appendedRun(phone, lines[0].Seq, uint64(len(lines)))
}

func checkClaim(c bot.Claim) error {
	if c.SID == "" || checkPhone(c.From) != nil {
		return errors.New("a claim needs a MessageSid and a sender")
	}
	return nil
}

// Replay implements bot.Transactor.
func (db *DB) Replay(ctx context.Context, c bot.Claim) (reply []string, ok bool, err error) {
	if err := checkClaim(c); err != nil {
		return nil, false, fmt.Errorf("store: replay: %w", err)
	}
	err = db.view(ctx, func(st *stage) error {
		reply, ok, err = st.claimOf(c)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: replay: %w", err)
	}
	return reply, ok, nil
}

// Inbound implements bot.Transactor. A replay writes nothing.
func (db *DB) Inbound(ctx context.Context, c bot.Claim, fn func(bot.Tx) ([]bot.Line, error)) (reply []string, replayed bool, err error) {
	if err := checkClaim(c); err != nil {
		return nil, false, fmt.Errorf("store: inbound: %w", err)
	}
	err = db.update(ctx, c.From, func(st *stage) error {
		var err error
		reply, replayed, err = st.claimOf(c)
		if err != nil || replayed {
			return err
		}
		lines, err := fn(st)
		if err != nil {
			return err
		}
		reply = bot.Bodies(lines)
		return st.putClaim(c, lines)
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: inbound: %w", err)
	}
	return reply, replayed, nil
}

// claimBatch is how many claims one prune transaction deletes at most. A
// claim lives beside its number's transcript, so deleting one rewrites
// that number's page and the branch page above it: about two page writes
// a claim, as claims made close in time belong to numbers far apart. 32
// keeps a batch near 80 page writes, a few milliseconds with its fsync
// (doc.go has the measurements).
const claimBatch = 32

// PruneClaims implements bot.Maintainer: it walks claimsat from the
// oldest claim and deletes up to most claims made before before, in
// transactions of at most claimBatch, so the writer is never held long
// and texts commit between batches. It reads only the claims it deletes.
func (db *DB) PruneClaims(ctx context.Context, before time.Time, most int) (int, error) {
	total := 0
	for total < most {
		want := min(claimBatch, most-total)
		n, err := db.pruneClaims(ctx, before, want)
		total += n
		if err != nil {
			return total, fmt.Errorf("store: prune claims: %w", err)
		}
		if n < want {
			break
		}
	}
	return total, nil
}

// pruneClaims deletes up to limit claims made before before, in one
// transaction. A claim joins the read-set before it goes.
func (db *DB) pruneClaims(ctx context.Context, before time.Time, limit int) (int, error) {
	cut := binary.BigEndian.AppendUint64(nil, timeKey(before))
	var n int
	err := db.update(ctx, "", func(st *stage) error {
		n = 0
		err := st.each(atClaimsAt, nil, func(k, _ []byte) error {
			if n >= limit || len(k) < 8 || bytes.Compare(k[:8], cut) >= 0 {
				return errStop
			}
			phone, sid, ok := bytes.Cut(k[8:], []byte{0})
			if !ok {
				return fmt.Errorf("claim index: bad key %x", k)
			}
			ck := claimKey(string(phone), string(sid))
			if v := st.get(atNumbers, ck); v != nil {
				cl, err := decodeClaim(v)
				if err != nil {
					return fmt.Errorf("claim %s: %w", sid, err)
				}
				if cl.at == binary.BigEndian.Uint64(k[:8]) { // else made again since: not this entry's
					st.del(atNumbers, ck)
				}
			}
			st.del(atClaimsAt, bytes.Clone(k))
			n++
			return nil
		})
		return err
	})
	return n, err
}
