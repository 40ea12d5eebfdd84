package flows_test

import "testing"

// TestInferVocClaudeB pins down what a first text says without being asked
// in the claude-code-429, claude-code-529 and claude-code-billing flows:
// facts stated in a person's own words, and texts that must not be read
// as them (a guess, a frequency, a negation, a belief about the sign-in).
func TestInferVocClaudeB(t *testing.T) {
	tests := []inferCase{ // want: choice index, -1 for none
		// 429 parallel: "a lot" is how often the 429 comes, not how many
		// requests go out at once; one person, one session is steady use.
		{"claude-code-429", "parallel", "claude code on our api key throws 429 a lot lately", -1},
		{"claude-code-429", "parallel", "429 a lot, just me using it, nothing fancy", 1},
		{"claude-code-429", "parallel", "rate limited even with only one session open", 1},
		{"claude-code-429", "parallel", "we run lots of agents against the key", 0},
		{"claude-code-429", "parallel", "it's not just me, the whole team runs it at once", 0},
		{"claude-code-429", "parallel", "rate limited when i fire 8 subagents in parallel", 0},

		// 429 parallel: trouble that comes with more than one at once; a
		// single session said to be fine is the contrast.
		{"claude-code-429", "parallel", "keeps throwing 429s when I run subagents, a single session is fine", 0},
		{"claude-code-429", "parallel", "rate limited with several sessions open", 0},
		{"claude-code-429", "parallel", "429 but I don't run subagents, just one session", 1},
		{"claude-code-429", "parallel", "rate limited in a single session", 1},

		// 429 what-says: a rate limit told as the API key's is the API
		// rate limit; plans' limits never reach a key.
		{"claude-code-429", "what-says", "keep getting 429s on our api key", 2},
		{"claude-code-429", "what-says", "claude code rate limited with my api key all morning", 2},
		{"claude-code-429", "what-says", "claude code says I reached my limit, back at 6pm", 0},
		{"claude-code-429", "what-says", "on max, not with my api key, claude code says 429 rate limit", -1},
		{"claude-code-429", "what-says", "claude code 429", -1},

		// 429 which-window: the reset time decides; "only used it for an
		// hour" is no usage page with room left.
		{"claude-code-429", "which-window", "limit resets 5pm, I only used it like half an hour", 0},
		{"claude-code-429", "which-window", "the usage page shows I've only used 25%", 2},
		{"claude-code-429", "which-window", "claude.ai says i only used 10 percent", 2},

		// 429 who-calls: the key in the person's words.
		{"claude-code-429", "who-calls", "claude code 429 rate_limit_error on our api key", 0},
		{"claude-code-429", "who-calls", "claude code 429, not our api key, I'm on max", 1},

		// 429 who-calls: the provider in two words outweighs a plan word
		// ("team") beside it.
		{"claude-code-429", "who-calls", "our team's claude code users keep hitting 429 on bedrock", 2},
		{"claude-code-429", "who-calls", "claude code throttled through our gateway, team plan", 2},
		{"claude-code-429", "who-calls", "429 on max, we are a team, not on bedrock", 1},

		// 429 meant-key: a Console org or a usage tier is the key's world.
		{"claude-code-429", "meant-key", "it's a console org on tier 2", 1},
		{"claude-code-429", "meant-key", "429 with my api key, I'm on max too", 0},
		// The key is the one wanted, whatever plan the person also has.
		{"claude-code-429", "meant-key", "Well, I do have Pro for myself, but the society pays for this key and that's the one I want it to use", 1},
		{"claude-code-429", "meant-key", "yes I pay for max, I never meant it to use a key", 0},

		// 529 what-says: no error, it hangs.
		{"claude-code-529", "what-says", "claude code sits on thinking for ages, no error message at all", 4},
		{"claude-code-529", "what-says", "claude code spins forever and never finishes", 4},
		{"claude-code-529", "what-says", "claude code spinning for 5 minutes then ECONNRESET", 3},
		{"claude-code-529", "what-says", "request timed out, no error message besides that", 2},

		// 529 status: only what the page showed, never a guess.
		{"claude-code-529", "status-529", "529 overloaded, I looked and there is an incident for opus", 0},
		{"claude-code-529", "status-5xx", "500 errors and the status page shows incident for claude code", 0},
		{"claude-code-529", "status-529", "overloaded again, status page says all systems operational", 1},
		{"claude-code-529", "status-529", "529 overloaded. there is no incident", 1},
		{"claude-code-529", "status-529", "529 overloaded but there isn't an incident on the status page", 1},
		{"claude-code-529", "status-529", "overloaded again, probably a major outage?", -1},
		{"claude-code-529", "status-529", "529 overloaded, is there an incident?", -1},
		{"claude-code-529", "status-529", "overloaded_error, maybe there is an incident", -1},

		// 529 proxy-vpn: failing at work and fine at home is the network
		// at work; "at home" there is the contrast.
		{"claude-code-529", "proxy-vpn", "ECONNRESET on the work laptop, works fine at home", 0},
		{"claude-code-529", "proxy-vpn", "claude code can't connect, works on my hotspot though", 0},
		{"claude-code-529", "proxy-vpn", "claude code unable to connect, home wifi, no vpn", 1},
		{"claude-code-529", "proxy-vpn", "unable to connect and it's not fine at home either", 1},

		// 529 curl: a curl the person already ran, told as its result;
		// Claude Code's own timeout is no curl result.
		{"claude-code-529", "curl-conn", "unable to connect (ENOTFOUND). curl to api.anthropic.com fails too", 1},
		{"claude-code-529", "curl-conn", "connection error, curl hangs as well", 1},
		{"claude-code-529", "curl-timeout", "request timed out, curl to api.anthropic.com works", 0},
		{"claude-code-529", "curl-timeout", "request timed out after 10 min", -1},
		{"claude-code-529", "curl-conn", "unable to connect, curl doesn't fail though", -1},
		{"claude-code-529", "curl-conn", "econnreset, should I try curl?", -1},

		// billing limit-owner: billing someone else runs.
		{"claude-code-billing", "limit-owner", "we reached our specified API usage limits, I'm not the one who manages billing", 1},
		{"claude-code-billing", "limit-owner", "my manager set a spend limit on our workspace and we hit it", 1},
		{"claude-code-billing", "limit-owner", "spend limit hit, I don't have access to billing", 1},
		{"claude-code-billing", "limit-owner", "I set a spend limit, I manage billing", 0},

		// billing limit-owner: the admin in their own words.
		{"claude-code-billing", "limit-owner", "spend limit on our company key, I'm the org admin", 0},
		{"claude-code-billing", "limit-owner", "I set a $300 monthly spend limit and now claude code stops", 0},
		{"claude-code-billing", "limit-owner", "claude code hit the usage limits I set myself", 0},
		{"claude-code-billing", "limit-owner", "spend limit reached, I'm not the org admin", 1},
		{"claude-code-billing", "limit-owner", "spend limit reached, our admin set a limit", 1},

		// billing how-pay: credits bought by the amount.
		{"claude-code-billing", "how-pay", "credit balance too low and I bought 40 dollars of credits", 1},
		{"claude-code-billing", "how-pay", "balance too low though I got $25 worth of credits", 1},
		{"claude-code-billing", "how-pay", "claude code says I ran out of credits", -1},
		{"claude-code-billing", "how-pay", "bought $20 of credits on the console an hour ago, still too low", 1},
		{"claude-code-billing", "how-pay", "credit balance too low, I never bought $20 of credits or any", -1},
		{"claude-code-billing", "how-pay", "purchased $10 in credits but claude code says balance too low", 1},
		{"claude-code-billing", "how-pay", "ran out of credits, i have max", 0},
		{"claude-code-billing", "how-pay", "credit balance too low, I log in with my claude.ai account", 0},
		{"claude-code-billing", "how-pay", "credit balance too low, I just signed up", 2},
		{"claude-code-billing", "how-pay", "credit balance too low, haven't bought credits since june", -1},

		// billing org-key: a key said to be absent or somewhere; never a
		// sign-in word (a forgotten key shadows the login).
		{"claude-code-billing", "org-key", "org has been disabled, no api key set anywhere", 1},
		{"claude-code-billing", "org-key", "organization disabled; no key is set on this laptop", 1},
		{"claude-code-billing", "org-key", "org disabled and my key is in my bashrc", 0},
		{"claude-code-billing", "org-key", "disabled org, there's an old api key from a past job", 0},
		{"claude-code-billing", "org-key", "org disabled, I just use my claude login", -1},
		{"claude-code-billing", "org-key", "org disabled, I'm on max", -1},
		{"claude-code-billing", "org-key", "org disabled, maybe no key is set?", -1},
	}
	checkInfer(t, tests)
}

// TestIntakeVocClaudeB: first texts that lead one of these flows clearly.
func TestIntakeVocClaudeB(t *testing.T) {
	tests := []intakeCase{
		{"claude code says our workspace hit its spend limit, who raises it?", "claude-code-billing"},
		{"claude code stopped: we hit our spend limit this month", "claude-code-billing"},
		{"claude code tells me I've reached my limit, when can I use it again", "claude-code-429"},
		{"claude code sits on thinking for ages with no error, pro plan", "claude-code-529"},
		{"claude code: why is my console getting charged api usage, I'm on pro", "claude-code-billing"},
		{"stripe charged the customer twice", "stripe-402"},
		// "cc" is Claude Code in every Claude flow, not a credit card.
		{"cc usage limit reached again, max plan", "claude-code-429"},
		{"cc just hangs, spinner forever, no error", "claude-code-529"},
		{"cc says credit balance too low", "claude-code-billing"},
		{"my cc was declined", ""},
		{"cc declined at checkout, stripe", "stripe-402"},
		// Claude Code's own "Request rejected (429)" names it; a plan
		// shouted ("I have MAX") is a tier, not another product.
		{"API Error: Request rejected (429)", "claude-code-429"},
		{"great, another 429, love that for me. \"Request rejected (429)\". I have MAX", "claude-code-429"},
		{"request rejected by the firewall", "other-error"},
		// Salesforce's API_DISABLED_FOR_ORG (REST API "Supported Editions
		// and Required Permissions") and Stripe said to block an order.
		{"salesforce says API_DISABLED_FOR_ORG for the integration user", "salesforce-401"},
		// A word only one vendor's product uses names it: Claude Code's
		// subagents, Stripe's 4242 test card, Salesforce's
		// API_DISABLED_FOR_ORG.
		{"since I started running subagents in parallel some of them fail with 403 forbidden", "claude-code-403"},
		{"since we switched to live keys our 4242 test card gets declined", "stripe-402"},
		{"since we created the new integration user: 401 API_DISABLED_FOR_ORG The REST API is not enabled for this Organization", "salesforce-401"},
		{"stripe blocked a regular customer's $1,200 order, he's bought from us 5 times", "stripe-402"},
		// On a plan, billed for API usage: billing's, not a usage limit.
		{"Hi, I'm on Claude Pro but I just got an email receipt from the Anthropic Console for $38 of API usage from Claude Code. Am I being double charged?", "claude-code-billing"},
		{"claude code says I hit my usage limit, am I being charged extra?", "claude-code-429"},
		// A place where Claude Code runs (the catch-all's hosts) beside
		// it, with no error: the error is asked for, not the catch-all;
		// with a code, that code's flow. Another product is still the
		// catch-all's.
		{"our github action that runs claude code started failing overnight", ""},
		{"claude code in docker fails", ""},
		{"claude code in github actions 401", "claude-code-401"},
		{"github actions failing", "other-error"},
		{"claude code on github fails", "other-error"},
		{"claude code in cursor keeps failing", "other-error"},
		{"Heroku app crashed H10 after the deploy and the Twilio webhooks to it fail with 11200. root cause is Heroku I guess", "other-error"},
		// Where code runs, in a developer's capitals ("GHA", "PROD") is no
		// product of its own: no catch-all for Claude Code there.
		{"cc in GHA failing since this am:", ""},
		{"claude code 401 in GHA since this morning", "claude-code-401"},
		{"claude code 403 on PROD only", "claude-code-403"},
		// Two flows of ours close, the code of one said: that one. Neither
		// said: still the offer.
		{"Claude Code 403 since I landed in Hong Kong on Sunday night. I use an API key from the Console, about $40 credit left", "claude-code-403"},
		{"claude code 403 since we moved our project into a new workspace on monday. Logged out and back in too", "claude-code-403"},
		{"claude code stopped, says I reached my workspace api usage limits. I'm the owner of this org and I never set a limit. who did", ""},
	}
	checkIntake(t, tests)
}
