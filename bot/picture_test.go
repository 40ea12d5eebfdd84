package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/segment"
)

// screenshot403 is what OCR reads in a screenshot of Claude Code's 403,
// with a key on screen that must never be kept.
const screenshot403 = "~/shop $ export ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ\n" +
	`API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Request not allowed"}}`

func picture(body, read, summary string) bot.Inbound {
	return bot.Inbound{From: "+15555550100", Body: body, NumMedia: 1, Picture: &bot.Picture{Text: read, Summary: summary}, PageID: "pic"}
}

// The words read in a picture are used as typed, redacted like typed
// words, kept marked as a screenshot's, and said back before the reply.
func TestPictureAsFirstText(t *testing.T) {
	e := newEngine(t)
	in := picture("", screenshot403, `403 permission_error "Request not allowed"`)
	r, ch := e.Handle(bot.Conversation{}, in, T0)
	c := r.Conversation
	if c.Flow != "claude-code-403" {
		t.Fatalf("flow %q, want claude-code-403", c.Flow)
	}
	if len(r.Replies) != 1 || !strings.HasPrefix(r.Replies[0], `From your screenshot: 403 permission_error "Request not allowed".`+"\n") {
		t.Errorf("replies %q", r.Replies)
	}
	if r.Missed || len(c.Pictures) != 1 || c.Pictures[0] != 1 {
		t.Errorf("missed %v, pictures %v", r.Missed, c.Pictures)
	}
	if want := bot.ScreenshotMark + `403 permission_error "Request not allowed"`; c.FirstText != want {
		t.Errorf("FirstText %q, want %q", c.FirstText, want)
	}
	line := ch.Lines[0].Body
	if !strings.HasPrefix(line, bot.ScreenshotMark+"~/shop $ export") || strings.Contains(line, "sk-ant-api03") {
		t.Errorf("inbound line %q: want the words read, marked and redacted", line)
	}
	if strings.Contains(strings.Join(c.Said, " "), "sk-ant-api03") {
		t.Errorf("a key read in the picture is kept: %q", c.Said)
	}
	if typed, read := bot.SplitShown(line); typed != "" || !strings.HasPrefix(read, "~/shop") {
		t.Errorf("SplitShown(%q) = %q, %q", line, typed, read)
	}
}

// Answers taken from a picture say so, on the fix page and to operators,
// and do not quote the picture's words as the person's.
func TestPictureAnswerProvenance(t *testing.T) {
	e := newEngine(t)
	c, _ := say(e, bot.Conversation{}, "claude code 403", "api key")
	if c.Node != "smoke-test" {
		t.Fatalf("at %s, want smoke-test", c.Node)
	}
	read := "$ curl https://api.anthropic.com/v1/messages\nHTTP/2 403\n" + `{"type":"error","error":{"type":"forbidden","message":"Request not allowed"}}`
	r := e.Step(c, picture("", read, `403 "Request not allowed"`), c.Updated.Add(time.Minute))
	if r.Page == nil {
		t.Fatalf("no fix page: %q at %s", r.Replies, r.Conversation.Node)
	}
	var direct, inferred *bot.Answer
	for i, a := range r.Page.Answers {
		switch a.Node {
		case "sign-in":
			if a.Picture || a.Source() != "" {
				t.Errorf("typed answer %+v says %q", a, a.Source())
			}
		case "smoke-test":
			direct = &r.Page.Answers[i]
		case "body-says":
			inferred = &r.Page.Answers[i]
		}
	}
	for name, a := range map[string]*bot.Answer{"the question asked": direct, "the next one": inferred} {
		switch {
		case a == nil:
			t.Errorf("%s: not answered; answers %+v", name, r.Page.Answers)
		case !a.Picture || a.Source() != "from your screenshot":
			t.Errorf("%s: %+v says %q, want \"from your screenshot\"", name, a, a.Source())
		case a.Said() != a.Label:
			t.Errorf("%s: Said() = %q, want the label alone", name, a.Said())
		}
	}
	_, rs := say(e, r.Conversation, "HUMAN")
	if h := rs[0].Handoff; h == nil || !strings.Contains(h.Summary, "403 forbidden (from your screenshot)") {
		t.Errorf("operator summary %+v does not say which answer came from a screenshot", h)
	}
}

// A picture's words are never a keyword: only typed ones are.
func TestPictureIsNoKeyword(t *testing.T) {
	e := newEngine(t)
	for _, read := range []string{"STOP", "HUMAN", "RESET"} {
		r := e.Step(bot.Conversation{}, picture("", read, ""), T0)
		if r.OptOut || r.Handoff != nil || r.Keyword != bot.KwNone {
			t.Errorf("a picture reading %q acted as the keyword: %+v", read, r)
		}
		if len(r.Replies) != 1 || r.Replies[0] != bot.UnreadPicture {
			t.Errorf("a picture reading %q: replies %q, want %q", read, r.Replies, bot.UnreadPicture)
		}
	}
	r := e.Step(bot.Conversation{}, picture("STOP", screenshot403, "403"), T0)
	if !r.OptOut {
		t.Errorf("typed STOP with a picture did not opt out")
	}
}

// HELP says screenshots work and are deleted once read, when they are
// read, and stays complete for CTIA within two GSM-7 segments.
func TestHelpWithScreenshots(t *testing.T) {
	e := newEngine(t)
	e.Screenshots = true
	r := e.Step(bot.Conversation{}, bot.Inbound{From: "+15555550100", Body: "HELP"}, T0)
	if len(r.Replies) != 1 {
		t.Fatalf("HELP: %q", r.Replies)
	}
	help := r.Replies[0]
	for _, want := range []string{"textfix", "screenshot", "deleted", "HUMAN", "STOP", "Msg & data rates may apply"} {
		if !strings.Contains(help, want) {
			t.Errorf("HELP %q lacks %q", help, want)
		}
	}
	if n, enc := segment.Count(help); n > 2 || enc != segment.EncodingGSM7 {
		t.Errorf("HELP is %d %s segments: %q", n, enc, help)
	}
}

// A summary with characters outside GSM-7 never makes the reply UCS-2.
func TestPictureSummaryStaysGSM7(t *testing.T) {
	e := newEngine(t)
	r := e.Step(bot.Conversation{}, picture("", screenshot403, "403 `permission_error` “Request not allowed” ✻"), T0)
	if len(r.Replies) == 0 {
		t.Fatal("no reply")
	}
	if _, enc := segment.Count(r.Replies[0]); enc != segment.EncodingGSM7 {
		t.Errorf("reply is %s: %q", enc, r.Replies[0])
	}
}

// A picture read after the webhook answered: Reading claims it with one
// line, HandleLater stores the text read and queues the replies to the
// outbox, each with its transcript line.
func TestHandleLater(t *testing.T) {
	db := deskStore(t)
	e := newEngine(t)
	d := &bot.Desk{BaseURL: "https://textfix.test"}
	const phone = "+15555550100"
	ctx := context.Background()
	var claimed []bot.Line
	if err := deskUpdate(t, db, func(tx bot.Tx) (err error) { claimed, err = d.Reading(tx, phone, T0); return err }); err != nil {
		t.Fatal(err)
	}
	if got := bot.Bodies(claimed); len(got) != 1 || got[0] != bot.ReadingPicture {
		t.Fatalf("Reading: %q", got)
	}
	in := picture("", screenshot403, `403 permission_error "Request not allowed"`)
	in.From = phone
	if err := deskUpdate(t, db, func(tx bot.Tx) error { return d.HandleLater(tx, e, in, T0.Add(12*time.Second)) }); err != nil {
		t.Fatal(err)
	}
	lines, err := db.Transcript(ctx, phone)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 || lines[0].Body != bot.ReadingPicture || lines[1].Dir != bot.In || !strings.HasPrefix(lines[1].Body, bot.ScreenshotMark) ||
		lines[2].Dir != bot.Out || lines[2].Status != bot.Delivery(bot.OutQueued) || !strings.HasPrefix(lines[2].Body, "From your screenshot: ") {
		t.Fatalf("transcript %+v", lines)
	}
	msgs, err := db.OutboxList(ctx, 10, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Kind != bot.OutReply || msgs[0].To != phone || msgs[0].Body != lines[2].Body || msgs[0].Line != lines[2].Seq {
		t.Fatalf("outbox %+v", msgs)
	}

	// Nothing is said to a number that opted out, or that a person has.
	for _, text := range []string{"STOP", "HUMAN"} {
		if err := deskUpdate(t, db, func(tx bot.Tx) error {
			_, err := d.Handle(tx, e, bot.Inbound{From: phone, Body: text}, T0.Add(time.Minute))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := deskUpdate(t, db, func(tx bot.Tx) (err error) { claimed, err = d.Reading(tx, phone, T0); return err }); err != nil {
			t.Fatal(err)
		}
		if len(claimed) != 0 {
			t.Errorf("after %s, Reading says %q", text, bot.Bodies(claimed))
		}
		if text == "STOP" {
			if err := deskUpdate(t, db, func(tx bot.Tx) error {
				_, err := d.Handle(tx, e, bot.Inbound{From: phone, Body: "START"}, T0.Add(time.Minute))
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
