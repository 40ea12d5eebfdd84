package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/textfix/textfix/bot"
)

// Console sessions: sessions key → JSON bot.Session (the key is a hash of
// the browser's token), and attempts client address → JSON attempts, the
// login attempts of the last window.

type attempts struct {
	At []time.Time `json:"at"`
}

func (st *stage) session(key string) (s bot.Session, found bool, err error) {
	if key == "" {
		return s, false, nil
	}
	v := st.get(atSessions, []byte(key))
	if v == nil {
		return s, false, nil
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return s, false, fmt.Errorf("session: %w", err)
	}
	return s, true, nil
}

func (st *stage) putSession(s bot.Session) error {
	v, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	return st.put(atSessions, []byte(s.Key), v)
}

// CreateSession implements bot.Sessions.
func (db *DB) CreateSession(ctx context.Context, s bot.Session) error {
	err := db.update(ctx, "", func(st *stage) error {
		if s.Key == "" {
			return errors.New("session: empty key")
		}
		if _, found, err := st.session(s.Key); err != nil || found {
			return cmpErr(err, errors.New("session: key taken"))
		}
		return st.putSession(s)
	})
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// cmpErr is err, or else other.
func cmpErr(err, other error) error {
	if err != nil {
		return err
	}
	return other
}

// Session implements bot.Sessions.
func (db *DB) Session(ctx context.Context, key string) (bot.Session, error) {
	var s bot.Session
	err := db.view(ctx, func(st *stage) error {
		var found bool
		var err error
		s, found, err = st.session(key)
		if err == nil && !found {
			err = fmt.Errorf("session: %w", bot.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return bot.Session{}, fmt.Errorf("store: session: %w", err)
	}
	return s, nil
}

// UpdateSession implements bot.Sessions.
func (db *DB) UpdateSession(ctx context.Context, key string, fn func(*bot.Session)) error {
	err := db.update(ctx, "", func(st *stage) error {
		s, found, err := st.session(key)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("session: %w", bot.ErrNotFound)
		}
		fn(&s)
		s.Key = key
		return st.putSession(s)
	})
	if err != nil {
		return fmt.Errorf("store: update session: %w", err)
	}
	return nil
}

// DeleteSession implements bot.Sessions.
func (db *DB) DeleteSession(ctx context.Context, key string) error {
	err := db.update(ctx, "", func(st *stage) error {
		if key != "" {
			st.del(atSessions, []byte(key))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// ExpireSessions implements bot.Sessions.
func (db *DB) ExpireSessions(ctx context.Context, seenBefore, createdBefore time.Time) (int, error) {
	var n int
	err := db.update(ctx, "", func(st *stage) error {
		n = 0
		for _, e := range st.scan(atSessions, nil) {
			var s bot.Session
			if err := json.Unmarshal(e.v, &s); err != nil {
				return fmt.Errorf("session: %w", err)
			}
			if s.Seen.Before(seenBefore) || s.Created.Before(createdBefore) {
				st.del(atSessions, e.k)
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: expire sessions: %w", err)
	}
	return n, nil
}

// AllowLogin implements bot.Sessions. The attempts bucket is small: it
// holds the addresses that tried in the last window.
func (db *DB) AllowLogin(ctx context.Context, addr string, now, since time.Time, most int) (bool, error) {
	var ok bool
	err := db.update(ctx, "", func(st *stage) error {
		ok = false
		if addr == "" {
			return errors.New("login attempt: empty address")
		}
		var mine []time.Time
		for _, e := range st.scan(atAttempts, nil) {
			var a attempts
			if err := json.Unmarshal(e.v, &a); err != nil {
				return fmt.Errorf("login attempts: %w", err)
			}
			recent := slices.DeleteFunc(slices.Clone(a.At), func(at time.Time) bool { return !at.After(since) })
			if string(e.k) == addr {
				mine = recent
				continue
			}
			if len(recent) < len(a.At) {
				if err := st.putAttempts(e.k, recent); err != nil {
					return err
				}
			}
		}
		if len(mine) >= most {
			return st.putAttempts([]byte(addr), mine)
		}
		ok = true
		return st.putAttempts([]byte(addr), append(mine, now))
	})
	if err != nil {
		return false, fmt.Errorf("store: allow login: %w", err)
	}
	return ok, nil
}

// putAttempts stores an address's recent attempts, or forgets the address
// when it has none.
func (st *stage) putAttempts(addr []byte, at []time.Time) error {
	if len(at) == 0 {
		st.del(atAttempts, addr)
		return nil
	}
	v, err := json.Marshal(attempts{At: at})
	if err != nil {
		return fmt.Errorf("login attempts: %w", err)
	}
	return st.put(atAttempts, addr, v)
}
