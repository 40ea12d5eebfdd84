package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/console"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/twilio"
)

// CLI runs textfix's subcommands against explicit streams and environment,
// so tests run them in-process exactly as a shell would.
type CLI struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

const usage = `textfix: text an error, get a fix.

Usage:
  textfix [serve]                       run the server (sandbox mode without TWILIO_AUTH_TOKEN)
  textfix chat [--from E164] [--db PATH] [--json]
                                        text the bot from this terminal; one line = one SMS
  textfix flows check [DIR] [--against DB]
                                        validate and lint the flows (exit 1 on an error);
                                        list the live conversations in DB they strand
  textfix flows test [DIR]              play the conversation scripts (*.test.yaml) beside the flows
  textfix flows new ID [--dir DIR]      write a commented skeleton flow ID.yaml and ID.test.yaml
  textfix flows graph ID [--format mermaid|dot|svg] [--dir DIR]
                                        print a flow's picture
  textfix conversations [PHONE] [--json] [--db PATH|URL]
                                        list conversations, or one number's transcript
  textfix forget PHONE [--db PATH|URL]  erase everything stored about a number
  textfix pages revoke|show ID [--db PATH|URL]
                                        take a fix page down (410), or print it
  textfix restore FILE [--db PATH]      check a backup and put it in place of the stopped server's database
  textfix migrate [--db URL]            apply PostgreSQL schema migrations, printing each
  textfix store copy --from FILE --to URL [--force]
                                        copy a stopped server's bbolt file into an empty PostgreSQL database

Environment: see README.md.
`

// dbFlagHelp explains --db for the commands that read or change the
// database.
const dbFlagHelp = "bbolt file or postgres:// URL (default TEXTFIX_DATABASE_URL, else TEXTFIX_DB)"

// errUsage marks a command-line mistake (exit 2).
var errUsage = errors.New("usage")

// Run executes the command in args and returns the process exit code.
func (cli *CLI) Run(ctx context.Context, args []string) int {
	err := cli.run(ctx, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(cli.Stderr, err)
		return 2
	case errors.Is(err, errFailed):
		return 1 // the command printed its own report
	default:
		fmt.Fprintln(cli.Stderr, "textfix:", err)
		return 1
	}
}

// errFailed means "exit 1, the report is already printed".
var errFailed = errors.New("failed")

func (cli *CLI) run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return cli.serve(ctx, args)
	case "chat":
		return cli.chat(ctx, args)
	case "flows":
		return cli.flows(ctx, args)
	case "conversations":
		return cli.conversations(ctx, args)
	case "forget":
		return cli.forget(ctx, args)
	case "pages":
		return cli.pages(ctx, args)
	case "restore":
		return cli.restore(args)
	case "migrate":
		return cli.migrate(ctx, args)
	case "store":
		return cli.storeCmd(ctx, args)
	case "help", "-h", "--help":
		fmt.Fprint(cli.Stdout, usage)
		return nil
	}
	return fmt.Errorf("%w: unknown command %q\n\n%s", errUsage, cmd, usage)
}

// parse parses flags that may come before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

func (cli *CLI) config() (Config, error) { return LoadConfig(cli.Getenv) }

// chat: each stdin line is one inbound SMS from --from.
func (cli *CLI) chat(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	from := fs.String("from", "+15555550100", "the number you text from (E.164)")
	dbPath := fs.String("db", "", "bbolt file (default: a fresh temporary file)")
	asJSON := fs.Bool("json", false, "one JSON object per inbound line")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if !twilio.IsPhoneNumber(*from) {
		return fmt.Errorf("%w: chat: --from %q is not an E.164 number like +15551234567", errUsage, *from)
	}
	cfg, err := cli.config()
	if err != nil {
		return err
	}
	lib, _, err := cfg.Flows()
	if err != nil {
		return err
	}
	temporary := *dbPath == ""
	if temporary {
		dir, err := os.MkdirTemp("", "textfix-chat-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "chat.db")
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	engine, desk := cfg.Engine(lib), cfg.Desk()

	interactive := isTerminal(cli.Stdin)
	if interactive && !*asJSON {
		fmt.Fprintf(cli.Stdout, "Texting textfix as %s. Type a message; Ctrl-D to quit.\n> ", *from)
	}
	enc := json.NewEncoder(cli.Stdout)
	enc.SetEscapeHTML(false)
	noted := false
	sc := bufio.NewScanner(cli.Stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		text := strings.TrimRight(sc.Text(), "\r")
		in := bot.Inbound{From: *from, Body: text, PageID: bot.NewPageID()}
		var lines []bot.Line
		err := db.Update(ctx, *from, func(t bot.Tx) error {
			var err error
			lines, err = desk.Handle(t, engine, in, time.Now())
			return err
		})
		if err != nil {
			return err
		}
		replies := bot.Bodies(lines)
		c, err := db.Conversation(ctx, *from)
		if err != nil {
			return err
		}
		if temporary && c.PageID != "" && !noted {
			// Once, on stderr: stdout stays one JSON object per text.
			noted = true
			fmt.Fprintln(cli.Stderr, chatTempNote)
		}
		if *asJSON {
			if replies == nil {
				replies = []string{}
			}
			if err := enc.Encode(chatLine{In: text, Replies: replies, Flow: c.Flow, Node: c.Node, Status: c.Status}); err != nil {
				return err
			}
			continue
		}
		for _, r := range replies {
			fmt.Fprintf(cli.Stdout, "textfix: %s\n\n", strings.ReplaceAll(r, "\n", "\n         "))
		}
		if interactive {
			fmt.Fprint(cli.Stdout, "> ")
		}
	}
	return sc.Err()
}

// chatTempNote is said once when chat without --db sends a fix link: the
// page lives in a database deleted on exit.
const chatTempNote = "note: fix links point into a temporary database that is deleted when chat exits; to open them, chat with --db data/textfix.db, then run textfix serve"

type chatLine struct {
	In      string     `json:"in"`
	Replies []string   `json:"replies"`
	Flow    string     `json:"flow"`
	Node    string     `json:"node"`
	Status  bot.Status `json:"status"`
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (cli *CLI) flows(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: flows check|test|new|graph", errUsage)
	}
	switch args[0] {
	case "check":
		return cli.flowsCheck(ctx, args[1:])
	case "test":
		return cli.flowsTest(args[1:])
	case "new":
		return cli.flowsNew(args[1:])
	case "graph":
		return cli.flowsGraph(ctx, args[1:])
	}
	return fmt.Errorf("%w: unknown flows command %q (check, test, new, graph)", errUsage, args[0])
}

func (cli *CLI) flowsCheck(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("flows check", flag.ContinueOnError)
	against := fs.String("against", "", "bbolt file or postgres:// URL whose live conversations to check the flows against")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg, err := cli.config()
	if err != nil {
		return err
	}
	var lib *flows.Library
	var problems []flows.Problem
	where := "embedded library"
	switch {
	case len(pos) > 1:
		return fmt.Errorf("%w: flows check [DIR] [--against DB]", errUsage)
	case len(pos) == 1:
		where = pos[0]
		if st, err := os.Stat(where); err != nil || !st.IsDir() {
			return fmt.Errorf("flows check: %s is not a folder", where)
		}
		lib, problems, err = flows.Load(os.DirFS(where))
	default:
		if cfg.FlowsDir != "" {
			where = cfg.FlowsDir
		}
		lib, problems, err = cfg.Flows()
	}
	for _, p := range problems {
		fmt.Fprintln(cli.Stdout, p)
	}
	if err != nil {
		if errors.Is(err, flows.ErrInvalid) {
			fmt.Fprintf(cli.Stdout, "%s: FAILED (%d problem(s))\n", where, len(problems))
			return errFailed
		}
		return err
	}
	fmt.Fprintf(cli.Stdout, "%s: %d flow(s) OK", where, len(lib.Flows))
	if len(problems) > 0 {
		fmt.Fprintf(cli.Stdout, ", %d warning(s)", len(problems))
	}
	fmt.Fprintln(cli.Stdout)
	if *against != "" {
		return cli.stranded(ctx, cfg.Engine(lib), *against)
	}
	return nil
}

// stranded lists the live conversations stored in the bbolt file or the
// PostgreSQL database path names that engine's flows strand, with what
// each one's next text will find. Stranded conversations are handled, so
// they are no error.
func (cli *CLI) stranded(ctx context.Context, engine *bot.Engine, path string) error {
	var db bot.ConversationReader
	switch {
	case IsDatabaseURL(path):
		s, err := cli.openForCLI(ctx, path, "")
		if err != nil {
			return fmt.Errorf("flows check --against: %w", err)
		}
		defer func() { _ = s.Close() }() // read only: nothing to lose
		db, path = s, redactURL(path)
	case strings.Contains(path, "://"):
		return fmt.Errorf("flows check --against: %s: a bbolt file or a postgres:// URL", redactURL(path))
	default:
		if _, err := os.Stat(path); err != nil { //nolint:gosec // the operator names the file on their own command line
			return fmt.Errorf("flows check --against: no database at %s", path)
		}
		s, err := store.Open(path)
		if errors.Is(err, store.ErrLocked) {
			return fmt.Errorf("flows check --against: the server is using %s: check a copy made while it was stopped, or reload (SIGHUP): the reload logs the conversations the new flows strand", path)
		}
		if err != nil {
			return err
		}
		defer func() { _ = s.Close() }() // read only: nothing to lose
		db = s
	}
	got, checked, err := engine.Stranded(ctx, db, time.Now())
	if err != nil {
		return err
	}
	if len(got) == 0 {
		fmt.Fprintf(cli.Stdout, "%s: no live conversation stranded (%d checked)\n", path, checked)
		return nil
	}
	fmt.Fprintf(cli.Stdout, "%s: %d of %d live conversation(s) stranded; their next text:\n", path, len(got), checked)
	for _, s := range got {
		st := s.Stale
		where := st.Flow
		if st.Node != "" {
			where += "/" + st.Node
		}
		fmt.Fprintf(cli.Stdout, "  %s %s (%s, %s): %s\n", bot.Mask(s.Phone), where, st.Status, st.Damage, st.Effect())
	}
	return nil
}

// redactURL is u without its password, for output.
func redactURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return "the URL given"
	}
	return parsed.Redacted()
}

// conversationPage is the console page of phone's conversation.
func conversationPage(phone string) string {
	return console.Path + "/conversation?phone=" + url.QueryEscape(phone)
}

func (cli *CLI) conversations(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("conversations", flag.ContinueOnError)
	dbPath := fs.String("db", "", dbFlagHelp)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: conversations [PHONE] [--json]", errUsage)
	}
	page := console.Path
	if len(pos) == 1 {
		page = conversationPage(pos[0])
	}
	db, err := cli.openForCLI(ctx, *dbPath, page)
	if err != nil {
		return err
	}
	defer db.Close()
	enc := json.NewEncoder(cli.Stdout)
	enc.SetIndent("", "  ")
	if len(pos) == 1 {
		c, err := db.Conversation(ctx, pos[0])
		if errors.Is(err, bot.ErrNotFound) {
			return fmt.Errorf("no conversation with %s", pos[0])
		} else if err != nil {
			return err
		}
		lines, err := db.TranscriptTail(ctx, pos[0], 0)
		if err != nil {
			return err
		}
		if *asJSON {
			return enc.Encode(struct {
				Conversation bot.Conversation `json:"conversation"`
				Transcript   []bot.Line       `json:"transcript"`
			}{c, lines})
		}
		fmt.Fprintf(cli.Stdout, "%s  status=%s flow=%s node=%s updated=%s\n\n", c.Phone, c.Status, c.Flow, c.Node, c.Updated.Format(time.RFC3339))
		for _, l := range lines {
			arrow := "<"
			if l.Dir == bot.In {
				arrow = ">"
			}
			status := ""
			if l.Status != "" {
				status = " [" + string(l.Status) + "]"
			}
			fmt.Fprintf(cli.Stdout, "%s %s %s%s\n", l.At.Format("2006-01-02 15:04:05"), arrow, strings.ReplaceAll(l.Body, "\n", " / "), status)
		}
		return nil
	}
	cs, err := allConversations(ctx, db)
	if err != nil {
		return err
	}
	if *asJSON {
		if cs == nil {
			cs = []bot.Conversation{}
		}
		return enc.Encode(cs)
	}
	tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PHONE\tSTATUS\tFLOW\tNODE\tUPDATED")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Phone, c.Status, c.Flow, c.Node, c.Updated.Format(time.RFC3339))
	}
	return tw.Flush()
}

func (cli *CLI) forget(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("forget", flag.ContinueOnError)
	dbPath := fs.String("db", "", dbFlagHelp)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: forget PHONE", errUsage)
	}
	db, err := cli.openForCLI(ctx, *dbPath, conversationPage(pos[0]))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Forget(ctx, pos[0]); errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("nothing stored about %s", pos[0])
	} else if err != nil {
		return err
	}
	if err := db.Close(); err != nil { // Close scrubs the freed pages: only then is it gone from the file
		return err
	}
	fmt.Fprintf(cli.Stdout, "forgot %s\n", pos[0])
	return nil
}

func (cli *CLI) restore(args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	dbPath := fs.String("db", "", "bbolt file to replace (default TEXTFIX_DB)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: restore FILE [--db PATH]", errUsage)
	}
	cfg, err := cli.config()
	if err != nil {
		return err
	}
	dst := *dbPath
	if dst == "" {
		if cfg.DatabaseURL != "" {
			return errors.New("restore puts a backup of the bbolt file in place of TEXTFIX_DB; with TEXTFIX_DATABASE_URL, restore with PostgreSQL's own tools (or name the file with --db)")
		}
		dst = cfg.DB
	}
	err = store.Restore(pos[0], dst)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("the server is using %s: stop it, then restore", dst)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(cli.Stdout, "restored %s from %s (checked); start the server\n", dst, pos[0])
	return nil
}

// allConversations lists every conversation, most recently updated first,
// a page at a time.
func allConversations(ctx context.Context, db bot.ConversationReader) ([]bot.Conversation, error) {
	const page = 500
	var all []bot.Conversation
	for {
		cs, total, err := db.RecentConversations(ctx, bot.ConversationFilter{}, len(all), page)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
		if len(cs) < page || len(all) >= total {
			return all, nil
		}
	}
}
