package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/postgres"
	"github.com/textfix/textfix/store"
)

// migrate applies the PostgreSQL schema's migrations, printing each. A
// server applies them itself at start; this shows what it will do, and
// does it ahead of a deploy.
func (cli *CLI) migrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dbURL := fs.String("db", "", "postgres:// URL (default TEXTFIX_DATABASE_URL)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: migrate [--db URL]", errUsage)
	}
	url, err := cli.databaseURL(*dbURL, "migrate")
	if err != nil {
		return err
	}
	n, err := postgres.Migrate(ctx, url, func(m postgres.Migration) {
		fmt.Fprintf(cli.Stdout, "-- applying %s\n%s\n", m.Name, m.SQL)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(cli.Stdout, "up to date: %d migration(s) applied before\n", len(postgres.Migrations()))
		return nil
	}
	fmt.Fprintf(cli.Stdout, "applied %d migration(s)\n", n)
	return nil
}

// databaseURL is flagValue, or else TEXTFIX_DATABASE_URL; cmd names the
// command asking, for the error when there is neither.
func (cli *CLI) databaseURL(flagValue, cmd string) (string, error) {
	if flagValue != "" {
		if !IsDatabaseURL(flagValue) {
			return "", fmt.Errorf("%w: %s: --db %q is not a postgres:// URL", errUsage, cmd, flagValue)
		}
		return flagValue, nil
	}
	cfg, err := cli.config()
	if err != nil {
		return "", err
	}
	if cfg.DatabaseURL == "" {
		return "", fmt.Errorf("%w: %s needs PostgreSQL: set TEXTFIX_DATABASE_URL or --db postgres://…", errUsage, cmd)
	}
	return cfg.DatabaseURL, nil
}

// storeCmd: textfix store copy.
func (cli *CLI) storeCmd(ctx context.Context, args []string) error {
	const use = "store copy --from FILE --to URL [--force]"
	if len(args) == 0 || args[0] != "copy" {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	fs := flag.NewFlagSet("store copy", flag.ContinueOnError)
	from := fs.String("from", "", "the bbolt file of a stopped server")
	to := fs.String("to", "", "postgres:// URL of an empty database")
	force := fs.Bool("force", false, "delete what the database holds first")
	if pos, err := parse(fs, args[1:]); err != nil {
		return err
	} else if len(pos) > 0 || *from == "" || !IsDatabaseURL(*to) {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	if _, err := os.Stat(*from); err != nil { //nolint:gosec // the operator names the file on their own command line
		return fmt.Errorf("store copy: no database at %s", *from)
	}
	// A file of an older layout is migrated first, as a server would,
	// and says so on stderr.
	src, err := store.Open(*from, store.WithLogger(slog.New(slog.NewTextHandler(cli.Stderr, nil))))
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("store copy: a server is using %s: stop it first, so that nothing it writes is left behind", *from)
	}
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, postgres.Config{URL: *to})
	if err != nil {
		return err
	}
	defer dst.Close()
	var n copied
	err = dst.Import(ctx, *force, func(im *postgres.Importer) error {
		return src.Export(ctx, store.Export{
			Conversation: func(c bot.Conversation) error { n.conversations++; return im.Conversation(c) },
			Transcript:   func(phone string, lines []bot.Line) error { n.lines += len(lines); return im.Lines(phone, lines) },
			Page:         func(owner string, p bot.Page) error { n.pages++; return im.Page(owner, p) },
			Ticket:       func(tk bot.Ticket) error { n.tickets++; return im.Ticket(tk) },
			Message:      func(m bot.OutMsg) error { n.messages++; return im.Message(m) },
			Counter: func(c store.Counter) error {
				n.counters++
				return im.Counter(c.Flow, c.Day, c.Kind, c.Node, c.To, c.N)
			},
			Unmatched: func(u store.Unmatched) error { n.counters++; return im.Unmatched(u.Flow, u.Node, u.Text, u.N) },
			Session:   func(s bot.Session) error { n.sessions++; return im.Session(s) },
		})
	})
	if errors.Is(err, postgres.ErrNotEmpty) {
		return fmt.Errorf("store copy: the database at --to holds data already; copy into an empty one, or add --force to replace what it holds")
	}
	if err != nil {
		return fmt.Errorf("store copy: %w", err)
	}
	fmt.Fprintf(cli.Stdout, "copied %d conversations, %d transcript lines, %d pages, %d tickets, %d outbox messages, %d counters, %d sessions\n",
		n.conversations, n.lines, n.pages, n.tickets, n.messages, n.counters, n.sessions)
	return nil
}

type copied struct{ conversations, lines, pages, tickets, messages, counters, sessions int }
