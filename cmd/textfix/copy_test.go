package main_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cli runs the textfix binary with env and args.
func cli(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(textfixBinary(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// consoleLogin signs in to p's console with password and returns a client
// holding the session cookie.
func consoleLogin(t *testing.T, p *proc, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get("http://" + p.addr + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field on the login page:\n%s", body)
	}
	resp, err = c.PostForm("http://"+p.addr+"/console/login", url.Values{"csrf": {string(m[1])}, "password": {password}, "next": {"/console"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login: %s", resp.Status)
	}
	return c
}

// page GETs path from p with c and returns the body, without what
// differs between two renderings of the same data (CSRF tokens).
func page(t *testing.T, c *http.Client, p *proc, path string) string {
	t.Helper()
	resp, err := c.Get("http://" + p.addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	return csrfRE.ReplaceAllString(string(body), `name="csrf" value="…"`)
}

// store copy moves a stopped server's bbolt file into PostgreSQL: the
// console shows the same pages (to the same logged-in browser: sessions
// move too), conversations --json the same data, fix links keep working,
// and ticket numbers go on after the copied ones. A second copy refuses
// unless --force. The CLI then works on PostgreSQL while a server runs.
func TestStoreCopyRoundTrip(t *testing.T) {
	dbURL := database(t)
	file := filepath.Join(t.TempDir(), "textfix.db")
	env := []string{"TEXTFIX_CONSOLE_PASSWORD=pw", "TEXTFIX_OPERATOR_PHONES=+15557600009"}
	p := start(t, append([]string{"TEXTFIX_DB=" + file}, env...)...)
	const fixed, waiting, operator = "+15557600001", "+15557600002", "+15557600009"
	var pageID string
	for i, body := range []string{"claude code 403", "2", "1"} {
		_, r, err := p.sms(fixed, fmt.Sprint("SMf", i), body)
		if err != nil {
			t.Fatal(err)
		}
		if m := pageIDs.FindString(strings.Join(r, " ")); m != "" {
			pageID = strings.TrimPrefix(m, "/f/")
		}
	}
	for i, s := range []struct{ from, body string }{{waiting, "curl gave me a 401"}, {waiting, "talk to a human"}, {operator, "#1 hello, looking now"}} {
		if code, _, err := p.sms(s.from, fmt.Sprint("SMw", i), s.body); err != nil || code != 200 {
			t.Fatalf("%d %v", code, err)
		}
	}
	browser := consoleLogin(t, p, "pw")
	// The outbox sends what the texts queued (the operator's notice and
	// reply) before the pages are compared.
	for i := 0; !strings.Contains(page(t, browser, p, "/console/outbox"), "Nothing waiting"); i++ {
		if i > 100 {
			t.Fatal("the outbox did not empty in 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	paths := []string{"/console", "/console/conversation?phone=" + url.QueryEscape(fixed),
		"/console/conversation?phone=" + url.QueryEscape(waiting), "/console/outbox", "/console/stats", "/f/" + pageID}
	before := map[string]string{}
	for _, path := range paths {
		before[path] = page(t, browser, p, path)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.wait(); err != nil {
		t.Fatal(err)
	}
	listing := func(db string) []string {
		var out []string
		for _, args := range [][]string{{"conversations", "--json"}, {"conversations", fixed, "--json"}, {"conversations", waiting, "--json"}} {
			code, stdout, stderr := cli(t, nil, append(args, "--db", db)...)
			if code != 0 {
				t.Fatalf("%v on %s: %d %s", args, db, code, stderr)
			}
			out = append(out, stdout)
		}
		return out
	}
	wantList := listing(file)

	if code, out, errOut := cli(t, nil, "store", "copy", "--from", file, "--to", dbURL); code != 0 || !strings.Contains(out, "copied 3 conversations") {
		t.Fatalf("store copy: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := cli(t, nil, "store", "copy", "--from", file, "--to", dbURL); code != 1 || !strings.Contains(errOut, "--force") {
		t.Errorf("a second copy: %d %q; want a refusal naming --force", code, errOut)
	}
	if code, _, errOut := cli(t, nil, "store", "copy", "--from", file, "--to", dbURL, "--force"); code != 0 {
		t.Errorf("copy --force: %d %s", code, errOut)
	}
	if got := listing(dbURL); strings.Join(got, "") != strings.Join(wantList, "") {
		t.Errorf("conversations --json after the copy:\n%s\nbefore:\n%s", got, wantList)
	}

	q := startPG(t, dbURL, env...)
	for _, path := range paths {
		if got := page(t, browser, q, path); got != before[path] {
			t.Errorf("GET %s differs after the copy:\n%s", path, diffLines(before[path], got))
		}
	}
	// The numbering goes on: the next handoff is ticket #2.
	if _, r, err := q.sms("+15557600003", "SMnext", "talk to a human"); err != nil || !strings.Contains(page(t, browser, q, "/console"), "#2") {
		t.Errorf("the next ticket after the copy: %q %v", r, err)
	}

	// The CLI on PostgreSQL while the server runs.
	if code, out, errOut := cli(t, []string{"TEXTFIX_DATABASE_URL=" + dbURL}, "pages", "revoke", pageID); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("pages revoke: %d %s %s", code, out, errOut)
	}
	resp, err := http.Get("http://" + q.addr + "/f/" + pageID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("a page revoked from the CLI answers %s", resp.Status)
	}
	if code, _, errOut := cli(t, nil, "forget", fixed, "--db", dbURL); code != 0 {
		t.Fatalf("forget: %d %s", code, errOut)
	}
	if code, _, _ := cli(t, nil, "conversations", fixed, "--db", dbURL); code != 1 {
		t.Errorf("conversations of a forgotten number: exit %d", code)
	}
	if code, out, errOut := cli(t, []string{"TEXTFIX_DATABASE_URL=" + dbURL}, "migrate"); code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("migrate on a migrated database: %d %s %s", code, out, errOut)
	}
}

// diffLines shows the lines of b that differ from a's.
func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("-%s\n+%s", x, y))
		}
		if len(out) > 10 {
			break
		}
	}
	return strings.Join(out, "\n")
}
