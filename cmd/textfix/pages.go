package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/console"
)

// pages: revoke a fix page (it then answers 410) or show what it holds.
// Like the other database commands it runs on a stopped server's bbolt
// file (bbolt allows one process), or on PostgreSQL while servers run.
func (cli *CLI) pages(ctx context.Context, args []string) error {
	const use = "pages revoke ID [--db PATH|URL] | pages show ID [--db PATH|URL]"
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	sub := args[0]
	if sub != "revoke" && sub != "show" {
		return fmt.Errorf("%w: unknown pages command %q (%s)", errUsage, sub, use)
	}
	fs := flag.NewFlagSet("pages "+sub, flag.ContinueOnError)
	dbPath := fs.String("db", "", dbFlagHelp)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: pages %s ID", errUsage, sub)
	}
	id := pos[0]
	page := console.Path // a page's revoke button is on its number's conversation page
	if sub == "show" {
		page = bot.PagePath(id)
	}
	db, err := cli.openForCLI(ctx, *dbPath, page)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "show" {
		p, err := db.Page(ctx, id)
		if errors.Is(err, bot.ErrNotFound) {
			return fmt.Errorf("no page %s", id)
		} else if err != nil {
			return err
		}
		enc := json.NewEncoder(cli.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(p)
	}
	if err := db.RevokePage(ctx, id); errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("no page %s", id)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(cli.Stdout, "revoked %s: its link now answers 410 Gone\n", id)
	return nil
}
