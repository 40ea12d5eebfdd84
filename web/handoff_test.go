package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/twilio/twiliotest"
)

const operator = "+15555559999"

// The whole operator loop over SMS, through the webhook and a fake Twilio.
func TestOperatorLoopOverSMS(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})

	e.Say(personA, "claude code 403")
	replies := e.Say(personA, "HUMAN")
	if len(replies) != 1 || !strings.Contains(replies[0], "text you back") {
		t.Fatalf("person told %q", replies)
	}
	got := e.Received(1, operator)
	if len(got) != 1 || !strings.Contains(got[0], "#1") || !strings.Contains(got[0], "***0101") || strings.Contains(got[0], personA) {
		t.Fatalf("operator notification %q (number must be masked)", got)
	}
	if m := e.Twilio.Messages()[0]; m.From != stacktest.BotNumber || m.StatusCallback != publicURL+statusPath {
		t.Errorf("sent from %q with callback %q", m.From, m.StatusCallback)
	}

	if r := e.Say(operator, "#1 hi"); len(r) != 0 {
		t.Errorf("operator got %q for a relay", r)
	}
	if got := e.Received(2, personA); len(got) != 1 || got[0] != "hi" {
		t.Fatalf("person received %q, want hi", got)
	}

	if r := e.Say(personA, "thanks, it still says 403 though"); len(r) > 1 {
		t.Errorf("person acknowledged more than once per quiet period: %q", r)
	}
	// At most one notification about a ticket per operator per minute.
	e.Skew.Store(int64(bot.NotifyEvery))
	e.Outbox.Wake()
	if got := e.Received(3, operator); len(got) != 2 || !strings.Contains(got[1], "it still says 403") {
		t.Fatalf("operator did not get the person's reply: %q", got)
	}

	if r := e.Say(operator, "#1 close"); len(r) != 1 || !strings.Contains(r[0], "closed") {
		t.Errorf("operator close reply %q", r)
	}
	if got := e.Received(4, personA); len(got) != 2 || !strings.Contains(got[1], "back with the textfix bot") {
		t.Fatalf("person not told of the close: %q", got)
	}
	if c := e.Conversation(personA); c.Status != bot.StatusIdle {
		t.Errorf("after close: status %s, want idle (back with the bot)", c.Status)
	}
	if r := e.Say(personA, "claude code 429"); len(r) != 1 || !strings.Contains(r[0], "1)") {
		t.Errorf("the bot does not answer again after close: %q", r)
	}

	// Delivery status from Twilio lands on the relayed line.
	relay := e.Twilio.Messages()[1]
	stacktest.ReadAll(t, e.Post(statusPath, statusForm("MessageSid", relay.SID, "MessageStatus", "delivered"), testToken, publicURL))
	found := false
	for _, l := range e.Transcript(personA) {
		if l.Body == "hi" && l.Dir == bot.Out {
			found = l.Status == "delivered" && l.MessageID == relay.SID
		}
	}
	if !found {
		t.Errorf("relayed line lacks its delivery status: %+v", e.Transcript(personA))
	}
}

func TestOperatorCommands(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})
	tests := []struct {
		send, want string
	}{
		{"list", "No open tickets"},
		{"hello?", "No open tickets"},
		{"#7 hi", "No open ticket #7"},
		{"#x", "Commands"},
		{"what is this", "No open tickets"},
	}
	for _, tt := range tests {
		if r := e.Say(operator, tt.send); len(r) != 1 || !strings.Contains(r[0], tt.want) {
			t.Errorf("%q → %q, want %q", tt.send, r, tt.want)
		}
	}
	// The operator's own texts never start a flow.
	if r := e.Say(operator, "claude code 403"); len(r) != 1 || strings.Contains(r[0], "curl") {
		t.Errorf("operator text ran a flow: %q", r)
	}
	if c := e.Conversation(operator); c.Flow != "" {
		t.Errorf("operator has a flow: %+v", c)
	}
	// Two tickets: plain text asks which; list shows both.
	e.Say(personA, "human")
	e.Say(personB, "talk to a human")
	if r := e.Say(operator, "hello there"); len(r) != 1 || !strings.Contains(r[0], "#1, #2") {
		t.Errorf("plain text with two tickets: %q", r)
	}
	if r := e.Say(operator, "list"); len(r) != 1 || !strings.Contains(r[0], "#1") || !strings.Contains(r[0], "#2") || strings.Contains(r[0], personA) {
		t.Errorf("list: %q", r)
	}
	// With one ticket left, plain text goes to it.
	e.Say(operator, "#1 close")
	e.Say(operator, "on it")
	var toB []string
	for _, m := range e.Twilio.WaitFor(t, 4, 5*time.Second) {
		if m.To == personB {
			toB = append(toB, m.Body)
		}
	}
	if len(toB) != 1 || toB[0] != "on it" {
		t.Errorf("person B received %q", toB)
	}
}

// An unknown number is a person even when it texts like an operator.
// The webhook wakes the outbox's sender after a text that queued a
// message (the operator's notification of a handoff), and only then: a
// text answered in the reply alone leaves the sender asleep.
func TestWakeOnlyWhenQueued(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})
	e.Say(personA, "claude code 403")
	e.Say(personA, "2")
	if n := e.Wakes.Load(); n != 0 {
		t.Errorf("%d wakes for texts that queued nothing, want 0", n)
	}
	e.Say(personA, "HUMAN")
	if n := e.Wakes.Load(); n != 1 {
		t.Errorf("%d wakes after a handoff, want 1", n)
	}
	if got := e.Received(1, operator); len(got) != 1 || !strings.Contains(got[0], "#1") {
		t.Fatalf("operator notification %q", got)
	}
}

func TestNonOperatorIsAPerson(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})
	if r := e.Say(personA, "#1 close"); len(r) != 1 || strings.Contains(r[0], "closed") {
		t.Errorf("a person's text was read as a command: %q", r)
	}
	if r := e.Say(personA, "list"); len(r) != 1 || strings.Contains(r[0], "tickets") {
		t.Errorf("a person's text was read as a command: %q", r)
	}
}

// An opted-out person gets nothing from the operator, and the operator is
// told why.
func TestOperatorCannotTextOptedOut(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})
	e.Say(personA, "human")
	e.Received(1, operator)
	if r := e.Say(personA, "STOP"); len(r) != 0 {
		t.Fatalf("STOP got a reply: %q", r)
	}
	notes := e.Received(2, operator)
	if len(notes) != 2 || !strings.Contains(notes[1], "opted out") {
		t.Errorf("operator not told of the opt-out: %q", notes)
	}
	if r := e.Say(operator, "#1 are you there?"); len(r) != 1 || !strings.Contains(r[0], "No open ticket") {
		t.Errorf("closed by STOP: %q", r)
	}

	// A ticket still open when the person opts out some other way (21610
	// from Twilio): the operator's text is refused at queue time...
	e.Say(personB, "human")
	e.Received(3, operator)
	stacktest.ReadAll(t, e.Post(smsPath, func() url.Values {
		f := stacktest.Text(personB, "SMoptout", "ARRET")
		f.Set("OptOutType", "STOP")
		return f
	}(), testToken, publicURL))
	e.Received(4, operator)
	if r := e.Say(operator, "hello"); len(r) != 1 || !strings.Contains(r[0], "No open tickets") {
		t.Errorf("after OptOutType STOP: %q", r)
	}
	for _, m := range e.Twilio.Messages() {
		if m.To == personA || m.To == personB {
			t.Errorf("sent to an opted-out person: %+v", m)
		}
	}
}

// ... and at send time: a message queued before the opt-out is not sent.
func TestOptOutCheckedAtSendTime(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})
	ctx := context.Background()
	err := e.DB.Update(ctx, "", func(tx bot.Tx) error {
		c, _ := tx.Conversation(personA)
		c.Status = bot.StatusOptedOut
		if err := tx.SaveConversation(c); err != nil {
			return err
		}
		return tx.Enqueue(&bot.OutMsg{To: personA, Body: "queued before STOP", Kind: "relay"})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Outbox.Wake()
	deadline := time.Now().Add(3 * time.Second)
	for {
		msgs, _ := e.DB.OutboxList(ctx, 10, false)
		if len(msgs) == 1 && msgs[0].State == bot.OutFailed {
			if !strings.Contains(msgs[0].Error, "opted out") {
				t.Errorf("error %q", msgs[0].Error)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("message not marked failed: %+v", msgs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(e.Twilio.Messages()); n != 0 {
		t.Errorf("%d messages reached Twilio", n)
	}
}

// Retry and give-up for each class of Twilio error.
func TestOutboxErrorClasses(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(tw *twiliotest.Server)
		state     bot.OutState
		delivered int // messages Twilio accepted in the end
		optedOut  bool
	}{
		{"429 then success", func(tw *twiliotest.Server) { tw.FailNext(429, 20429, "Too Many Requests") }, bot.OutSent, 1, false},
		{"500 then success", func(tw *twiliotest.Server) { tw.FailNext(500, 20500, "Internal Server Error") }, bot.OutSent, 1, false},
		{"non-JSON 502 then success", func(tw *twiliotest.Server) { tw.FailNextRaw(502, "<html>Bad Gateway</html>") }, bot.OutSent, 1, false},
		{"21610 is never retried", func(tw *twiliotest.Server) {
			tw.FailNext(400, 21610, "Attempt to send to unsubscribed recipient")
		}, bot.OutFailed, 0, true},
		{"21211 fails", func(tw *twiliotest.Server) { tw.FailNext(400, 21211, "Invalid 'To' Phone Number") }, bot.OutFailed, 0, false},
		{"21614 fails", func(tw *twiliotest.Server) { tw.FailNext(400, 21614, "'To' number is not a valid mobile number") }, bot.OutFailed, 0, false},
		{"always 503 gives up", func(tw *twiliotest.Server) {
			for i := 0; i < 3; i++ {
				tw.FailNext(503, 0, "Service Unavailable")
			}
		}, bot.OutFailed, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stacktest.New(t, stacktest.Options{Token: testToken, IdleOutbox: true})
			clock := time.Now()
			e.Outbox.MaxTries = 3
			e.Outbox.Now = func() time.Time { return clock }
			tt.fail(e.Twilio)
			ctx := context.Background()
			err := e.DB.Update(ctx, "", func(tx bot.Tx) error {
				return tx.Enqueue(&bot.OutMsg{To: personA, Body: "hello", Kind: "notice", Created: clock})
			})
			if err != nil {
				t.Fatal(err)
			}
			e.Outbox.Init()
			for i := 0; i < 4; i++ { // each flush sends what is due, then time passes
				if err := e.Outbox.Flush(ctx); err != nil {
					t.Fatal(err)
				}
				clock = clock.Add(11 * time.Minute)
			}
			msgs, _ := e.DB.OutboxList(ctx, 10, false)
			if len(msgs) != 1 || msgs[0].State != tt.state {
				t.Fatalf("outbox %+v, want state %s", msgs, tt.state)
			}
			if n := len(e.Twilio.Messages()); n != tt.delivered {
				t.Errorf("Twilio accepted %d, want %d", n, tt.delivered)
			}
			if tt.state == bot.OutFailed && msgs[0].Error == "" {
				t.Error("failure without an error")
			}
			c, err := e.DB.Conversation(ctx, personA)
			if got := err == nil && c.Status == bot.StatusOptedOut; got != tt.optedOut {
				t.Errorf("opted out = %v, want %v", got, tt.optedOut)
			}
		})
	}
}

// Nobody answers: the person is told once, with the fix page link when the
// flow had reached one.
func TestHandoffTimeout(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})
	e.Say(personA, "claude code 403 unusual activity on my api key") // straight to a fix
	e.Say(personA, "no")                                             // → handoff with the fix page
	desk := &bot.Desk{Operators: []string{operator}, BaseURL: publicURL, Timeout: 15 * time.Minute}
	sweep := func(at time.Time) int {
		var n int
		err := e.DB.Update(context.Background(), "", func(tx bot.Tx) error {
			var err error
			n, err = desk.Sweep(tx, at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := sweep(time.Now().Add(5 * time.Minute)); n != 0 {
		t.Fatalf("told after 5 minutes")
	}
	if n := sweep(time.Now().Add(16 * time.Minute)); n != 1 {
		t.Fatalf("swept %d, want 1", n)
	}
	if n := sweep(time.Now().Add(30 * time.Minute)); n != 0 {
		t.Fatalf("told twice")
	}
	e.Skew.Store(int64(16 * time.Minute))
	e.Outbox.Wake()
	got := e.Received(2, personA)
	if len(got) != 1 || !strings.Contains(got[0], "nobody has answered") || !strings.Contains(got[0], publicURL+"/f/") {
		t.Errorf("timeout notice %q", got)
	}
}

// Twilio's 21610 while a ticket is open, at send time and in a delivery
// report: the ticket closes, noting why, and the operator is told once.
func TestOptOut21610ClosesTicket(t *testing.T) {
	for _, path := range []string{"send", "delivery report"} {
		t.Run(path, func(t *testing.T) {
			e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})
			e.Say(personA, "human")
			e.Received(1, operator)
			switch path {
			case "send":
				e.Twilio.FailNext(400, 21610, "Attempt to send to unsubscribed recipient")
				e.Say(operator, "#1 are you still there?")
			case "delivery report":
				e.Say(operator, "#1 are you still there?")
				relay := e.Received(2, personA)
				if len(relay) != 1 {
					t.Fatalf("relay %q", relay)
				}
				m := e.Twilio.Messages()[1]
				for deadline := time.Now().Add(5 * time.Second); ; { // the outbox records the SID after the send
					msgs, _ := e.DB.OutboxList(context.Background(), 10, false)
					if len(msgs) > 0 && msgs[0].SID == m.SID || time.Now().After(deadline) {
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
				resp := e.Post(statusPath, statusForm("MessageSid", m.SID, "MessageStatus", "undelivered", "ErrorCode", "21610", "To", personA), testToken, publicURL)
				stacktest.ReadAll(t, resp)
				// Twilio may report it twice (undelivered, then failed).
				resp = e.Post(statusPath, statusForm("MessageSid", m.SID, "MessageStatus", "failed", "ErrorCode", "21610", "To", personA), testToken, publicURL)
				stacktest.ReadAll(t, resp)
			}
			deadline := time.Now().Add(5 * time.Second)
			var tks []bot.Ticket
			for {
				tks, _ = e.DB.Tickets(context.Background(), 10, false)
				if len(tks) == 1 && !tks[0].Open() || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if len(tks) != 1 || tks[0].Open() || !strings.Contains(tks[0].ClosedWhy, "21610") {
				t.Fatalf("ticket %+v: want closed, noting 21610", tks)
			}
			if c := e.Conversation(personA); c.Status != bot.StatusOptedOut {
				t.Errorf("status %s, want opted_out", c.Status)
			}
			want := 2 // the ticket, then its close
			if path == "delivery report" {
				want = 3 // and the relay
			}
			e.Received(want, operator)
			time.Sleep(300 * time.Millisecond) // a second notice would show now
			var got []string
			for _, m := range e.Twilio.Messages() {
				if m.To == operator {
					got = append(got, m.Body)
				}
			}
			closed := 0
			for _, b := range got {
				if strings.Contains(b, "#1 closed") {
					closed++
					if !strings.Contains(b, "opted out") || !strings.Contains(b, "21610") || strings.Contains(b, personA) {
						t.Errorf("close notice %q", b)
					}
				}
			}
			if closed != 1 {
				t.Errorf("operator told %d times of the close: %q", closed, got)
			}
			if r := e.Say(operator, "#1 hello?"); len(r) != 1 || !strings.Contains(r[0], "No open ticket") {
				t.Errorf("after the opt-out: %q", r)
			}
		})
	}
}

// An operator's text without "#N" that reads like a person's first text
// (a product and a code, or a problem described) is not relayed to the
// only open ticket: the operator is asked to confirm with "#N".
func TestOperatorTextLikeACustomer(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}})
	e.Say(personA, "human")
	e.Received(1, operator)
	for _, text := range []string{"claude code 403", "claude code keeps saying request failed with status code 403", "stripe 402 card declined"} {
		r := e.Say(operator, text)
		if len(r) != 1 || !strings.Contains(r[0], "Send to #1?") || !strings.Contains(r[0], `Reply "#1 `) {
			t.Errorf("%q: operator told %q, want a question", text, r)
		}
	}
	if r := e.Say(operator, "#1 claude code 403 usually means the key changed"); len(r) != 0 {
		t.Errorf("confirmed relay answered %q", r)
	}
	if r := e.Say(operator, "ok, looking into it now"); len(r) != 0 {
		t.Errorf("a plain reply answered %q", r)
	}
	got := e.Received(3, personA)
	if len(got) != 2 || got[0] != "claude code 403 usually means the key changed" || got[1] != "ok, looking into it now" {
		t.Errorf("person received %q", got)
	}
}

// One noisy person cannot stall everyone's texts: while a notification
// about a ticket still waits for an operator, the person's next texts
// fold into it ("sent N more texts", with the latest), and the next one
// leaves no sooner than a minute after the last, so another ticket's news
// goes out at once, at production's one text a second.
func TestNoisyPersonDoesNotStallOthers(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Operators: []string{operator}, SendRate: 1})
	e.Say(personA, "human")
	e.Received(1, operator) // #1 opened
	for i := range 60 {
		e.Say(personA, fmt.Sprintf("are you there? (%d)", i+1))
	}
	start := time.Now()
	e.Say(personB, "talk to a human")
	for reached := false; !reached; {
		for _, m := range e.Twilio.Messages() {
			reached = reached || m.To == operator && strings.HasPrefix(m.Body, "textfix #2,")
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("#2's news did not reach the operator within 2 s; sent so far:\n%s", strings.Join(bodies(e.Twilio.Messages()), "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("#2 reached the operator in %v", time.Since(start).Round(time.Millisecond))

	// The person's 60 texts are one notification, due a minute after the
	// last one the operator got. (#2's is marked sent just after the fake
	// Twilio has it: on a loaded machine the list may still show it
	// leased for a moment.)
	var queued []bot.OutMsg
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var err error
		if queued, err = e.DB.OutboxList(context.Background(), 100, true); err != nil {
			t.Fatal(err)
		}
		if len(queued) <= 1 || time.Now().After(deadline) {
			break
		}
	}
	if len(queued) != 1 || !strings.Contains(queued[0].Body, "#1 ***0101 sent 60 more texts: are you there? (60)") {
		t.Fatalf("queued %+v, want one folded notification", queued)
	}
	if wait := time.Until(queued[0].NextAt); wait < 50*time.Second || wait > 61*time.Second {
		t.Errorf("folded notification due in %v, want about a minute", wait)
	}
	e.Skew.Store(int64(time.Minute))
	e.Outbox.Wake()
	got := e.Twilio.WaitFor(t, 3, 5*time.Second)
	if last := got[len(got)-1]; last.To != operator || !strings.Contains(last.Body, "sent 60 more texts") {
		t.Errorf("third message %+v", last)
	}
	// The next text after that waits for the next minute.
	time.Sleep(100 * time.Millisecond) // the send's outcome commits
	e.Say(personA, "hello??")
	queued, _ = e.DB.OutboxList(context.Background(), 100, true)
	skewed := time.Now().Add(time.Minute)
	if len(queued) != 1 || !strings.HasPrefix(queued[0].Body, "#1 ***0101: hello??") || queued[0].NextAt.Before(skewed.Add(50*time.Second)) {
		t.Errorf("after a sent notification: %+v, want a new one a minute later", queued)
	}
}

func bodies(msgs []twiliotest.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.To+": "+m.Body)
	}
	return out
}
