package store

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"time"

	"github.com/textfix/textfix/bot"
)

// Claims make webhook retries harmless: claims MessageSid → JSON claim,
// with the reply bodies to replay. A claim belongs to its sender: when
// another number already has the MessageSid (never, unless someone
// forges one), the key is MessageSid 0x00 From.

// claim is what is recorded against an inbound message.
type claim struct {
	Phone   string    `json:"phone"`
	At      time.Time `json:"at"`
	Replies []string  `json:"replies,omitempty"`
	// Reply is a claim written before replies were recorded as bodies:
	// the TwiML document itself (see v1Replies).
	Reply []byte `json:"reply,omitempty"`
}

func claimKey(sid string) []byte           { return []byte(sid) }
func claimKeyFrom(sid, from string) []byte { return []byte(sid + "\x00" + from) }

// claimOf looks c up: the reply bodies and found=true when c was claimed.
// Both of its possible keys join the read-set.
func (st *stage) claimOf(c bot.Claim) (replies []string, found bool, err error) {
	for _, k := range [][]byte{claimKey(c.SID), claimKeyFrom(c.SID, c.From)} {
		v := st.get(atClaims, k)
		if v == nil {
			continue
		}
		var cl claim
		if err := json.Unmarshal(v, &cl); err != nil {
			return nil, false, fmt.Errorf("claim %s: %w", c.SID, err)
		}
		if cl.Phone != c.From {
			continue // another number's message with the same id
		}
		if cl.Replies == nil && cl.Reply != nil {
			replies, err := v1Replies(cl.Reply)
			return replies, err == nil, err
		}
		return cl.Replies, true, nil
	}
	return nil, false, nil
}

// putClaim records c with its reply bodies.
func (st *stage) putClaim(c bot.Claim, replies []string) error {
	k := claimKey(c.SID)
	if st.get(atClaims, k) != nil {
		k = claimKeyFrom(c.SID, c.From)
	}
	if replies == nil {
		replies = []string{}
	}
	v, err := json.Marshal(claim{Phone: c.From, At: st.now, Replies: replies})
	if err != nil {
		return fmt.Errorf("claim %s: %w", c.SID, err)
	}
	return st.put(atClaims, k, v)
}

// v1Replies reads the bodies back out of a claim written before bodies
// were recorded, which held the reply's TwiML: <Response><Message>…
// A retry across the upgrade still gets its reply. The v2 layout's
// migration can turn these into bodies and retire this.
func v1Replies(doc []byte) ([]string, error) {
	var r struct {
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(doc, &r); err != nil {
		return nil, fmt.Errorf("claim: v1 reply: %w", err)
	}
	if r.Messages == nil {
		r.Messages = []string{}
	}
	return r.Messages, nil
}

func checkClaim(c bot.Claim) error {
	if c.SID == "" || c.From == "" {
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
		return st.putClaim(c, reply)
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: inbound: %w", err)
	}
	return reply, replayed, nil
}

// forgetClaims deletes every claim made for phone and returns how many.
// It reads the whole claims bucket.
func (st *stage) forgetClaims(phone string) (int, error) {
	var keys [][]byte
	err := st.each(atClaims, nil, func(k, v []byte) error {
		var cl struct {
			Phone string `json:"phone"`
		}
		if err := json.Unmarshal(v, &cl); err != nil {
			return fmt.Errorf("claim %q: %w", k, err)
		}
		if cl.Phone == phone {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	for _, k := range keys {
		st.del(atClaims, k)
	}
	return len(keys), err
}

// PruneClaims implements bot.Maintainer. It reads the claims bucket from
// the start until it has found max old claims (the whole bucket when
// fewer are old); the deletes need no read-set (a claim never changes).
func (db *DB) PruneClaims(ctx context.Context, before time.Time, max int) (int, error) {
	var n int
	err := db.update(ctx, "", func(st *stage) error {
		n = 0
		errEnough := errors.New("enough")
		err := st.each(atClaims, nil, func(k, v []byte) error {
			if n >= max {
				return errEnough
			}
			var cl struct {
				At time.Time `json:"at"`
			}
			if err := json.Unmarshal(v, &cl); err != nil {
				return fmt.Errorf("claim %q: %w", k, err)
			}
			if cl.At.Before(before) {
				st.del(atClaims, bytes.Clone(k))
				n++
			}
			return nil
		})
		if errors.Is(err, errEnough) {
			return nil
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune claims: %w", err)
	}
	return n, nil
}
