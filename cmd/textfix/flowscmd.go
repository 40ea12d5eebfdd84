package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/flows/graphsvg"
	"github.com/textfix/textfix/flowtest"
)

// flowsFolder returns the folder of flows a flows command works on: dir
// when given, else TEXTFIX_FLOWS_DIR, else the embedded library; and its
// name for messages.
func (cli *CLI) flowsFolder(dir string) (fs.FS, string, error) {
	if dir == "" {
		cfg, err := cli.config()
		if err != nil {
			return nil, "", err
		}
		dir = cfg.FlowsDir
	}
	if dir == "" {
		return flows.Embedded(), "embedded library", nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, "", fmt.Errorf("%s is not a folder", dir)
	}
	return os.DirFS(dir), dir, nil
}

// loadFlows loads the flows of fsys, printing the problems and returning
// errFailed when any flow is refused.
func (cli *CLI) loadFlows(fsys fs.FS, where string) (*flows.Library, error) {
	lib, problems, err := flows.Load(fsys)
	if errors.Is(err, flows.ErrInvalid) {
		for _, p := range problems {
			fmt.Fprintln(cli.Stdout, p)
		}
		fmt.Fprintf(cli.Stdout, "%s: FAILED (%d problem(s)); run textfix flows check\n", where, len(problems))
		return nil, errFailed
	}
	return lib, err
}

// flowsTest plays the conversation scripts (*.test.yaml) beside the flows.
func (cli *CLI) flowsTest(args []string) error {
	flags := flag.NewFlagSet("flows test", flag.ContinueOnError)
	pos, err := parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: flows test [DIR]", errUsage)
	}
	dir := ""
	if len(pos) == 1 {
		dir = pos[0]
	}
	fsys, where, err := cli.flowsFolder(dir)
	if err != nil {
		return fmt.Errorf("flows test: %w", err)
	}
	lib, err := cli.loadFlows(fsys, where)
	if err != nil {
		return err
	}
	files, bad, err := flowtest.Load(fsys)
	if err != nil {
		return err
	}
	engine := flowtest.Engine(lib)

	passed, failed := 0, 0
	tested := map[string]bool{}
	for _, f := range files {
		for _, r := range flowtest.Run(engine, f) {
			if r.Passed() {
				passed++
				fmt.Fprintf(cli.Stdout, "PASS  %s: %s\n", r.File, r.Script)
			} else {
				failed++
				cli.printFailure(r)
			}
		}
		tested[scriptStem(f.Name)] = true
	}
	for _, err := range bad {
		fmt.Fprintf(cli.Stdout, "ERROR %s\n", err)
		var inv *flowtest.InvalidError
		if errors.As(err, &inv) {
			tested[scriptStem(inv.File)] = true
		}
	}
	if len(files)+len(bad) == 0 {
		fmt.Fprintf(cli.Stdout, "%s: no conversation scripts (*.test.yaml)\n", where)
	} else {
		var untested []string
		for _, t := range lib.Flows {
			if !tested[strings.TrimSuffix(strings.TrimSuffix(t.File, ".yaml"), ".yml")] {
				untested = append(untested, t.File)
			}
		}
		if len(untested) > 0 {
			fmt.Fprintf(cli.Stdout, "note: no scripts for %s\n", strings.Join(untested, ", "))
		}
	}
	summary := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if len(bad) > 0 {
		summary += fmt.Sprintf(", %d invalid script file(s)", len(bad))
	}
	fmt.Fprintln(cli.Stdout, summary)
	if failed > 0 || len(bad) > 0 {
		return errFailed
	}
	return nil
}

// scriptStem is the flow file name a script file goes with, less ".yaml".
func scriptStem(name string) string {
	return strings.TrimSuffix(strings.TrimSuffix(name, ".test.yaml"), ".test.yml")
}

func (cli *CLI) printFailure(r flowtest.Result) {
	f := r.Failure
	fmt.Fprintf(cli.Stdout, "FAIL  %s: %s\n", r.File, r.Script)
	fmt.Fprintf(cli.Stdout, "      step %d: send %q\n", f.Step, f.Send)
	for _, p := range f.Problems {
		fmt.Fprintf(cli.Stdout, "      %s\n", p)
	}
	if f.Flow == "" && f.Node == "" && f.Status == "" {
		return // the script was refused before the text was sent
	}
	fmt.Fprintf(cli.Stdout, "      got  %s\n", f.At())
	if len(f.Replies) == 0 {
		fmt.Fprintln(cli.Stdout, "      the bot said nothing")
	}
	for _, m := range f.Replies {
		m = strings.Join(strings.Fields(m), " ")
		if r := []rune(m); len(r) > 200 {
			m = string(r[:197]) + "..."
		}
		fmt.Fprintf(cli.Stdout, "      bot: %s\n", m)
	}
}

// flowsNew writes a skeleton flow and its starter scripts.
func (cli *CLI) flowsNew(args []string) error {
	flags := flag.NewFlagSet("flows new", flag.ContinueOnError)
	dir := flags.String("dir", ".", "folder to write ID.yaml and ID.test.yaml into")
	pos, err := parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: flows new ID [--dir DIR]", errUsage)
	}
	id := pos[0]
	if !flows.ValidID(id) {
		return fmt.Errorf("%w: flows new: ID %q must be lowercase letters, digits and dashes", errUsage, id)
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		return fmt.Errorf("flows new: %s is not a folder", *dir)
	}
	flow, script, err := flows.Skeleton(id, time.Now())
	if err != nil {
		return err
	}
	flowPath := filepath.Join(*dir, id+".yaml")
	scriptPath := filepath.Join(*dir, id+".test.yaml")
	for _, p := range []string{flowPath, scriptPath} {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("flows new: %s already exists; not overwriting", p)
		}
	}
	if err := writeNew(flowPath, flow); err != nil {
		return fmt.Errorf("flows new: %w", err)
	}
	if err := writeNew(scriptPath, script); err != nil {
		return fmt.Errorf("flows new: %w", err)
	}
	fmt.Fprintf(cli.Stdout, "wrote the skeleton %s and its scripts %s\n"+
		"It is not a flow yet: flows check refuses it until every TODO in it is replaced. Then:\n  textfix flows check %s\n  textfix flows test %s\n",
		flowPath, scriptPath, *dir, *dir)
	return nil
}

// writeNew creates path with data, failing if it exists.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644) //nolint:gosec // a flow file the operator asked for, readable like the rest of their source
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}

// flowsGraph prints a flow's picture.
func (cli *CLI) flowsGraph(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("flows graph", flag.ContinueOnError)
	format := flags.String("format", "mermaid", "mermaid, dot or svg")
	dir := flags.String("dir", "", "flows folder (default TEXTFIX_FLOWS_DIR or the embedded library)")
	pos, err := parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: flows graph ID [--format mermaid|dot|svg] [--dir DIR]", errUsage)
	}
	switch *format {
	case "mermaid", "dot", "svg":
	default:
		return fmt.Errorf("%w: flows graph: --format must be mermaid, dot or svg, not %q", errUsage, *format)
	}
	fsys, where, err := cli.flowsFolder(*dir)
	if err != nil {
		return fmt.Errorf("flows graph: %w", err)
	}
	lib, err := cli.loadFlows(fsys, where)
	if err != nil {
		return err
	}
	t := lib.Flow(pos[0])
	if t == nil {
		ids := make([]string, len(lib.Flows))
		for i, t := range lib.Flows {
			ids[i] = t.ID
		}
		return fmt.Errorf("flows graph: no flow %q in %s (%s)", pos[0], where, strings.Join(ids, ", "))
	}
	switch *format {
	case "mermaid":
		_, err = fmt.Fprint(cli.Stdout, t.Mermaid())
	case "dot":
		_, err = fmt.Fprint(cli.Stdout, t.DOT(nil))
	case "svg":
		var svg []byte
		if svg, err = graphsvg.Flow(ctx, t, nil); err == nil {
			_, err = cli.Stdout.Write(svg)
		}
	}
	return err
}
