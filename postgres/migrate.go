package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one step of the schema, applied once, in order.
type Migration struct {
	Version int
	Name    string // the file name, like 0001_init.sql
	SQL     string
}

// Migrations lists the schema's steps in order, as embedded in the
// binary.
func Migrations() []Migration {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err) // a valid pattern over an embedded folder
	}
	var out []Migration
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			panic(fmt.Sprintf("postgres: migration %s: the name must start with its version number", name))
		}
		sql, _ := migrationFiles.ReadFile(path)
		out = append(out, Migration{Version: v, Name: name, SQL: string(sql)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// migrationClass is the first key of the lock migrations run under; the
// second is the schema's.
const migrationClass = 0x7e48

// Migrate applies the migrations the database at url has not had, in one
// transaction under an advisory lock (an instance starting meanwhile
// waits, then finds nothing to do), calling applying before each. It
// returns how many it applied.
func Migrate(ctx context.Context, url string, applying func(Migration)) (int, error) {
	conn, err := pgx.Connect(ctx, stripPoolParams(url))
	if err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", redact(err))
	}
	defer conn.Close(context.Background())
	return migrate(ctx, conn, applying)
}

func (db *DB) migrate(ctx context.Context, applying func(Migration)) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	_, err = migrate(ctx, conn.Conn(), applying)
	return err
}

func migrate(ctx context.Context, conn *pgx.Conn, applying func(Migration)) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, migrationClass); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		done := map[int]bool{}
		rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				return err
			}
			done[v] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range Migrations() {
			if done[m.Version] {
				continue
			}
			if applying != nil {
				applying(m)
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", err)
	}
	return n, nil
}
