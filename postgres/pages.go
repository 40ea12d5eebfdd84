package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

// Pages: one row per page, with its owner (the number it was made for;
// the page itself holds no number) so that Forget erases it.

var pagesTable = newTable("pages", []string{"id"}, []string{"owner", "revoked", "created", "page"})

type pageRow struct {
	owner string
	page  bot.Page
}

func decodePage(id string, raw []byte) (bot.Page, error) {
	var p bot.Page
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fmt.Errorf("page %s: %w", id, err)
	}
	return p, nil
}

func scanPage(id string, row pgx.Row) (*rec[pageRow], error) {
	var (
		v     int64
		owner *string
		raw   []byte
	)
	switch err := row.Scan(&v, &owner, &raw); {
	case errors.Is(err, pgx.ErrNoRows):
		return &rec[pageRow]{}, nil
	case err != nil:
		return nil, err
	}
	p, err := decodePage(id, raw)
	if err != nil {
		return nil, err
	}
	r := &rec[pageRow]{seen: v, val: pageRow{page: p}, exists: true}
	if owner != nil {
		r.val.owner = *owner
	}
	return r, nil
}

const pageSQL = `SELECT version, owner, page FROM pages WHERE id = $1`

func (st *stage) page(id string) (*rec[pageRow], error) {
	r, ok := st.pages[id]
	if !ok {
		var err error
		if r, err = scanPage(id, st.conn.QueryRow(st.ctx, pageSQL, id)); err != nil {
			return nil, err
		}
		st.pages[id] = r
	}
	r.read = true
	return r, nil
}

// PutPage implements bot.Tx.
func (st *stage) PutPage(owner string, p bot.Page) error {
	if p.ID == "" {
		return errors.New("page: empty id")
	}
	r, err := st.page(p.ID)
	if err != nil {
		return err
	}
	if r.exists {
		return fmt.Errorf("page %s: %w", p.ID, bot.ErrPageExists)
	}
	r.val, r.exists, r.dirty = pageRow{owner: owner, page: p}, true, true
	return nil
}

// SetFeedback implements bot.Tx.
func (st *stage) SetFeedback(pageID string, answer bot.FeedbackAnswer) error {
	if pageID == "" {
		return nil
	}
	r, err := st.page(pageID)
	if err != nil || !r.exists {
		return err // a page revoked and deleted, or forgotten: nothing to record
	}
	r.val.page.Feedback, r.dirty = answer, true
	return nil
}

func (st *stage) queuePages(b *commit) {
	for _, id := range sortedKeys(st.pages) {
		r := st.pages[id]
		queueRec(b, pagesTable, r, []any{id}, func() []any { return pageCols(r.val) })
	}
}

func pageCols(r pageRow) []any {
	raw, _ := json.Marshal(r.page) // a Page always encodes
	return []any{nullString(r.owner), r.page.Revoked, r.page.Created, raw}
}

// Page implements bot.PageReader.
func (db *DB) Page(ctx context.Context, id string) (bot.Page, error) {
	if err := ctx.Err(); err != nil {
		return bot.Page{}, fmt.Errorf("postgres: page: %w", err)
	}
	r, err := scanPage(id, db.pool.QueryRow(ctx, pageSQL, id))
	if err != nil {
		return bot.Page{}, fmt.Errorf("postgres: page: %w", err)
	}
	if !r.exists {
		var expired bool
		if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pages_expired WHERE hash = sha256(convert_to($1, 'UTF8')))`, id).Scan(&expired); err != nil {
			return bot.Page{}, fmt.Errorf("postgres: page: %w", err)
		}
		if expired {
			return bot.Page{}, fmt.Errorf("postgres: page %s: %w", id, bot.ErrExpired)
		}
		return bot.Page{}, fmt.Errorf("postgres: page %s: %w", id, bot.ErrNotFound)
	}
	return r.val.page, nil
}

// PagesOf implements bot.PageReader.
func (db *DB) PagesOf(ctx context.Context, phone string, limit int) ([]bot.Page, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: pages of: %w", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT id, page FROM pages WHERE owner = $1 ORDER BY created DESC, id LIMIT $2`, phone, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("postgres: pages of: %w", err)
	}
	var out []bot.Page
	for rows.Next() {
		var (
			id  string
			raw []byte
		)
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, fmt.Errorf("postgres: pages of: %w", err)
		}
		p, err := decodePage(id, raw)
		if err != nil {
			return nil, fmt.Errorf("postgres: pages of: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: pages of: %w", err)
	}
	return out, nil
}

// RevokePage implements bot.Maintainer.
func (db *DB) RevokePage(ctx context.Context, id string) error {
	err := db.update(ctx, txOptions{}, func(st *stage) error {
		r, err := st.page(id)
		if err != nil {
			return err
		}
		if !r.exists {
			return fmt.Errorf("page %s: %w", id, bot.ErrNotFound)
		}
		if !r.val.page.Revoked {
			r.val.page.Revoked, r.dirty = true, true
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: revoke page: %w", err)
	}
	return nil
}
