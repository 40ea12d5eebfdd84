package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/segment"
)

// convo is a scripted conversation and what must hold after its last text.
type convo struct {
	name   string
	texts  []string
	status bot.Status
	node   string   // "" = any
	says   []string // in the last step's replies (case ignored)
	never  []string // in no reply of the conversation
	misses int      // miss events in the whole conversation
}

func (tt convo) run(t *testing.T, e *bot.Engine) {
	t.Helper()
	c, rs := say(e, bot.Conversation{}, tt.texts...)
	misses := 0
	var all []string
	for _, r := range rs {
		for _, ev := range r.Events {
			if ev.Kind == bot.EventMiss {
				misses++
			}
		}
		all = append(all, r.Replies...)
	}
	last := strings.ToLower(strings.Join(rs[len(rs)-1].Replies, "\n"))
	if c.Status != tt.status || tt.node != "" && c.Node != tt.node || misses != tt.misses {
		t.Errorf("%s: %s %s/%s with %d misses, want %s %s and %d misses; last replies %q",
			tt.name, c.Status, c.Flow, c.Node, misses, tt.status, tt.node, tt.misses, rs[len(rs)-1].Replies)
	}
	for _, w := range tt.says {
		if !strings.Contains(last, strings.ToLower(w)) {
			t.Errorf("%s: last replies %q lack %q", tt.name, rs[len(rs)-1].Replies, w)
		}
	}
	for _, w := range tt.never {
		for _, r := range all {
			if strings.Contains(strings.ToLower(r), strings.ToLower(w)) {
				t.Errorf("%s: a reply says %q: %q", tt.name, w, r)
			}
		}
	}
}

// Keywords that are also an answer to the question being asked are the
// answer; otherwise they keep their meaning. STOP always opts out.
func TestKeywordThatAnswers(t *testing.T) {
	e := exampleEngine(t, "testdata/keywords")
	for _, tt := range []convo{
		{name: "new answers", texts: []string{"acme sync 4711", "new"}, status: bot.StatusActive, node: "who"},
		{name: "support answers", texts: []string{"acme sync 4711", "old", "support"}, status: bot.StatusActive, node: "stops"},
		{name: "new restarts where it answers nothing", texts: []string{"acme sync 4711", "old", "new"}, status: bot.StatusIdle, says: []string{"starting over"}},
		{name: "support hands off where it answers nothing", texts: []string{"acme sync 4711", "support"}, status: bot.StatusHandoff},
		{name: "human hands off", texts: []string{"acme sync 4711", "human"}, status: bot.StatusHandoff},
		{name: "stop always opts out", texts: []string{"acme sync 4711", "old", "me", "STOP"}, status: bot.StatusOptedOut},
	} {
		tt.run(t, e)
	}
}

// A question back gets the question's help and the question again, and is
// no miss; a question with no help at all says so.
func TestQuestionBackHelp(t *testing.T) {
	e := exampleEngine(t, "testdata/keywords")
	for _, tt := range []convo{
		{name: "help", texts: []string{"acme sync 4711", "old", "what do you mean?"}, status: bot.StatusActive, node: "who",
			says: []string{"Support is Acme's own team", "Who set it up, you or support?"}, never: []string{"I have no more", "Sorry"}},
		{name: "help, then the answer", texts: []string{"acme sync 4711", "old", "what do you mean?", "i did"}, status: bot.StatusActive, node: "stops"},
		{name: "no help", texts: []string{"acme sync 4711", "what do you mean?"}, status: bot.StatusActive, node: "install",
			says: []string{"I have no more on that one", "Is it a new install or an old one?"}, never: []string{"Sorry"}},
	} {
		tt.run(t, e)
	}
}

// People's answers in the library's flows, one kind of issue 10 each.
func TestAnswersPeopleGive(t *testing.T) {
	e := newEngine(t)
	for _, tt := range []convo{
		// 1. A hedge beside a clear answer does not veto it.
		{name: "hedge", texts: []string{"claude code says invalid api key, i use an api key", "401 from curl too", "no it isn't there, maybe somebody removed it"},
			status: bot.StatusFixed, node: "fix-new-key"},
		// Only unsure, at a yes/no question without a "Not sure": go on as
		// if not, and say so.
		{name: "only unsure", texts: []string{"claude code says invalid api key, i use an api key", "401 from curl too", "not sure"},
			status: bot.StatusFixed, node: "fix-new-key", says: []string{"No problem, I'll assume not for now."}},
		// A "Can't run it now" choice is the way on: its path carries the
		// check for later.
		{name: "unsure with a can't-check choice", texts: []string{"claude code 403, i use an api key", "idk"},
			status: bot.StatusActive, node: "later-changed", says: []string{"No problem, let's go on without it."}},
		{name: "I can't", texts: []string{"claude code 403, i use an api key", "I can't"},
			status: bot.StatusActive, node: "later-changed"},
		// "?" or "hello" while a question is open: the question again,
		// no miss.
		{name: "nudge", texts: []string{"claude code 403, i use an api key", "??"},
			status: bot.StatusActive, node: "smoke-test", says: []string{"Still here."}, never: []string{"Sorry"}},
		{name: "emphasized tapback", texts: []string{"claude code 403, i use an api key", "Emphasized “Run the curl test (How page). What came back?”"},
			status: bot.StatusActive, node: "smoke-test", says: []string{"Still here."}, never: []string{"Sorry"}},
		{name: "reaction without a question mark", texts: []string{"claude code 403, i use an api key", "Emphasized “Run the curl test (How page)…”"},
			status: bot.StatusActive, node: "smoke-test", says: []string{"Still here."}, never: []string{"Sorry"}},
		{name: "hello nudge", texts: []string{"claude code 403, i use an api key", "hello?", "u there"},
			status: bot.StatusActive, node: "smoke-test", never: []string{"Sorry"}},
		{name: "cant on phone", texts: []string{"claude code 403, i use an api key", "cant rn on phone"},
			status: bot.StatusActive, node: "later-changed", never: []string{"Sorry"}},
		{name: "not able to", texts: []string{"claude code 403, i use an api key", "I'm not able to do that today, sorry"},
			status: bot.StatusActive, node: "later-changed", never: []string{"Sorry"}},
		{name: "wouldn't know how", texts: []string{"claude code 403, i use an api key", "I can't do that, I wouldn't know how. Not today"},
			status: bot.StatusActive, node: "later-changed", never: []string{"Sorry"}},
		// Every question in the library has a way on for not knowing
		// (flows check warns otherwise): how Claude Code signs in is not
		// needed to read the 403's message.
		{name: "unsure at the first question", texts: []string{"claude code 403", "not sure"},
			status: bot.StatusActive, node: "unsure-says", never: []string{"Sorry"}},
		{name: "unsure twice", texts: []string{"claude code 403", "not sure", "no idea"},
			status: bot.StatusActive, node: "unsure-proxy", says: []string{"No problem, let's go on without it."}},
		// "Not sure" is never taken from an earlier text.
		{name: "not sure in a first text", texts: []string{"claude code 403, not sure why, i use an api key"},
			status: bot.StatusActive, node: "smoke-test"},
		// An answer passed on from someone else ("she says yes, …",
		// "he says curl gives 401 too") is that person's answer.
		{name: "relayed yes", texts: []string{"texting for a colleague, claude code says this organization has been disabled", "she says yes, the key from her old job is still in her profile"},
			status: bot.StatusFixed, node: "fix-stale-org-key", never: []string{"Sorry"}},
		{name: "relayed no", texts: []string{"texting for a colleague, claude code says this organization has been disabled", "he says no, he only uses his claude login"},
			status: bot.StatusFixed, node: "fix-org-disabled", never: []string{"Sorry"}},
		// A question back with a guess of its own ("which body? the json
		// thing?") is a question back, no miss.
		{name: "question and a guess", texts: []string{"claude code 403 after I moved my key to another workspace", "403", "which body? the json thing?"},
			status: bot.StatusActive, node: "body-says", never: []string{"Sorry"}},
		// A text that takes back the one before: alone, the question
		// again; with an error of its own, the flow again from it.
		// Trouble told about a product of ours, with no thanks, is no
		// closer, whatever works beside it.
		{name: "works beside trouble", texts: []string{"claude code says something like the model isn't allowed when I pick opus, sonnet works. is opus switched off for us?"},
			status: bot.StatusIdle, says: []string{"exact error"}, never: []string{"welcome"}},
		// Asked for the exact error once and told in other words again:
		// the product's flows to pick from, and something else.
		{name: "vague twice", texts: []string{"claude code says something like my subscription isn't active? I pay for Pro", "it's red and won't let me type", "2"},
			status: bot.StatusActive, node: "plan-says", never: []string{"pass it to a person"}},
		{name: "wrong chat first", texts: []string{"oops wrong chat sorry"},
			status: bot.StatusIdle, says: []string{"No problem. If you hit an error"}, never: []string{"person"}},
		{name: "wrong chat at a question", texts: []string{"claude code 403, i use an api key", "oops wrong chat, ignore that"},
			status: bot.StatusActive, node: "smoke-test", says: []string{"No problem."}, never: []string{"Sorry"}},
		{name: "the real error instead", texts: []string{"claude code says overloaded at work", "ignore that, I scrolled up and the real error is: unable to get local issuer certificate / SELF_SIGNED_CERT_IN_CHAIN"},
			status: bot.StatusFixed, node: "fix-corp-ca"},
		{name: "a word corrected with an asterisk", texts: []string{"claude cod says 403 since yesterday, i'm on max", "*code"},
			status: bot.StatusActive, node: "plan-says", never: []string{"Sorry"}},
		// 2. Who does what binds to its clause.
		{name: "role", texts: []string{"our anthropic workspace hit its spend limit", "no, the admin on our team does that"},
			status: bot.StatusFixed, node: "fix-ask-admin"},
		// 3. Yes and no as people text them.
		{name: "si", texts: []string{"claude code 403, i use an api key", "curl 403 too", "nothing in the body", "sí"},
			status: bot.StatusFixed, node: "fix-workspace-model"},
		{name: "thumbs down", texts: []string{"claude code 403, i use an api key", "curl 403 too", "nothing in the body", "👎", "👍"},
			status: bot.StatusFixed, node: "fix-proxy"},
		// 4. A question back gets the How page and the question again, and
		// is no miss.
		{name: "question back", texts: []string{"claude code 403, i use an api key", "where do i find that?"},
			status: bot.StatusActive, node: "smoke-test", says: []string{"step by step: https://textfix.test/f/c", "What came back?"}},
		{name: "three questions back", texts: []string{"claude code 403, i use an api key", "how do i check?", "what's a curl test?", "which terminal?"},
			status: bot.StatusActive, node: "smoke-test"},
		// Where the question has no How page, the first question back
		// gets its help text (where to look) and the question again, and
		// a second is not knowing: its "Not sure" way on, never a loop.
		{name: "question back without a page", texts: []string{"claude code 403", "i dont know how it signs in, a colleague installed it"},
			status: bot.StatusActive, node: "sign-in", says: []string{"type /status", "How does Claude Code sign in"}, never: []string{"I have no more"}},
		{name: "two questions back without a page", texts: []string{"claude code 403", "i dont know how it signs in, a colleague installed it", "i dont know how it signs in"},
			status: bot.StatusActive, node: "unsure-says", says: []string{"No problem, let's go on without it."}},
		// Free text that answers a later question is kept for it once;
		// the same answer again is taken, never asked forever.
		{name: "free text kept once", texts: []string{"Paypal say my payment can not be completed", "This payment can't be completed. Please use another card."},
			status: bot.StatusActive, node: "ask-code", says: []string{"What does the error say?"}},
		{name: "free text taken the second time", texts: []string{"Paypal say my payment can not be completed",
			"This payment can't be completed. Please use another card.", "This payment can't be completed. Please use another card."},
			status: bot.StatusHandoff, node: "handoff-summary"},
		// The re-prompt after a miss keeps the How link.
		{name: "miss keeps How", texts: []string{"claude code 403, i use an api key", "purple"},
			status: bot.StatusActive, node: "smoke-test", says: []string{"How: https://textfix.test/f/c"}, misses: 1},
		// Another problem of the same product, told instead of an answer
		// in its own words, not a code: its flow starts, as a person would
		// switch. A weak hint stays a miss.
		{name: "another flow by its words", texts: []string{"claude code says usage limit reached", "no time shown, it's the monthly spend limit we set in the console"},
			status: bot.StatusActive, node: "limit-owner", says: []string{"Got it: you hit a spend limit."}},
		{name: "a weak hint of another flow", texts: []string{"claude code says usage limit reached", "it's about my credit card"},
			status: bot.StatusActive, node: "which-window", misses: 1},
		// 5. An answer to a later question takes the path there.
		{name: "ahead", texts: []string{"claude code 403, i use an api key", "it says region not supported"},
			status: bot.StatusFixed, node: "fix-region", says: []string{"Got it:"}},
		{name: "away from the computer", texts: []string{"claude code 403, i use an api key", "I'm not at my computer"},
			status: bot.StatusActive, node: "later-changed"},
		{name: "on my phone", texts: []string{"claude code 403, i use an api key", "on my phone rn"},
			status: bot.StatusActive, node: "later-changed"},
		// A sentence that opens with "no" but answers the next question
		// is read as that answer.
		{name: "no opens a sentence", texts: []string{"twilio error 21610 when texting a customer", "no she hasn't texted start yet"},
			status: bot.StatusFixed, node: "fix-opt-back-in"},
		// 7. An answer given in a later text is not asked for.
		{name: "dotfile", texts: []string{"claude code says no api key found even though it's in my .env"},
			status: bot.StatusFixed, node: "fix-env-file"},
		// "api key", after the key's file was taken as the sign-in, says
		// the question before again: said back, no miss.
		{name: "said in a miss", texts: []string{"claude code 401", "the key is in my .env file btw", "api key"},
			status: bot.StatusActive, says: []string{"Got it: you use an API key."}, never: []string{"Where did you put the API key?"}, misses: 0},
		// 8. Echoes are facts in people's words; after a NO, plain words.
		{name: "echo", texts: []string{"claude code 403 model not enabled for my api key"},
			status: bot.StatusFixed, says: []string{"Got it: you use an API key"}, never: []string{"Got it: API key from"}},
		{name: "next cause", texts: []string{"claude code 403 model not enabled for my api key", "no"},
			status: bot.StatusFixed, says: []string{"OK, let's try the next likely cause."}, never: []string{"Got it: Let's"}},
	} {
		tt.run(t, e)
	}
}

// A question with no way on for not knowing (flows check warns about
// it): the How page if any, the question again, a miss.
func TestUnsureWithoutWayOn(t *testing.T) {
	e := exampleEngine(t, "testdata/keywords")
	convo{name: "unsure without a way on", texts: []string{"acme sync 4711", "not sure"},
		status: bot.StatusActive, node: "install", says: []string{"No problem. If you can't tell, pick the closest."}, misses: 1}.run(t, e)
}

// 6. After a fix, thanks and goodbyes close the conversation warmly, count
// as YES, and never start a flow or open a ticket.
func TestClosers(t *testing.T) {
	e := newEngine(t)
	for _, closer := range []string{"thanks so much", "ok bye", "great", "cool 👍", "that worked", "gracias", "Thank you!!", "perfect, cheers",
		"that was it, thanks", "it work now, thank you very much", "found it, the key was wrong. thanks", "thank youuu", "ahh ok. thanks!",
		// Other Englishes' yes and thanks.
		"aye, cheers", "grand, thanks a million", "brill cheers pal", "gg"} {
		c, rs := say(e, bot.Conversation{}, "claude code 403 model not enabled for my api key", closer, closer)
		if fb := rs[1].Feedback; fb == nil || fb.Answer != bot.FeedbackYes {
			t.Errorf("%q after a fix: feedback %+v, want yes", closer, rs[1].Feedback)
		}
		for _, r := range rs[1:] {
			if r.Handoff != nil || len(r.Replies) != 1 || r.Missed {
				t.Errorf("%q: handoff %v replies %q", closer, r.Handoff, r.Replies)
			}
		}
		if c.Status != bot.StatusIdle || c.Flow != "" || c.Misses != 0 {
			t.Errorf("%q twice: %s %s misses %d", closer, c.Status, c.Flow, c.Misses)
		}
	}
	// That it works again, or that the trouble is gone, in any words: a YES.
	for _, done := range []string{"re-authorized the app, working again", "topped up, agents running. phew",
		"The old firm's key was still there. Removed it and I am on my Pro plan now. Many thanks, Simon", "I put new card and now ok, thank you", "logging out and back in did it, cheers",
		"capped it at 4 agents and the 429s stopped. thanks", "customer called her bank and it went through", "waited a bit and it's gone",
		"capped it at 3 agents, no more failures. thanks", "set NODE_EXTRA_CA_CERTS and claude connects. thank u!",
		// What was done "fix it", as other Englishes write the past; God
		// bless after something done.
		"Logout and login again fix it! Bless up, one love",
		"Now I understand, those ones said STOP. We have removed them from the list. God bless you",
		// What they feared losing, "still there": theirs, not the trouble.
		"Logged in again, everything's still there, CLAUDE.md and all. Thank you",
		"all my chats are still there and it works. cheers",
		// Zero of the trouble is none of it.
		"admin turned off lock sessions to IP, 0 failures today", "moved the key, zero 403s all day",
		"texted start and messages come through again 🎉 thanks", "it doesn't happen anymore, thanks",
		"capped it at 2 agents and no errors since", "re-authorized the app and it's syncing again", "unset it and we're back, thanks a lot",
		"called the bank, they unblocked it. thank u!!", "customer used another card. thanks!", "topped up and turned on auto reload, back in business",
		// Results in more words: "going" is no plan before "through",
		// "thru" is "through", a state next to "now", "hasn't … since".
		"dev turned on the emails, renewals are going through again", "found the rule, payment went thru",
		"admin turned off the ip lock, lambda calls are solid now", "made the script log in again, ran clean overnight",
		"capped it at 3 agents and it hasn't hit the limit since", "pinned the vpn to the US exit and no 403 all day",
		"they registered the campaign and texts go out again", "switched to sonnet with /model and it works, didnt know that was a thing",
		"ah that explains it, it's the region. all clear now!", "reconnected the salesforce account in zapier and the zap runs again",
		"we now get a new token when it fails and retry. no 401s today", "pressed esc and asked again in smaller steps, it's moving now",
		"we added MXN prices and the mexican cards go through now", "verified my wife's number, she gets the texts now",
		"copied the login url by hand and pasted the code back, logged in finally",
		// The last clause that says anything decides.
		"the profile didn't have API Enabled. ticked it and the integration works",
		"raised API_TIMEOUT_MS and split the task, long ones finish now", "topped up and turned on auto reload, good to go",
		"Cut it to three at a time and it runs through. Thanks.", "I see I am tier 1, I buy more credits to go up. Now it is better, thank you",
		// "now" or "again" and a thing doing its job, in any words.
		"reinstalled the cert, the dashboard loads now", "changed the webhook url, orders sync again", "bank lifted the block, card charged now",
		"rotated the key and the cron job answers again", "upgraded the account, now texts arriving for everyone", "gave him the role, he's in now",
		"moved to the new host, uptime checks passing again now",
		// What was done, then one word of how it went.
		"rotated the key, good", "allowlisted the ip. sends", "reconnected it with the new login, fine",
		// A phone's like of the fix message; what was done, then 👌.
		"Liked “Your fix: https://textfix.test/f/x Weekly limit: wait. Did this fix it? Reply YES or NO”",
		"admin ticked API Enabled on the profile. 👌", "🙏", "💯",
		// A thing that reads or finds what it could not.
		"a trailing comma after the env block. ugh. it reads it now, thanks",
		// All of the things doing their job; an aside about the person.
		"admin turned off lock sessions to IP for the integration user, all calls work", "renewed the cert, every page loads",
		"there was an old key in the settings file. deleted it, works. didn't even know that file existed",
		// After "but", the point.
		"switched to sonnet, it's going. not thrilled but fine", "took forever. not happy but it works now",
		"our admin hadn't turned on Claude Code for my seat. he has now, it works. glad I didn't make a key. thanks",
		// What was done, then the thing at its job in two words.
		"reconnected the account in zapier, zaps running", "allowed her through, order went", "platform added the permission to the role, it streams now",
		// Done, and the explanation taken in; passed on, then done by
		// whoever got it; back up.
		"fair enough, deleted the old key", "makes sense. switched the region",
		"forwarded it to our admin, she enabled it", "sent this to ops, they rotated the key", "re-added the webhook, back online",
		// A yes that opens an explanation, or a thumbs-up that ends a
		// report, with nothing said against the fix.
		"yep it was a stray key in my env, removed it", "yeah the admin had to turn it on for our workspace",
		"yes it was the proxy, IT added the bypass", "moved the key to my zshrc 👍", "unset the old key, claude is on my plan now 👍",
		// "now" and a word that it is fine, apart.
		"sent the customer the link, now renewal ok", "re-ran the sync and now everything is fine",
		// A result, then praise or a goodbye of the person's own.
		"logged out and back in and it sees Max now. you're a star, have a good evening",
		"JazakAllah khair, I did the login again like the page say and now it is logged in",
		"Added a pause between calls and it's steady now", "texted START from my phone and the reminder came through",
		"Pinned the VPN to Nairobi and the whole afternoon no 403. Thank you boss 👍", "Removed the old base url from my bashrc and all's well",
		// Other Englishes: "that's done it", Welsh and Jamaican thanks.
		"Duw, that's done it. Loaded the .env first and it's away. Diolch!",
		// Other Englishes: "flying now", Irish thanks.
		"changed the dns to 1.1.1.1 and it's flying now, go raibh maith agat",
		// It did its job, then a plan for later.
		"verified his number and it sent. will upgrade before launch",
		// What was done, then what the person was after, got.
		"rang the bank, they'd blocked online payments abroad. got the tickets!", "reconnected the account and we got paid",
		// Done, and a word to come back if it does ("if … again"); what a
		// page shows now, then a question.
		"CRM volunteer changed the refresh token policy and reconnected. Will let you know if it drops again",
		"removed the key, /status shows Max now. can I get a refund for the API charges?",
		// An arrow to what it gave: a state of working, a 2xx, "through".
		"IT allowlisted api.anthropic.com in zscaler → 200. closing this out", "/model sonnet -> through",
		"ANTHROPIC_BASE_URL was still in ~/.zshrc. unset → works",
		// Two things with one cause, said after it worked.
		"unset the key, /login with the company account, works. So the SSO email was the same thing. thanks",
		"used the instance_url from the token response, works. the stripe webhooks work again too, so same thing. thanks!",
		// The result in the person's language: Portuguese, Hindi, Tagalog,
		// Spanish, French, German.
		"renovei o Max e fiz login de novo, voltou. valeu!", "workspace mein opus enable karwaya, ab chal raha hai. shukriya",
		"pinalitan ko yung card, okay na. salamat po!", "cambié la tarjeta y ya funciona, gracias", "j'ai changé la clé, ça marche. merci",
		"neuer Key, funktioniert. danke",
		// Doubt, then the fix conceded ("you were right"); a tag question
		// and what was said before are no NO.
		"I made the new key in the OLD workspace, didn't I. yes. made it in the new one, 200. ok you were right, thanks",
		"I said we didn't change settings. well, someone ticked lock sessions to IP for the audit. unticked for the integration. thanks",
		// A privacy aside after it worked.
		"raised the quota in service quotas, it runs now. thanks, and I didn't send anything sensitive"} {
		c, rs := say(e, bot.Conversation{}, "claude code 403 model not enabled for my api key", done)
		if fb := rs[1].Feedback; fb == nil || fb.Answer != bot.FeedbackYes || c.Status != bot.StatusIdle {
			t.Errorf("%q after a fix: %s feedback %+v, want yes", done, c.Status, rs[1].Feedback)
		}
	}
	// "fix it" asked or wished for is no result.
	for _, asked := range []string{"how do I fix it?", "can you fix it", "I need to fix it before Monday"} {
		_, rs := say(e, bot.Conversation{}, "claude code 403 model not enabled for my api key", asked)
		if fb := rs[1].Feedback; fb != nil && fb.Answer == bot.FeedbackYes {
			t.Errorf("%q after a fix counted as yes", asked)
		}
	}
	// A thank-you or an explanation taken in, that does not say whether it
	// worked, closes warmly and counts no YES; the fix is kept for the next
	// text. At a question it is no answer and no miss; during a handoff it
	// gets one warm word, however soon after.
	for _, partial := range []string{"thanks, will try that now", "thanks so much, I'll forward this to our IT team tomorrow",
		"ok I'll ask our admin to turn on API access for me, thanks",
		"ok I'll try that and hope it works, thanks", "ok forwarded it to our admin, thanks", "thanks, going to try that tonight",
		"forwarded it to our IT team, thanks, they will look at it tomorrow",
		// Trouble words about the fix just sent are no new problem.
		"ok we'll drop the shortener and register. thanks", "ok I'll ask our admin to raise the limit, thanks",
		// Doing it now is no result yet.
		"registering the number now, thanks", "uploading the file again now, thanks", "thanks, checking the logs now",
		// An explanation taken in, without thanks; thanks for something.
		"makes sense, we'll filter them before the next blast", "ah ok so its the model name. good to know", "fair enough",
		"ok so the model name was off. thank you for explaining", "thanks for the quick answer, I'll check with our admin tomorrow",
		// Naming the flow of the fix just sent is talking about it, and
		// so is naming another product with no trouble said.
		"ok so it's the model access. got it", "ok will ask him to ring his bank, thanks",
		// The "ok" of a plan is no result ("ok" alone would be a YES).
		"ok will try that tonight, thanks", "k ill wait", "ok gonna ask IT",
		// A yes that opens an explanation, then a plan: no result yet.
		"yeah it's their office landline, we'll call them instead", "yep that's the one, I'll ask our admin in the morning",
		// Thanks in other languages, in more than one word.
		"ok je vais essayer ce soir, merci beaucoup", "lo pruebo mañana, muchas gracias", "probiere ich morgen, vielen dank",
		"grand, I'll wait till 4 then. thanks a million", "Aye that's it, tier 1. We'll add credits to move up. Cheers pal.",
		"Alright so nothing wrong with mine, I can stop worry then. Respect", "Righto, I'll leave it till the morning then. Much obliged.",
		// The cause found, one thing set against another (no trouble), and
		// a plan that ends with thanks.
		"thats it, it was zsh not bash. going to bed now cheers",
		// Thanks for something after closer words, and a "didn't" about
		// the person, not the fix.
		"rip. ok thx for explaining", "I'll ask the other admin in finance, didn't know she could. thanks",
		// Praise that says it held.
		"two days and it hasn't logged me out. nice one",
		// Trouble words that name what they work on ("the failed ones")
		// say nothing against the fix.
		"setting cards up with setup_future_usage now and emailing the failed ones. thanks",
		"retrying those declined cards now, thanks",
		// Through the fix page's steps, one still to be done by someone
		// else or later, whatever the ones before gave.
		"ok so step 1 and 2 I did and still the same, and step 3 is the org admin turning it on for my seat. I've pinged her. thanks, makes sense now",
		"updated the card in step 1 fine but step 2 says payment failed again. I'll call the bank tomorrow like step 3 says, probably the fraud block. thanks",
		"ran setup-token like step 1 says, but step 3 is the repo secret and only our admin can edit it. I've messaged him, will let you know if it's still broken after"} {
		c, rs := say(e, bot.Conversation{}, "claude code 403 model not enabled for my api key", partial)
		if c.Status != bot.StatusIdle || c.Prev == nil || rs[1].Feedback != nil || !strings.HasPrefix(rs[1].Replies[0], "You're welcome! If it still fails, reply NO") {
			t.Errorf("partial thanks %q after a fix: %s prev %v feedback %v %q", partial, c.Status, c.Prev != nil, rs[1].Feedback, rs[1].Replies)
		}
	}
	// The next text takes that fix up again when it says how it went:
	// NO goes on to the next likely fix, YES counts; any other text, or
	// one after the idle time, starts afresh.
	const modelFix = "claude code 403 model not enabled for my api key"
	for _, tc := range []struct {
		after  string
		status bot.Status
		answer bot.FeedbackAnswer
	}{
		{"didn't work, same error", bot.StatusFixed, bot.FeedbackNo},
		{"nope, still 403", bot.StatusFixed, bot.FeedbackNo},
		{"no", bot.StatusFixed, bot.FeedbackNo},
		{"it works now!", bot.StatusIdle, bot.FeedbackYes},
		// A yes that opens a sentence saying it failed is a no.
		{"yeah it still says 403 forbidden", bot.StatusFixed, bot.FeedbackNo},
		{"yep tried it, didn't help", bot.StatusFixed, bot.FeedbackNo},
		// "still" and the trouble after it, after something that went well.
		{"the export is there and it loads, still invalid api key", bot.StatusFixed, bot.FeedbackNo},
		{"still 403", bot.StatusFixed, bot.FeedbackNo},
		// An arrow to the trouble again.
		{"unset the key → still 403", bot.StatusFixed, bot.FeedbackNo},
		{"did step 1 and step 2, still the same", bot.StatusFixed, bot.FeedbackNo},
		{"tried it, same thing", bot.StatusFixed, bot.FeedbackNo},
		{"still there", bot.StatusFixed, bot.FeedbackNo},
		{"logged in again, the error is still there", bot.StatusFixed, bot.FeedbackNo},
		// How it was before the fix is no result: the "no" that opens it
		// decides.
		{"no, the key's in zshrc same as always, it worked yesterday", bot.StatusFixed, bot.FeedbackNo},
		{"nope, it used to work fine with this key", bot.StatusFixed, bot.FeedbackNo},
		// Got the trouble again is no thing got.
		{"got the same error", bot.StatusFixed, bot.FeedbackNo},
		{"yes", bot.StatusIdle, bot.FeedbackYes},
		{"aye", bot.StatusIdle, bot.FeedbackYes},
	} {
		c, rs := say(e, bot.Conversation{}, modelFix, "thanks, going to try that tonight", tc.after)
		if fb := rs[2].Feedback; c.Status != tc.status || fb == nil || fb.Answer != tc.answer || fb.PageID != rs[0].Conversation.PageID || c.Prev != nil {
			t.Errorf("%q after a closed fix: %s feedback %+v prev %v, want %s %s on %s", tc.after, c.Status, fb, c.Prev != nil, tc.status, tc.answer, rs[0].Conversation.PageID)
		}
	}
	// A closed fix that a flow reload removed is not taken up again.
	gone := bot.Conversation{Phone: "+15555550100", Status: bot.StatusIdle, Updated: T0,
		Prev: &bot.Conversation{Phone: "+15555550100", Status: bot.StatusFixed, Flow: "claude-code-403", Node: "fix-removed", PageID: "p0", Updated: T0}}
	if c, rs := say(e, gone, "didn't work"); c.Status == bot.StatusFixed || rs[0].Feedback != nil || c.Prev != nil {
		t.Errorf("NO after a closed fix the flows lost: %s feedback %+v prev %v", c.Status, rs[0].Feedback, c.Prev != nil)
	}
	c, rs := say(e, bot.Conversation{}, modelFix, "thanks, going to try that tonight", "my stripe payment got declined")
	if c.Flow != "stripe-402" || c.Prev != nil || rs[2].Feedback != nil {
		t.Errorf("new problem after a closed fix: flow %q prev %v feedback %+v", c.Flow, c.Prev != nil, rs[2].Feedback)
	}
	c, _ = say(e, bot.Conversation{}, modelFix, "thanks, going to try that tonight")
	if r := e.Step(c, bot.Inbound{From: "+15555550100", Body: "didn't work"}, c.Updated.Add(25*time.Hour)); r.Conversation.Status == bot.StatusFixed || r.Feedback != nil || r.Conversation.Prev != nil {
		t.Errorf("NO a day after a closed fix: %s feedback %+v prev %v", r.Conversation.Status, r.Feedback, r.Conversation.Prev != nil)
	}
	// A plan or a fix passed on, without thanks, keeps the question open
	// too, with a word for it rather than "Did the fix work?".
	for _, plan := range []string{"will check tomorrow morning", "pinged our it guy", "will ship it tmrw", "forwarded it to our admin",
		"sent this to ops, they will look tomorrow",
		// What the person is doing now, and a question back.
		"Registering the brand and campaign now. How long does approval usually take?"} {
		c, rs := say(e, bot.Conversation{}, "claude code 403 model not enabled for my api key", plan)
		if c.Status != bot.StatusFixed || rs[1].Feedback != nil || !strings.HasPrefix(rs[1].Replies[0], "OK! Reply YES once it works") {
			t.Errorf("plan %q after a fix: %s feedback %v %q", plan, c.Status, rs[1].Feedback, rs[1].Replies)
		}
	}
	// A text about a problem is no thank-you, whatever else it says.
	if _, rs := say(e, bot.Conversation{}, "my card keeps getting declined when I pay online. it works everywhere else I think"); strings.Contains(rs[0].Replies[0], "welcome") {
		t.Errorf("a problem read as thanks: %q", rs[0].Replies)
	}
	c, rs = say(e, bot.Conversation{}, "claude code 403", "thanks!")
	if c.Node != "sign-in" || rs[1].Missed || !strings.HasPrefix(rs[1].Replies[0], "You're welcome!") {
		t.Errorf("thanks at a question: %s missed %v %q", c.Node, rs[1].Missed, rs[1].Replies)
	}
	c, rs = say(e, bot.Conversation{}, "claude code 403", "human", "thank you so much", "thanks again")
	if c.Status != bot.StatusHandoff || len(rs[2].Replies) != 1 || !strings.Contains(rs[2].Replies[0], "welcome") || len(rs[3].Replies) != 0 {
		t.Errorf("thanks in a handoff: %s %q then %q", c.Status, rs[2].Replies, rs[3].Replies)
	}
	for _, notCloser := range []string{"thanks, but it didn't work", "no luck, same error", "thanks, it was fine for an hour and now it's failing again",
		"didnt work, it's not working since monday", "nope, didnt", "no, still not working today",
		"it worked for an hour. now it's failing again", "makes sense, but it still says 403", "forwarded it to our admin, she said it didn't help",
		"did that, all calls still fail to send", "switched it, fine for a minute but still 403 now", "didn't even know that file existed, but it still says 403"} {
		_, rs := say(e, bot.Conversation{}, "claude code 403 model not enabled for my api key", notCloser)
		if fb := rs[1].Feedback; fb == nil || fb.Answer != bot.FeedbackNo {
			t.Errorf("%q: feedback %+v, want no", notCloser, rs[1].Feedback)
		}
	}
	// All of the things and a verb of their job, with trouble in it, is no
	// yes.
	for _, notYes := range []string{"all calls fail to send", "both numbers send nothing but errors", "did that, errors coming", "rebooted it, we checking"} {
		_, rs := say(e, bot.Conversation{}, "claude code 403 model not enabled for my api key", notYes)
		if fb := rs[1].Feedback; fb != nil && fb.Answer == bot.FeedbackYes {
			t.Errorf("%q: feedback yes", notYes)
		}
	}
}

// A fact already taken, said again where it answers nothing ("thats
// claude code btw, im on max" after the plan was taken from the paste),
// is said back with the question again, no miss; said a second time at
// the same question, it is a miss.
func TestRepeatedFactIsNoMiss(t *testing.T) {
	e := newEngine(t)
	paste := `API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."}}`
	c, rs := say(e, bot.Conversation{}, paste, "thats claude code btw, im on max", "im on max")
	if c.Node != "where-runs" {
		t.Fatalf("at %s, want where-runs", c.Node)
	}
	if r := rs[1]; r.Missed || !strings.HasPrefix(r.Replies[0], "Got it: you sign in with /login") || !strings.Contains(strings.Join(r.Replies, " "), "Where does Claude Code run") {
		t.Errorf("the plan said again: missed %v %q", r.Missed, r.Replies)
	}
	if r := rs[2]; !r.Missed || !strings.HasPrefix(r.Replies[0], "Sorry") {
		t.Errorf("said a second time: missed %v %q", r.Missed, r.Replies)
	}
}

// A code corrected mid-conversation ("it's 403 Forbidden, not 401")
// starts the flow of the code said, before anything else in the text is
// read; a denial that names no other code of ours does not.
func TestCodeCorrected(t *testing.T) {
	e := newEngine(t)
	c, _ := say(e, bot.Conversation{}, "Claude Code 401 at the office, fine at home", "correction: it's 403 Forbidden, not 401. I always mix those two up")
	if c.Flow != "claude-code-403" || c.Node != "sign-in" {
		t.Errorf("403 said, 401 denied: at %s/%s, want claude-code-403/sign-in", c.Flow, c.Node)
	}
	c, _ = say(e, bot.Conversation{}, "Claude Code 401 at the office, fine at home", "not 401 exactly, it's the login screen again")
	if c.Flow != "claude-code-401" {
		t.Errorf("401 denied, nothing else said: in %s, want claude-code-401", c.Flow)
	}
}

// While a person has the conversation, HELP says so without offering a
// human again, and "hello?" gets one note per quiet period.
func TestHandoffHelpAndNotes(t *testing.T) {
	e := newEngine(t)
	c, rs := say(e, bot.Conversation{}, "claude code 403", "human", "HELP")
	if c.Status != bot.StatusHandoff || len(rs[2].Replies) != 1 || strings.Contains(rs[2].Replies[0], "HUMAN") || !strings.Contains(rs[2].Replies[0], "STOP") {
		t.Errorf("HELP in handoff: %s %q", c.Status, rs[2].Replies)
	}
	notes := 0
	now := c.Updated
	for i := range 12 {
		now = now.Add(2 * time.Minute)
		r := e.Step(c, bot.Inbound{From: "+15555550100", Body: "hello?"}, now)
		c = r.Conversation
		notes += len(r.Replies)
		if i == 0 && len(r.Replies) != 0 {
			t.Errorf("a note 2 minutes after the handoff: %q", r.Replies)
		}
	}
	if notes != 2 { // 24 minutes: at 10 and 20
		t.Errorf("%d notes in 24 minutes of hello?, want 2", notes)
	}
}

// An answer taken from a text says which text, on the Answer (for the fix
// page) and in the SMS when it is not the text just sent.
func TestAnswerSource(t *testing.T) {
	e := newEngine(t)
	_, rs := say(e, bot.Conversation{}, "claude code 403 model not enabled", "i use an api key")
	p := rs[1].Page
	if p == nil {
		t.Fatalf("no fix page: %q", rs[1].Replies)
	}
	var sources []string
	for _, a := range p.Answers {
		sources = append(sources, a.Source())
	}
	want := []string{"", "from your first text", "from your first text"}
	if strings.Join(sources, "|") != strings.Join(want, "|") {
		t.Errorf("sources %q, want %q (answers %+v)", sources, want, p.Answers)
	}
	if !strings.Contains(rs[1].Replies[0], "Got it from your first text:") {
		t.Errorf("reply %q does not say which text", rs[1].Replies[0])
	}
	for n, want := range map[int]string{1: "from your first text", 2: "from your 2nd text", 3: "from your 3rd text", 11: "from your 11th text", 22: "from your 22nd text", 0: "from an earlier text"} {
		if got := (bot.Answer{Inferred: true, From: n}).Source(); got != want {
			t.Errorf("From %d: %q, want %q", n, got, want)
		}
	}
}

// Away from where the answer is ("on the train, can't look the code up"):
// no miss and no guess; the question stays open, and the answer texted
// later is read there.
func TestAwayAtAQuestion(t *testing.T) {
	e := newEngine(t)
	const first = "our appointment reminder texts stopped reaching one patient, twilio logs say undelivered"
	for _, away := range []string{"on the train rn, cant look the code up", "away from my desk till 3", "not in front of the dashboard, sorry"} {
		c, rs := say(e, bot.Conversation{}, first, away)
		if c.Node != "error-code" || rs[1].Missed || c.Misses != 0 || len(rs[1].Replies) != 1 ||
			!strings.HasPrefix(rs[1].Replies[0], "No problem. Answer the question above when you can look, or reply NOT SURE") {
			t.Errorf("%q at error-code: node %s missed %v misses %d %q", away, c.Node, rs[1].Missed, c.Misses, rs[1].Replies)
		}
		if c, _ = say(e, c, "its 30006"); c.Status != bot.StatusFixed || c.Node != "fix-landline" {
			t.Errorf("30006 after %q: %s %s", away, c.Status, c.Node)
		}
	}
	// Trouble beside it is no "away".
	if _, rs := say(e, bot.Conversation{}, first, "not at work, but the app keeps crashing"); len(rs[1].Replies) > 0 && strings.HasPrefix(rs[1].Replies[0], "No problem. Answer") {
		t.Errorf("trouble read as away: %q", rs[1].Replies)
	}
}

// Back after a break, or a text sent too early ("i log in with the"): no
// miss. Back gets the open question again; cut short, a note asking for
// the rest. The answer after either is read at the question.
func TestBackAndCutShortAtAQuestion(t *testing.T) {
	e := newEngine(t)
	const first = "our appointment reminder texts stopped reaching one patient, twilio logs say undelivered"
	c, rs := say(e, bot.Conversation{}, first, "sorry got a customer, back now")
	if c.Node != "error-code" || rs[1].Missed || c.Misses != 0 || len(rs[1].Replies) == 0 || !strings.Contains(rs[1].Replies[0], rs[0].Replies[len(rs[0].Replies)-1][:20]) {
		t.Errorf("back at error-code: node %s missed %v misses %d %q", c.Node, rs[1].Missed, c.Misses, rs[1].Replies)
	}
	c, rs = say(e, bot.Conversation{}, first, "it's the")
	if c.Node != "error-code" || rs[1].Missed || c.Misses != 0 || len(rs[1].Replies) != 1 || !strings.Contains(rs[1].Replies[0], "cut off. Reply with the rest") {
		t.Errorf("cut short at error-code: node %s missed %v misses %d %q", c.Node, rs[1].Missed, c.Misses, rs[1].Replies)
	}
	if c, _ = say(e, c, "30006 landline"); c.Status != bot.StatusFixed || c.Node != "fix-landline" {
		t.Errorf("30006 after a text cut short: %s %s", c.Status, c.Node)
	}
}

// A thought's opening alone ("wait") gets a note asking for the rest, and
// "what was the question again?" the question again; neither is a miss,
// and the answer after them is read.
func TestMidThoughtAndQuestionAgain(t *testing.T) {
	e := newEngine(t)
	c, rs := say(e, bot.Conversation{}, "claude code 403", "wait", "what was the question again sorry", "api key")
	if rs[1].Missed || len(rs[1].Replies) != 1 || !strings.Contains(rs[1].Replies[0], "Reply with the rest") {
		t.Errorf("wait: missed %v %q", rs[1].Missed, rs[1].Replies)
	}
	if rs[2].Missed || len(rs[2].Replies) == 0 || !strings.HasPrefix(rs[2].Replies[0], "Here it is again.") || !strings.Contains(strings.Join(rs[2].Replies, "\n"), "How does Claude Code sign in?") {
		t.Errorf("question again: missed %v %q", rs[2].Missed, rs[2].Replies)
	}
	if c.Misses != 0 || c.Node == "sign-in" {
		t.Errorf("after both: misses %d, node %s", c.Misses, c.Node)
	}
}

// A question about the bot ("are you a bot?", "who is this? my coworker
// gave me this number"): one short text of what textfix is and keeps, then
// what the person was asked, with no miss; an answer beside it is read.
func TestAboutTheBot(t *testing.T) {
	e := newEngine(t)
	c, rs := say(e, bot.Conversation{}, "who is this? my coworker gave me this number for claude code help")
	if c.Misses != 0 || rs[0].Missed || len(rs[0].Replies) != 2 || !strings.HasPrefix(rs[0].Replies[0], "This is textfix, an automated helper") ||
		!strings.HasPrefix(rs[0].Replies[1], "Text me the error") {
		t.Errorf("at intake: misses %d %q", c.Misses, rs[0].Replies)
	}
	if n, enc := segment.Count(rs[0].Replies[0]); n > 2 || enc != segment.EncodingGSM7 {
		t.Errorf("about text: %d segments, %v", n, enc)
	}
	c, rs = say(e, bot.Conversation{}, "claude code 403", "are you a bot?")
	if c.Node != "sign-in" || c.Misses != 0 || rs[1].Missed || len(rs[1].Replies) != 2 || !strings.HasPrefix(rs[1].Replies[0], "This is textfix") ||
		!strings.Contains(rs[1].Replies[1], "How does Claude Code sign in?") {
		t.Errorf("at a question: node %s misses %d %q", c.Node, c.Misses, rs[1].Replies)
	}
	c, rs = say(e, bot.Conversation{}, "claude code 403 model not enabled for my api key", "are you a bot?")
	if c.Status != bot.StatusFixed || len(rs[1].Replies) != 2 || !strings.HasPrefix(rs[1].Replies[0], "This is textfix") || !strings.HasPrefix(rs[1].Replies[1], "Did the fix work?") {
		t.Errorf("after a fix: %s %q", c.Status, rs[1].Replies)
	}
	if c, _ = say(e, bot.Conversation{}, "claude code 403", "is this a real person? anyway its an api key"); c.Node == "sign-in" {
		t.Errorf("the answer beside a question about the bot was not read: node %s", c.Node)
	}
}

// The question before this one, answered late in the words of the answer
// taken there ("every single call" after "every call fails, even with a
// new token" was taken from the first text): said back, this question
// again, no miss.
func TestLateAnswerToTheQuestionBefore(t *testing.T) {
	e := newEngine(t)
	c, rs := say(e, bot.Conversation{}, "salesforce rest api returns 401 INVALID_SESSION_ID right after login", "every single call")
	if rs[1].Missed || c.Misses != 0 || len(rs[1].Replies) == 0 || !strings.Contains(strings.Join(rs[1].Replies, "\n"), "every call fails") {
		t.Errorf("late answer: node %s missed %v misses %d %q", c.Node, rs[1].Missed, c.Misses, rs[1].Replies)
	}
}

// A first text that tells a problem is no thank-you, even with "it
// worked" in it ("it worked last week"): it starts a flow or the
// catch-all, never a warm goodbye.
func TestProblemIsNoCloser(t *testing.T) {
	e := newEngine(t)
	for _, text := range []string{
		"Canva keeps saying Something went wrong when I try to download our poster as a PDF. I think it worked last week",
		"something went wrong with claude code, it worked yesterday",
	} {
		_, rs := say(e, bot.Conversation{}, text)
		for _, r := range rs[0].Replies {
			if strings.HasPrefix(r, "You're welcome") || strings.HasPrefix(r, "Glad") {
				t.Errorf("%q: closed as thanks: %q", text, rs[0].Replies)
			}
		}
	}
}
