package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Export reads every record of the file for "textfix store copy" (into
// PostgreSQL): each callback of e that is not nil is called with each
// record of its kind, all from one read transaction, so a file that a
// server is writing is read as of one moment (stop the server first all
// the same: what it writes after that moment is not copied). Claims and
// login attempts are not exported: they matter for minutes.
type Export struct {
	Conversation func(bot.Conversation) error
	// Transcript is called once per number with all of its lines, in Seq
	// order.
	Transcript func(phone string, lines []bot.Line) error
	// Page is called with each page and the number it was made for (""
	// for a page made before pages had owners).
	Page    func(owner string, p bot.Page) error
	Ticket  func(bot.Ticket) error
	Message func(bot.OutMsg) error
	// Counter and Unmatched are the analytics counters.
	Counter   func(Counter) error
	Unmatched func(Unmatched) error
	Session   func(bot.Session) error
}

// Counter is one analytics counter of one UTC day: how many events of
// Kind in Flow (at Node, to To for an edge).
type Counter struct {
	Flow     string
	Day      string // 2006-01-02
	Kind     bot.EventKind
	Node, To string
	N        uint64
}

// Unmatched counts one answer not understood at a question, all time.
type Unmatched struct {
	Flow, Node, Text string
	N                uint64
}

// Export calls e's callbacks with every record in the file; the first
// error stops it.
func (db *DB) Export(ctx context.Context, e Export) error {
	err := db.read(func(tx *bolt.Tx) error {
		for _, step := range []func(context.Context, *bolt.Tx, Export) error{
			exportConversations, exportTranscripts, exportPages, exportTickets,
			exportMessages, exportStats, exportSessions,
		} {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := step(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: export: %w", closedErr(err))
	}
	return nil
}

// numberKeys calls fn with each key of the numbers bucket whose tag is
// tag, split into its phone and what follows the tag.
func numberKeys(tx *bolt.Tx, tag byte, fn func(phone string, rest, v []byte) error) error {
	return tx.Bucket(bucketKeys[atNumbers]).ForEach(func(k, v []byte) error {
		phone, tagged, ok := bytes.Cut(k, []byte{0})
		if !ok || len(tagged) == 0 {
			return fmt.Errorf("numbers: bad key %x", k)
		}
		if tagged[0] != tag {
			return nil
		}
		return fn(string(phone), tagged[1:], v)
	})
}

func exportConversations(_ context.Context, tx *bolt.Tx, e Export) error {
	if e.Conversation == nil {
		return nil
	}
	return numberKeys(tx, tagConversation, func(phone string, _, v []byte) error {
		c, err := decodeConversation(phone, v)
		if err != nil {
			return err
		}
		c.Phone = phone
		return e.Conversation(c)
	})
}

// exportTranscripts hands over each number's lines when the keys move on
// to the next number: a number's lines are adjacent keys, in Seq order.
func exportTranscripts(ctx context.Context, tx *bolt.Tx, e Export) error {
	if e.Transcript == nil {
		return nil
	}
	var (
		phone string
		lines []bot.Line
	)
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		err := e.Transcript(phone, lines)
		lines = nil
		return err
	}
	err := numberKeys(tx, tagLine, func(p string, rest, v []byte) error {
		if p != phone {
			if err := flush(); err != nil {
				return err
			}
			phone = p
		}
		if len(rest) != 8 {
			return fmt.Errorf("line %s: bad key", bot.Mask(p))
		}
		l, err := decodeLine(p, binary.BigEndian.Uint64(rest), v)
		lines = append(lines, l)
		return err
	})
	if err != nil {
		return err
	}
	return flush()
}

func exportPages(_ context.Context, tx *bolt.Tx, e Export) error {
	if e.Page == nil {
		return nil
	}
	owners := map[string]string{}
	err := tx.Bucket(bucketKeys[atOwned]).ForEach(func(k, _ []byte) error {
		phone, id, ok := bytes.Cut(k, []byte{0})
		if ok {
			owners[string(id)] = string(phone)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketKeys[atPages]).ForEach(func(k, v []byte) error {
		p, err := decodePage(string(k), v)
		if err != nil {
			return err
		}
		return e.Page(owners[string(k)], p)
	})
}

func exportTickets(_ context.Context, tx *bolt.Tx, e Export) error {
	if e.Ticket == nil {
		return nil
	}
	return tx.Bucket(bucketKeys[atTickets]).ForEach(func(k, v []byte) error {
		tk, err := decodeTicket(k, v)
		if err != nil {
			return err
		}
		return e.Ticket(tk)
	})
}

func exportMessages(_ context.Context, tx *bolt.Tx, e Export) error {
	if e.Message == nil {
		return nil
	}
	return tx.Bucket(bucketKeys[atOutbox]).ForEach(func(k, v []byte) error {
		m, err := decodeMessage(k, v)
		if err != nil {
			return err
		}
		return e.Message(m)
	})
}

func exportStats(_ context.Context, tx *bolt.Tx, e Export) error {
	if e.Counter != nil {
		err := tx.Bucket(bucketKeys[atStats]).ForEach(func(k, v []byte) error {
			parts := strings.Split(string(k), sep)
			if len(parts) < 3 || len(v) != 8 {
				return fmt.Errorf("stats: bad counter %q", k)
			}
			c := Counter{Flow: parts[0], Day: parts[1], Kind: bot.EventKind(parts[2]), N: binary.BigEndian.Uint64(v)}
			if len(parts) > 3 {
				c.Node = parts[3]
			}
			if len(parts) > 4 {
				c.To = parts[4]
			}
			return e.Counter(c)
		})
		if err != nil {
			return err
		}
	}
	if e.Unmatched == nil {
		return nil
	}
	return tx.Bucket(bucketKeys[atUnmatched]).ForEach(func(k, v []byte) error {
		parts := strings.SplitN(string(k), sep, 3)
		if len(parts) != 3 || len(v) < 8 {
			return fmt.Errorf("stats: bad unmatched counter %q", k)
		}
		return e.Unmatched(Unmatched{Flow: parts[0], Node: parts[1], Text: parts[2], N: binary.BigEndian.Uint64(v)})
	})
}

func exportSessions(_ context.Context, tx *bolt.Tx, e Export) error {
	if e.Session == nil {
		return nil
	}
	return tx.Bucket(bucketKeys[atSessions]).ForEach(func(k, v []byte) error {
		var s bot.Session
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("session: %w", err)
		}
		s.Key = string(k)
		return e.Session(s)
	})
}
