package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/textfix/textfix/bot"
)

// Pages: pages id → JSON bot.Page (no phone numbers), and owned phone 0x00
// id → ∅, whose they are, so that Forget erases them.

func pageKey(id string) []byte { return []byte(id) }

func ownedKey(phone, id string) []byte { return []byte(phone + "\x00" + id) }

func decodePage(id string, v []byte) (bot.Page, error) {
	var p bot.Page
	if err := json.Unmarshal(v, &p); err != nil {
		return p, fmt.Errorf("page %s: %w", id, err)
	}
	return p, nil
}

// page reads page id; found=false when it does not exist.
func (st *stage) page(id string) (p bot.Page, found bool, err error) {
	if id == "" {
		return p, false, nil
	}
	v := st.get(atPages, pageKey(id))
	if v == nil {
		return p, false, nil
	}
	p, err = decodePage(id, v)
	return p, err == nil, err
}

func (st *stage) savePage(p bot.Page) error {
	v, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("page %s: %w", p.ID, err)
	}
	if err := st.put(atPages, pageKey(p.ID), v); err != nil {
		return fmt.Errorf("page %s: %w", p.ID, err)
	}
	return nil
}

// PutPage implements bot.Tx.
func (st *stage) PutPage(owner string, p bot.Page) error {
	if p.ID == "" {
		return errors.New("page: empty id")
	}
	if st.get(atPages, pageKey(p.ID)) != nil {
		return fmt.Errorf("page %s: %w", p.ID, bot.ErrPageExists)
	}
	if err := st.savePage(p); err != nil {
		return err
	}
	if owner == "" {
		return nil
	}
	return st.put(atOwned, ownedKey(owner, p.ID), nil)
}

// SetFeedback implements bot.Tx.
func (st *stage) SetFeedback(pageID string, answer bot.FeedbackAnswer) error {
	p, found, err := st.page(pageID)
	if err != nil || !found {
		return err // a page revoked and deleted, or forgotten: nothing to record
	}
	if p.Feedback == answer {
		return nil // said again: the page is as it would be written
	}
	p.Feedback = answer
	return st.savePage(p)
}

// forgetPages deletes the pages made for phone, and page id (a
// conversation's page from before pages had owners), and returns how many
// records went.
func (st *stage) forgetPages(phone, id string, expire bool) int {
	n := 0
	prefix := ownedKey(phone, "")
	for _, e := range st.scan(atOwned, prefix) {
		st.dropPage(string(e.k[len(prefix):]), expire)
		st.del(atOwned, e.k)
		n++
	}
	if id != "" && st.get(atPages, pageKey(id)) != nil {
		st.dropPage(id, expire)
		n++
	}
	return n
}

// dropPage deletes page id; expire leaves the mark that makes it answer
// "expired": a hash, so that the file keeps no page id.
func (st *stage) dropPage(id string, expire bool) {
	st.del(atPages, pageKey(id))
	if expire {
		_ = st.put(atExpired, expiredKey(id), binary.BigEndian.AppendUint64(nil, timeKey(st.now))) // a 32-byte key and 8 bytes always fit
	}
}

func expiredKey(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

// Page implements bot.PageReader.
func (db *DB) Page(ctx context.Context, id string) (bot.Page, error) {
	var p bot.Page
	err := db.view(ctx, func(st *stage) error {
		var found bool
		var err error
		p, found, err = st.page(id)
		switch {
		case err != nil || found:
		case id != "" && st.get(atExpired, expiredKey(id)) != nil:
			err = fmt.Errorf("page %s: %w", id, bot.ErrExpired)
		default:
			err = fmt.Errorf("page %s: %w", id, bot.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return bot.Page{}, fmt.Errorf("store: page: %w", err)
	}
	return p, nil
}

// PagesOf implements bot.PageReader.
func (db *DB) PagesOf(ctx context.Context, phone string, limit int) ([]bot.Page, error) {
	var out []bot.Page
	err := db.view(ctx, func(st *stage) error {
		prefix := ownedKey(phone, "")
		for _, e := range st.scan(atOwned, prefix) {
			p, found, err := st.page(string(bytes.TrimPrefix(e.k, prefix)))
			if err != nil {
				return err
			}
			if found {
				out = append(out, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: pages of: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out[:min(len(out), max(limit, 0))], nil
}

// RevokePage implements bot.Maintainer.
func (db *DB) RevokePage(ctx context.Context, id string) error {
	err := db.update(ctx, "", func(st *stage) error {
		p, found, err := st.page(id)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("page %s: %w", id, bot.ErrNotFound)
		}
		if p.Revoked {
			return nil
		}
		p.Revoked = true
		return st.savePage(p)
	})
	if err != nil {
		return fmt.Errorf("store: revoke page: %w", err)
	}
	return nil
}
