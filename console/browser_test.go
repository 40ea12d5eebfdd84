package console_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/twilio/twiliotest"
)

// An operator runs a whole handoff in a real browser: log in, open the
// waiting ticket, reply and see the fake Twilio's delivery status arrive,
// write and publish a custom fix page and open its link, close the
// handoff after retrying a failed text, walk a flow in Try it, and read
// where people get stuck. The screens are saved as screenshots.
func TestConsoleInBrowser(t *testing.T) {
	ctx := stacktest.NewBrowser(t) // first: skipped under -short
	shots := t.TempDir()
	// The real stack at its own public URL, so the fake's status
	// callbacks and the bot's links reach it.
	s := stacktest.New(t, stacktest.Options{Token: testToken, Password: consolePassword, Operators: []string{operator}, OwnURL: true})
	const person = personA
	// Some traffic for the inbox and the statistics.
	s.Say("+15555550111", "claude code 403 unusual activity on my api key")
	s.Say("+15555550111", "yes")
	s.Say("+15555550112", "claude code 403")
	s.Say("+15555550112", "the purple elephant") // not an answer to "How does Claude Code sign in?": a sample
	s.Say("+15555550113", "claude code keeps saying 401")
	s.Say(person, "claude code 403")
	s.Say(person, "it says forbidden, I'm on the team plan")
	s.Say(person, "HUMAN")
	s.Twilio.WaitFor(t, 1, 5*time.Second) // the operator's notification

	var mu sync.Mutex
	var problems []string
	cctx, stop := context.WithCancel(ctx)
	defer stop()
	messages := chromedp.Console(cctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if strings.HasSuffix(m.URL, "/favicon.ico") {
				continue // browsers ask for one; textfix has none
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") || m.Type == chromedp.ConsoleError {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		stacktest.SaveScreenshot(t, shots, name, png)
	}
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	// poll evaluates js until it is true, across page loads.
	poll := func(what, js string, timeout time.Duration) {
		t.Helper()
		var err error
		for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			var ok bool
			if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
				return
			}
		}
		t.Fatalf("waiting for %s (%v)", what, err)
	}

	// Log in.
	do("log in",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(s.Base+"/console"),
		chromedp.WaitVisible(chromedp.CSS("#password")),
	)
	shot("console-login.png")
	do("log in",
		chromedp.SendKeys(chromedp.CSS("#password"), consolePassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".tickets")),
	)
	if got := text(".ticket"); !strings.Contains(got, "#1") || !strings.Contains(got, "***0101") || !strings.Contains(got, "waiting") {
		t.Errorf("inbox ticket: %q", got)
	}
	shot("console-inbox.png")

	// Open the waiting ticket and reply.
	const reply = "Hi, this is Sam from textfix. Which model were you calling when the 403 came back?"
	do("open the ticket", chromedp.Click(chromedp.CSS(".ticket .go")), chromedp.WaitVisible(chromedp.CSS("#transcript")))
	do("reply",
		chromedp.SendKeys(chromedp.CSS("#reply"), reply),
		chromedp.Submit(chromedp.CSS("#reply")),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	)
	var relay twiliotest.Message
	for _, m := range s.Twilio.WaitFor(t, 2, 5*time.Second) {
		if m.To == person {
			relay = m
		}
	}
	if relay.Body != reply {
		t.Fatalf("person received %q", relay.Body)
	}
	// Twilio reports the delivery; the open page picks it up by itself.
	poll("the reply marked sent", `[...document.querySelectorAll("#transcript .line.out .badge")].some(b => b.textContent === "sent")`, 10*time.Second)
	s.Twilio.Deliver(t, relay.SID, "delivered")
	poll("the delivery status in the transcript", `(() => { const l = [...document.querySelectorAll("#transcript .line.out")].pop(); return !!l && l.textContent.includes("Which model") && l.querySelector(".badge").textContent === "delivered"; })()`, 15*time.Second)
	shot("console-conversation.png")

	// A custom fix page, with its live preview.
	do("open the editor", chromedp.Click(chromedp.CSS(`a[href$="/page"]`)), chromedp.WaitVisible(chromedp.CSS("#title")))
	do("write the page",
		chromedp.SendKeys(chromedp.CSS("#title"), "Ask your admin to enable Opus for the team"),
		chromedp.SendKeys(chromedp.CSS("#summary"), "Your workspace does not allow the model Claude Code asked for."),
		chromedp.SendKeys(chromedp.CSS("#steps"), "1. Ask a workspace admin to open **Settings → Models**\n2. Enable the model for your workspace\n3. Or switch model for now with the command below, then try again"),
		chromedp.SendKeys(chromedp.CSS("#commands"), "claude --model sonnet"),
	)
	previewTitle := ""
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("iframe[name=preview]")))
		if err != nil || len(nodes) == 0 {
			t.Fatalf("preview frame: %v", err)
		}
		qctx, cancel := context.WithTimeout(ctx, time.Second)
		previewTitle, _ = chromedp.Run(qctx, chromedp.Text(chromedp.CSS("h1"), chromedp.FromNode(nodes[0])))
		cancel()
		if strings.Contains(previewTitle, "enable Opus") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(previewTitle, "enable Opus") {
		t.Errorf("the live preview shows %q", previewTitle)
	}
	shot("console-editor-preview.png")

	do("publish", chromedp.Click(chromedp.CSS(`button[name=publish]`)), chromedp.WaitVisible(chromedp.CSS(".flash.ok")))
	flash := text(".flash.ok")
	link := regexp.MustCompile(`https?://\S+/f/[0-9A-Za-z]{13}`).FindString(flash)
	if link == "" {
		t.Fatalf("no link in %q", flash)
	}
	var pageSMS string
	for _, m := range s.Twilio.WaitFor(t, 3, 5*time.Second) {
		if m.To == person {
			pageSMS = m.Body
		}
	}
	if !strings.HasPrefix(pageSMS, link+"\n") {
		t.Errorf("the page's SMS %q does not start with %s", pageSMS, link)
	}
	do("open the published page",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`button[data-copy="cmd1"]`)),
	)
	if h1 := text("h1"); h1 != "Ask your admin to enable Opus for the team" {
		t.Errorf("published page h1 %q", h1)
	}
	shot("console-published-page.png")

	// Close the handoff; the notice fails once at Twilio and is retried
	// from the outbox view.
	s.Twilio.FailNext(400, 21614, "'To' number is not a valid mobile number")
	do("close",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(s.Base+"/console/conversation?phone="+url.QueryEscape(person)),
		chromedp.WaitVisible(chromedp.CSS("#transcript")),
		chromedp.Click(chromedp.CSS(`form[action$="/close"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	)
	if f := text(".flash.ok"); !strings.Contains(f, "Ticket #1 closed") {
		t.Errorf("close: %q", f)
	}
	do("outbox", chromedp.Navigate(s.Base+"/console/outbox"), chromedp.WaitVisible(chromedp.CSS("#outbox")))
	poll("the failed notice", `!!document.querySelector('form[action$="/retry"]')`, 10*time.Second)
	if row := text("#outbox tbody tr"); !strings.Contains(row, "21614") || !strings.Contains(row, "failed") {
		t.Errorf("outbox row %q", row)
	}
	shot("console-outbox.png")
	do("retry", chromedp.Click(chromedp.CSS(`form[action$="/retry"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash.ok")))
	var notice string
	for _, m := range s.Twilio.WaitFor(t, 4, 5*time.Second) {
		if m.To == person {
			notice = m.Body
		}
	}
	if !strings.Contains(notice, "back with the textfix bot") {
		t.Errorf("close notice %q", notice)
	}

	// Try it: walk a flow to a fix, as a phone would.
	do("try it", chromedp.Navigate(s.Base+"/console/try"), chromedp.WaitVisible(chromedp.CSS("#say")))
	for _, say := range []string{"claude code 403", "2", "3", "it says region not supported"} {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#thread .msg").length`))
		if err != nil {
			t.Fatal(err)
		}
		do("text "+say, chromedp.SendKeys(chromedp.CSS("#say"), say), chromedp.Submit(chromedp.CSS("#say")))
		poll("the bot's answer to "+say, `document.querySelectorAll("#thread .msg").length > `+strconv.Itoa(n+1), 5*time.Second)
		do("page ready", chromedp.WaitVisible(chromedp.CSS("#say")))
	}
	fix, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const a = [...document.querySelectorAll("#thread .msg.them a")].pop(); return a ? a.href : ""; })()`))
	if err != nil || !strings.Contains(fix, "/f/") {
		t.Fatalf("no fix link in the simulator (%v): %q", err, fix)
	}
	if state := text(".facts"); !strings.Contains(state, "fixed") {
		t.Errorf("simulator state %q", state)
	}
	shot("console-try.png")
	do("open the fix", chromedp.Click(chromedp.CSS(`#thread .msg.them:last-child a[href*="/f/"]`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := text("h1"); h1 == "" || strings.Contains(h1, "couldn't find") {
		t.Errorf("the simulator's fix link opened %q", h1)
	}

	// Where people get stuck.
	do("stats", chromedp.Navigate(s.Base+"/console/stats"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	shot("console-stats.png")
	do("flow stats", chromedp.Click(chromedp.CSS(`a[href="/console/stats/claude-code-403"]`)), chromedp.WaitVisible(chromedp.CSS(".picture img")))
	poll("the flow picture", `(() => { const i = document.querySelector(".picture img"); return i.complete && i.naturalWidth > 0; })()`, 20*time.Second)
	if q := text("table.list tbody"); !strings.Contains(q, "the purple elephant") {
		t.Errorf("unmatched answers not shown: %q", q)
	}
	shot("console-tree-stats.png")

	stop()
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser console: %s", p)
	}
}

// Every console page fits a phone: at 390 and 360 px wide nothing
// scrolls sideways (the document is no wider than the viewport), with a
// waiting ticket whose summary is long, a long transcript line and a
// long unbroken word. The inbox, the conversation and the fix page editor
// are saved as screenshots at 390 px.
func TestConsoleAtPhoneWidth(t *testing.T) {
	ctx := stacktest.NewBrowser(t) // first: skipped under -short
	shots := t.TempDir()
	s := stacktest.New(t, stacktest.Options{Token: testToken, Password: consolePassword, Operators: []string{operator}, OwnURL: true})
	s.Say("+15555550111", "claude code 403 unusual activity on my api key")
	s.Say(personA, `claude code keeps saying "request failed with status code 403" since this morning, `+
		`https://console.anthropic.com/settings/keys/a-very-long-address-without-a-single-break-0123456789abcdef`)
	s.Say(personA, "I use an api key")
	s.Say(personA, "HUMAN")
	s.Twilio.WaitFor(t, 1, 5*time.Second)

	pages := []struct{ name, path, ready string }{
		{"login", "/console/login", "#password"},
		{"inbox", "/console", ".tickets"},
		{"inbox-handoff", "/console?status=handoff", "table.list"},
		{"conversation", "/console/conversation?phone=" + url.QueryEscape(personA), "#transcript"},
		{"editor", "/console/tickets/1/page", "#title"},
		{"try", "/console/try", "#say"},
		{"outbox", "/console/outbox", "#outbox"},
		{"stats", "/console/stats", "table.list"},
		{"flow", "/console/stats/claude-code-403", ".picture img"},
	}
	for _, width := range []int64{390, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if p.name == "inbox" && width == 390 {
				// Log in on the way (the login page was measured first).
				if err := chromedp.Do(ctx,
					chromedp.SendKeys(chromedp.CSS("#password"), consolePassword),
					chromedp.Submit(chromedp.CSS("#password")),
					chromedp.WaitVisible(chromedp.CSS(".tickets"))); err != nil {
					t.Fatalf("log in: %v", err)
				}
			}
			if p.name == "login" && width != 390 {
				continue // signed in by now
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(s.Base+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready))); err != nil {
				t.Fatalf("%s at %d: %v", p.name, width, err)
			}
			// Widest names the first element past the edge that no scrolling
			// box holds (a wide table may scroll inside its own box).
			got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
				Viewport, Document float64
				Widest             string
			}](`(() => {
				const edge = `+strconv.FormatInt(width, 10)+`;
				const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; } return false; };
				let widest = "";
				for (const el of document.querySelectorAll("body *")) {
					const r = el.getBoundingClientRect();
					if (r.right > edge + 0.5 && !scrolls(el)) {
						widest = el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") + " right=" + Math.round(r.right);
						break;
					}
				}
				return {Viewport: window.innerWidth, Document: document.documentElement.scrollWidth, Widest: widest};
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if got.Viewport != float64(width) || got.Document > float64(width) {
				t.Errorf("%s at %d px: the document is %v px wide in a %v px viewport (first element past the edge: %s)",
					p.name, width, got.Document, got.Viewport, got.Widest)
			}
			if width == 390 && strings.Contains("inbox conversation editor", p.name) && !strings.Contains(p.name, "-") {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				stacktest.SaveScreenshot(t, shots, "console-"+p.name+"-390.png", png)
			}
		}
	}
}
