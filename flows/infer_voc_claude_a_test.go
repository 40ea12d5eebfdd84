package flows_test

import "testing"

// TestInferVocClaudeA pins down what a first text already says to the
// questions of claude-code-401 and claude-code-403, in the general forms
// people state those facts in, and what it must not be taken to say.
func TestInferVocClaudeA(t *testing.T) {
	tests := []inferCase{ // want: 0-based; -1 = not taken from the text
		// curl -v or -i pasted: the status line with its HTTP version is
		// what curl got; "HTTP 401" said of Claude Code is not. The Host
		// header of a pasted Salesforce request is the host called.
		{"claude-code-401", "curl-test", "> GET /v1/models HTTP/2\n> Host: api.anthropic.com\n< HTTP/2 401\n< request-id: req_011", 1},
		{"claude-code-401", "curl-test", "claude code says HTTP 401", -1},
		{"claude-code-403", "smoke-test", "claude code 403 at the office. curl -v:\n< HTTP/1.1 403 Forbidden\n< Server: Zscaler/6.2", 2},
		{"claude-code-403", "smoke-test", "< HTTP/2 200\n< content-type: application/json", 0},
		{"salesforce-401", "which-host", "> GET /services/data/v60.0/sobjects/Account HTTP/1.1\n> Host: login.salesforce.com\n< HTTP/1.1 401 Unauthorized", 0},
		// 401 sign-in: a plan login told as the account or the browser.
		{"claude-code-401", "sign-in", "I sign in with my Max account and claude code still says not logged in", 0},
		// Someone made, set up or removed the API key, or made it in the
		// Console: an API key login.
		{"claude-code-401", "sign-in", `Claude Code now says "Invalid API key". The lady who set up the API key has left the committee`, 1},
		{"claude-code-401", "sign-in", "cloud code says invalid api key but the key is brand new, i made it in the console this morning", 1},
		{"claude-code-401", "sign-in", "claude code says invalid api key, no idea who set it up", -1},
		// A key put where the shell reads it, even when Claude Code asks
		// to log in (the key is not loading).
		{"claude-code-401", "sign-in", "claude code keeps asking me to log in even tho i put my api key in bashrc like teh guide said", 1},
		// A gateway someone set it up to go through.
		{"claude-code-529", "via-gateway", "our IT partner set up Claude Code to go through their gateway, and long jobs end with 504 Gateway Timeout", 0},
		// Added or invited to an organization's Console and logged in with
		// that account: the Console login (401's first choice, 403's third).
		{"claude-code-401", "sign-in", "they invited me to our anthropic console and I logged into claude code with that, now it says invalid api key", 0},
		{"claude-code-403", "sign-in", "new job, they added me to the company's anthropic console and I logged into claude code with that, but it says 403 forbidden", 2},
		{"claude-code-403", "sign-in", "claude code 403, I logged in with my company console account", 2},
		{"claude-code-403", "sign-in", "Our office manager made me an account on the Anthropic console so I could use Claude Code, and I log in with that. It says Request not allowed", 2},
		{"claude-code-billing", "how-pay", "now Claude Code says credit balance is too low. Tutoring agency, we buy credits", 1},
		{"claude-code-403", "sign-in", "claude code 403, I use an api key from the console and logged in with it", 1},
		{"claude-code-401", "sign-in", "claude code in WSL says not logged in but i already log in the browser", 0},
		{"claude-code-401", "sign-in", "logged in in the browser, the page said success, terminal says please run /login", 0},
		{"claude-code-401", "sign-in", "we have a team account and claude code keeps saying 401", 0},
		// ... an API key told as the key in use.
		{"claude-code-401", "sign-in", "cc 401 invalid api key, been using the same key for months", 1},
		{"claude-code-401", "sign-in", "401 with the api key from the console since this morning", 1},
		{"claude-code-401", "sign-in", "claude code 401 after i rotated our keys", 1},
		{"claude-code-401", "sign-in", "anthropic api 401 with a brand new key", 1},
		{"claude-code-401", "sign-in", "claude code says not logged in even tho i put the key in bashrc", 1},
		{"claude-code-401", "sign-in", "claude code can't find my API key even though I set it in my .env file", 1},
		{"claude-code-401", "sign-in", "my anthropic api key stopped working in claude code", 1},
		{"claude-code-401", "sign-in", "claude code auth error 401 after i reinstalled my laptop, I use /login", 0},
		{"claude-code-401", "sign-in", "claude code keeps kicking me out every morning", 0},
		{"claude-code-401", "sign-in", "why does claude code keep asking me to log in", 0},
		{"claude-code-401", "sign-in", "claude code says not logged in even i already login in browser", 0},
		// Not: doing what the message said is no way of signing in.
		{"claude-code-401", "sign-in", "claude code says please run /login but I did the /login already two times", -1},
		{"claude-code-401", "sign-in", "I never made an api key, claude code says invalid api key", -1},
		// Not: what Claude Code printed says nothing of the sign-in.
		{"claude-code-401", "sign-in", "claude code says invalid api key please run /login", -1},
		{"claude-code-401", "sign-in", "claude code not logged in please run /login", -1},
		{"claude-code-401", "sign-in", "claude code 401 authentication_error", -1},

		// 401 key-listed: "same key" in a first text is no look at the Console.
		{"claude-code-401", "key-listed", "cc 401 invalid api key, been using the same key for months", -1},
		{"claude-code-401", "key-listed", "the same key is listed in the console and active", 0},

		// 401 curl-test: away from the computer, in other words.
		{"claude-code-401", "curl-test", "claude code 401, I'm on the train right now", -1}, // infer: false

		// 403 sign-in: the plan, the key or the Console account in other words.
		{"claude-code-403", "sign-in", "Max user, /login went fine, then every prompt gets Request not allowed", 0},
		{"claude-code-403", "sign-in", "why would claude code say permission_error if my key is fine?", 1},
		{"claude-code-403", "sign-in", "403 on opus, sonnet works fine. key from the console", 1},
		{"claude-code-403", "sign-in", "Claude Code 403 after I logged in with my Console account instead of an API key", 2},
		{"claude-code-403", "sign-in", "I created an api key in my console account and claude code gets 403", 1},
		{"claude-code-403", "sign-in", "claude code 403 after /login", -1},
		// 403 proxy questions: only at the office is the company network.
		{"claude-code-403", "unsure-proxy", "claude code 403s only when I'm in the office, at home it works fine", 1},
		{"claude-code-403", "unsure-proxy", "Claude Code is giving 403 Forbidden error from office network", 1},
		{"claude-code-403", "later-proxy", "claude code gives me a 403 at the office but works fine at home", 1},
		{"claude-code-403", "later-proxy", "claude code 403, I'm at home now", -1},

		// 403 what-changed: a workspace move beats "was working yesterday".
		{"claude-code-403", "what-changed", "claude code was working yesterday, today only forbidden. we moved to a new workspace in the console", 0},
		{"claude-code-403", "what-changed", "we split our projects into workspaces yesterday and now claude code gets 403", 0},
		{"claude-code-403", "what-changed", "claude code was working yesterday, now 403", 1},
		{"claude-code-403", "what-changed", "we did not switch workspaces, it just started", -1},
		{"claude-code-403", "unsure-changed", "403 since they moved me to another workspace", 0},
		{"claude-code-403", "later-changed", "403 since we switched workspaces on monday", 0},
		// 403 smoke-test: some requests refused, the others through, is on and off.
		{"claude-code-403", "smoke-test", "some requests 403 permission_error, others go through", 5},
		{"claude-code-403", "smoke-test", "cc gives 403 every other time, works then forbidden then works again", 5},
		{"claude-code-403", "smoke-test", "claude 403 permission_error since we moved to a new workspace", 2},
		// "it's fine" with the model that works: one model only.
		{"claude-code-403", "smoke-test", "I switched Claude Code to Opus and I keep getting 403 errors. If I switch back to Sonnet it's fine", 7},
		// Not: others who can use it say nothing of on and off.
		{"claude-code-403", "plan-says", "claude code gives me 403 with my team account but my coworkers can use it", -1},
		// 403 plan-active: a declined card is a payment that failed.
		{"claude-code-403", "plan-active", "my card got declined and now claude code says 403", 0},
		{"claude-code-403", "plan-active", "claude code says 403 request not allowed, im on max", -1},
		// "Nothing changed" alone says nothing of whether the plan is
		// active ("Active, nothing changed" infers only from "active");
		// nothing's is a negation.
		{"claude-code-403", "plan-active", "Today it says API Error: 403 Request not allowed. Nothing's changed my end", -1},
		{"claude-code-403", "plan-active", "403 request not allowed, I'm on Max, it's active and paid", 2},
		{"claude-code-403", "plan-active", "my max plan expired last week and now claude code says 403", 0},

		// Round 2. The Max tier names the plan: "Max 20x", "on the 5x plan".
		{"claude-code-403", "sign-in", "Max 20x user, claude code gives 403 Request not allowed", 0},
		{"claude-code-403", "sign-in", "i'm on the 5x plan and claude code says 403", 0},
		{"claude-code-401", "sign-in", "max 20x here, claude code says not logged in every day", 0},
		// 403 proxy-between: fine at home, refused at the office.
		{"claude-code-403", "proxy-between", "Works at home, at the office claude code gets 403. We have zscaler on the work laptops.", 0},
		{"claude-code-403", "proxy-between", "it's fine at home, only the office gives 403", 0},
		{"claude-code-403", "proxy-between", "claude code 403 from the office since monday", 0},
		{"claude-code-403", "proxy-between", "in my office claude code is showing 403 forbidden, at home it is working fine", 0},
		{"claude-code-403", "proxy-between", "claude code give error 403 forbiden when i use in office, at home no problem", 0},
		// Not: home only, or the office denied.
		{"claude-code-403", "proxy-between", "I work from home, never in the office", 1},
		{"claude-code-403", "proxy-between", "claude code 403 at home on my own wifi", 1},
		// 401 plan-says: the browser says it worked, the terminal never got
		// it (WSL, SSH), however often it asks.
		{"claude-code-401", "plan-says", "claude code keeps asking me to log in on wsl, browser says success but terminal still not logged in", 0},
		{"claude-code-401", "plan-says", "the browser page said login successful but claude code says not logged in", 0},
		// Not: logged out again and again is the loop.
		{"claude-code-401", "plan-says", "claude code keeps logging me out every morning", 1},
		// Away from the computer: "rn" is right now.
		{"claude-code-401", "curl-test", "on my phone rn, claude code said invalid x-api-key before i left", 4},
		{"claude-code-403", "smoke-test", "on my phone rn, claude code said 403 before i left", 6},
		{"claude-code-401", "curl-test", "not at my laptop but i think claude code said my key was revoked", 4},
		{"claude-code-403", "smoke-test", "away from the computer, claude code 403 all morning", 6},
		// A key from the Console account is a key, not a Console login.
		{"claude-code-401", "sign-in", "our CI started failing with 401, I set it up with a key from my console account", 1},
		{"claude-code-403", "sign-in", "403 with the key from our console since monday", 1},
		{"claude-code-401", "sign-in", "I log in with my console account, claude code says not logged in", 0},
		// Rotated keys, a key exported in the profile or put in an env
		// file, a variable it won't pick up: a key.
		{"claude-code-401", "sign-in", "claude code 401 since we rotated keys in the console yesterday", 1},
		{"claude-code-401", "sign-in", "claude code keeps saying invalid api key, i exported it in my bashrc", 1},
		{"claude-code-401", "sign-in", "claude code say api key no found, i put it in env file", 1},
		{"claude-code-401", "sign-in", "claude code wont pick up my ANTHROPIC_API_KEY from zshrc", 1},
		// The key's state, said: a key.
		{"claude-code-401", "sign-in", "Invalid API key on the shared PC. The key is fine, I can see it in the Console", 1},
		{"claude-code-401", "sign-in", "claude code says invalid api key. my dev says the api key is definitely exported", 1},
		{"claude-code-401", "sign-in", "claude code says invalid api key, is the key set?", -1},
		// The variable put in the profile by the person: a key; paying for
		// a plan, the sum between: the plan.
		{"claude-code-401", "sign-in", `claude code keeps saying "Not logged in". I put export ANTHROPIC_API_KEY=sk-ant-... in ~/.bashrc about 40 min ago`, 1},
		{"claude-code-401", "sign-in", "Invalid API key · Fix external API key. but I don't use an API key?? I've paid $20/mo for Pro since Oct 3", 0},
		{"claude-code-403", "sign-in", "claude code 403 since yesterday, we pay $150 a month for Team", 0},
		// ... a login token in CI is the plan's.
		{"claude-code-401", "sign-in", "our CI pipeline with claude code fails with 401, it used my login token", 0},
		// Not: nothing in the profile, or only what the tool printed.
		{"claude-code-401", "sign-in", "there is nothing in my bashrc, I only use /login", -1},
		{"claude-code-401", "sign-in", "Error: Could not resolve authentication method. Expected either apiKey or authToken to be set", -1},
		// A key helper hands out API keys.
		{"claude-code-403", "sign-in", "claude code works once then 403 twice, we use a key helper that rotates two keys", 1},
		// On and off told by the day.
		{"claude-code-403", "unsure-says", "claude code 403 forbidden some days and some days is working", 4},
		{"claude-code-403", "smoke-test", "403 some days, works some days, no idea why", 5},
		// A 403 body that says the model is not available here names the model.
		{"claude-code-403", "body-says", "403 when I pick opus: {\"type\":\"permission_error\",\"message\":\"model claude-opus-4-1 is not available for this workspace\"}", 1},
		{"claude-code-403", "body-says", "Anthropic API is not available in your region", 0},
		// The key set "in the settings file": Claude's settings, a key.
		{"claude-code-401", "where-set", "Claude Code on Windows 11 keeps saying Not logged in. I set the key in the settings file, so why?", 2},
		{"claude-code-401", "sign-in", "Claude Code on Windows 11 keeps saying Not logged in. I set the key in the settings file, so why?", 1},
		// The org's API key switch, remembered with "something" in it.
		{"claude-code-403", "plan-says", "now Claude Code on my Mac says the organisation has disabled something about API keys?", 1},
		{"claude-code-403", "unsure-says", "Claude Code says something about API keys being disabled for the organisation", 2},
		// A filter's block page told in a first text is the "no API
		// message" answer; curl's status line told there is the curl
		// result, and a 403 Claude Code gets beside a curl 200 is not.
		{"claude-code-403", "body-says", "Here's what a curl from the hot desk gave me:\n\nHTTP/1.1 403 Forbidden\nServer: Zscaler/6.2\n<html><head><title>Access Denied</title></head><body>This site has been blocked by your organization's policy", 5},
		{"claude-code-403", "body-says", "claude code 403 at work, the browser shows our FortiGate web page blocked screen for api.anthropic.com", 5},
		{"claude-code-403", "smoke-test", "Here's what a curl from the hot desk gave me:\n\nHTTP/1.1 403 Forbidden\nServer: Zscaler/6.2", 2},
		{"claude-code-403", "smoke-test", "I ran the curl and it returned HTTP 401, invalid x-api-key", 1},
		{"claude-code-403", "smoke-test", "My API key works fine with curl (200) but Claude Code still gets 403", 0},
		{"claude-code-403", "smoke-test", "claude code 4-0-3 but curl werks fine with the same kee in my terminal", 0},
		{"claude-code-403", "smoke-test", "curl is fine but claude code gets 403", 0},
		// A plan changed to or renewed is a plan.
		{"claude-code-403", "sign-in", "upgrded pro -> max yesterday and now claude code says request not allowed (403)", 0},
		{"claude-code-403", "sign-in", "request not allowed since upgrade to max yday", 0},
		{"claude-code-403", "sign-in", "pretty sure my bank blocked the max renewal charge", 0},
		{"claude-code-401", "sign-in", "claude code logged me out since i upgraded to max", 0},
		{"claude-code-429", "who-calls", "claude code 429 after we went from pro to max", 1},
		// claude-code-403/plan-active: a plan changed to is a change; a
		// plan's name is not.
		{"claude-code-403", "plan-active", "upgrded pro -> max yesterday and now claude code says request not allowed (403)", 1},
		{"claude-code-403", "plan-active", "since upgrade to max yday", 1},
		{"claude-code-403", "plan-active", "claude code 403 request not allowed, I'm on max 5x", -1},
		// claude-code-401/where-runs: a script is written on one's own
		// computer as often as not; CI is said by its name.
		{"claude-code-401", "where-runs", "I am using Pro plan for our bakery's order sheet script", -1},
		{"claude-code-401", "where-runs", "our github actions job says OAuth token has expired", 1},
		// claude-code-429/parallel: one thing at a time is steady use.
		{"claude-code-429", "parallel", "Our python script calls Anthropic API one article at a time and still we are getting 429", 1},
		// A "which" clause that goes on from the one before is no question
		// back: the plan it names answers (a stray key outranks it).
		{"claude-code-401", "sign-in", "Ok, /status says API key, which is weird because I pay for Max and log in in the browser", 0},
		// A role said small runs no billing; "I'm just a bit confused" is no role.
		{"claude-code-billing", "limit-owner", "law firm's claude code, I'm just a paralegal", 1},
		{"claude-code-billing", "limit-owner", "I'm just a bit confused, the limit is reached", -1},
		// The usage page's share beside a reset time: room left.
		{"claude-code-429", "which-window", "Claude Code says I've hit my usage limit, resets at 4pm, but claude.ai usage says I've used 20% this week", 2},
		// "permission_error only": the plain one.
		{"claude-code-403", "body-says", "Since we moved to a new workspace last week, got 403 permission_error only", 2},
		{"claude-code-403", "body-says", "claude code 403 permission_error", -1},
		// A gateway named beside ANTHROPIC_API_KEY: the gateway's key.
		{"claude-code-401", "sign-in", "our co-op runs a litellm proxy. I put my virtual key in ANTHROPIC_API_KEY and claude code says 401 invalid x-api-key", 2},
		{"claude-code-401", "sign-in", "claude code wont pick up my ANTHROPIC_API_KEY from zshrc", 1},
		// Money put on the Console is API credits.
		{"claude-code-billing", "how-pay", "credit balance too low. we put $20 on the console back in August.", 1},
		// "nothing about a region or a model": a list, each ruled out.
		{"claude-code-403", "body-says", "just permission_error, nothing about a region or a model", 2},
		// Claude Team or Enterprise said with Claude's name is a plan.
		{"claude-code-401", "sign-in", "We're on Claude Team and I'm an admin of it. She runs /login, the browser says login successful", 0},
		// Fine one at a time, failing with many subagents: on and off.
		{"claude-code-403", "smoke-test", "Claude Code with my API key works fine one prompt at a time, but when I fan out 8 subagents some of them fail with 403", 5},
		// claude-code-billing/just-paid: a purchase said as one; not the
		// time the error came, nor how they pay.
		{"claude-code-billing", "just-paid", "Claude Code stopped this morning with a billing message. API credits with auto-reload.", -1},
		{"claude-code-billing", "just-paid", "credit balance too low. we top up the API credits now and then", -1},
		{"claude-code-billing", "just-paid", "Claude Code says my credit balance is too low but I bought $50 of credits like 20 min ago", 0},
		{"claude-code-billing", "just-paid", "I have done the payment of $50 for credits yesterday but still it says credit balance is too low", 0},
		{"claude-code-billing", "just-paid", "credit balance too low, I bought $10 back in September and it's just run out", 1},
		// claude-code-529/proxy-vpn: an employer's device or network, or
		// home internet; not a small business's office pc.
		{"claude-code-529", "proxy-vpn", "claude code ETIMEDOUT on my work laptop", 0},
		{"claude-code-529", "proxy-vpn", "Claude Code: Unable to connect to API (ENOTFOUND). Running the caravan park bookings from the office pc", -1},
		{"claude-code-529", "proxy-vpn", "claude code giving me getaddrinfo ENOTFOUND, just the home broadband", 1},
		{"claude-code-529", "proxy-vpn", "claude code: getaddrinfo ENOTFOUND api.anthropic.com. the laptop's on the station broadband", 1},
		{"claude-code-529", "proxy-vpn", "claude code ETIMEDOUT on the company wifi, fine on my phone", 0},
		// claude-code-403: on and off told by the days; a change told in
		// the first text answers whether one came before a plain 403.
		{"claude-code-403", "body-says", "Claude Code with my API key gives 403 on some days and works fine on others", 4},
		{"claude-code-403", "plain-changed", "claude code 403 since we moved everything to a new workspace on Monday", 0},
		{"claude-code-403", "plain-changed", "claude code 403 unusual activity on my api key", 2},
		// Windows' setx sets the key in the environment, as a profile does.
		{"claude-code-401", "where-set", "I set our Anthropic API key on the stock PC with setx yesterday", 0},
		// Not: a max that is no plan.
		{"claude-code-403", "sign-in", "403 when I set max tokens to 64000", -1},
		// Not: "for some days" is how long, not on and off.
		{"claude-code-403", "unsure-says", "claude code 403 for some days now", -1},
	}
	checkInfer(t, tests)
}

// TestReadVocClaudeA pins down answers these flows' questions now
// understand, and what they still must not take.
func TestReadVocClaudeA(t *testing.T) {
	tests := []readCase{ // want: 0-based; -1 = not understood
		// Away from the computer, said by where the person is.
		{"claude-code-401", "curl-test", "I'm on the train, the laptop is in my bag", 4},
		{"claude-code-401", "curl-test", "don't have my laptop with me", 4},
		{"claude-code-401", "curl-test", "curl gave 401 too", 1},
		// The Console's list: a key with the same start, said in words.
		{"claude-code-401", "key-listed", "the same key is there, active", 0},
		{"claude-code-403", "smoke-test", "I'm on the train, the laptop is in my bag", 6},
		{"claude-code-403", "smoke-test", "curl also gives 403", 2},
		{"claude-code-403", "plan-active", "MY CARD GOT DECLINED LAST WEEK IF THAT MATTERS", 0},
		// The question said back before the answer is the question's
		// words, not the answer's; an answer with a question mark is an
		// answer.
		{"twilio-sms", "wants-back", "Does she want them? No, she was quite clear about that", 1},
		{"claude-code-529", "proxy-vpn", "VPN or proxy? No, none. Just the new home router", 1},
		{"claude-code-403", "sign-in", "I think it's an API key? my company gave me one, it's in my env", 1},
		// A plan that renewed fine changed nothing; after "but", the point.
		{"claude-code-403", "plan-active", "Is the plan active? Yes, it's active, it renewed fine on the 1st. Nothing changed there", 2},
		{"claude-code-403", "plan-active", "The plan is active ja, nothing changed, but the 403 comes and goes", 3},
		// One model said to fail beside a curl that works; a 403 with a
		// block page is a 403.
		{"claude-code-403", "smoke-test", "The curl test came back 200 with a list of models. It's only Opus that fails in claude code, Sonnet works", 7},
		{"claude-code-403", "smoke-test", "403, but the body is an HTML page with our Netskope logo, not JSON.", 2},
		// The card on file replaced and never updated.
		{"claude-code-403", "plan-active", "my bank sent me a new card in october after a fraud thing and I never put it in anywhere", 0},
		// A share of a send is a bulk send.
		{"twilio-sms", "wants-back", "it's our monthly newsletter, 40 different people out of 600", 3},
		{"claude-code-403", "plan-active", "active, nothing changed", 2},
		// "nothing about region", "no model name": choices ruled out, not
		// an empty body.
		{"claude-code-403", "body-says", "just permission_error, no model name, nothing about region", 2},
		{"claude-code-403", "body-says", "nothing", 5},
		{"claude-code-403", "body-says", "no mention of the region, just permission_error", 2},
		// A filter's block page is no API body.
		{"claude-code-403", "body-says", "it's not json at all, it's our own FortiGate 'Web Page Blocked' page", 5},
		{"claude-code-403", "smoke-test", "can't do it till tonight sorry", 6},
		{"claude-code-403", "smoke-test", "haven't been able to run it yet", 6},
		{"claude-code-401", "curl-test", "can't really run curl in the runner", 4},
		// Runs that disagree, or 403s only with the agents: on and off.
		{"claude-code-403", "smoke-test", "ran it 5 times: 200, 200, 403, 200, 403", 5},
		{"claude-code-403", "smoke-test", "a single curl gives 200, the 403s only come when the agents run", 5},
		// Not: curl fine and Claude Code refused is a 200.
		{"claude-code-403", "smoke-test", "curl gives 200 but claude code gives 403", 0},
		{"claude-code-403", "smoke-test", "claude code says 403 but curl gives 200, then claude says 403 again", 0},
		{"claude-code-403", "smoke-test", "200 200 200", 0},
		// An HTML page is another message.
		{"claude-code-403", "unsure-says", "the body is an HTML page, a Zscaler block page", 5},
		// A gateway's own key, and where it runs in other words.
		{"claude-code-401", "sign-in", "through our LiteLLM gateway with a virtual key", 2},
		{"claude-code-401", "where-runs", "My own PC, inside WSL2.", 0},
		// Round 2. A plan member whose org has not turned Claude Code on.
		{"claude-code-403", "plan-says", "something about claude code not being enabled for my account, contact your admin", 2},
		{"claude-code-403", "plan-says", "it says claude code is not enabled, ask your admin", 2},
		{"claude-code-403", "unsure-says", "claude code isn't enabled for my account it says", 3},
		// Not: the org's API key switch keeps its own choice.
		{"claude-code-403", "plan-says", "your organization has disabled api key authentication, contact your admin", 1},
		{"claude-code-403", "plan-says", "Request not allowed", 0},
		// The org's subscription switch in other words: "not allowing" is
		// the label's "disabled", not a negation of it.
		{"claude-code-403", "plan-says", "it's the one about the org not allowing the subscription for claude code", 2},
		// The office fails, home works: the proxy, not the "at home" of the no.
		{"claude-code-403", "proxy-between", "in the office curl gets 403 too, at home it's 200", 0},
		{"claude-code-403", "proxy-between", "no, direct connection at home", 1},
	}
	checkRead(t, tests)
}

// TestIntakeVocClaudeA pins down first texts that name Claude Code the
// way people do, or state a 401 or 403 in words, and texts that must
// not start these flows.
func TestIntakeVocClaudeA(t *testing.T) {
	tests := []intakeCase{ // want "": neither claude-code-401 nor claude-code-403
		{"cc 401 invalid api key since this morning", "claude-code-401"},
		{"claude code can't find my API key, it's in my .env", "claude-code-401"},
		{"claude code logged me out again, third time this week", "claude-code-401"},
		{"/login opens the browser, I sign in with my Max account, terminal still says not logged in", "claude-code-401"},
		{"cc gives 403 every other time, works then forbidden", "claude-code-403"},
		{"claude code is giving me 403, is that my key or is anthropic down", "claude-code-403"},
		{"claude code 403 after I logged in with my console account", "claude-code-403"},
		{"API Error: 403 AccessDeniedException: User: arn:aws:sts::1234:assumed-role/dev/me is not authorized to perform: bedrock:InvokeModel", "claude-code-403"},
		// Not: another AWS service, or a 403 from anything else.
		{"aws s3 access denied 403 on putobject", ""},
		{"our website gives 403 forbidden", ""},
		// Not: a credit card is no Claude Code.
		{"my cc was declined", ""},
		{"401 unauthorized from our api", ""},
		// Round 2: a key the tool will not take, with a typo.
		{"claude code wont take my api key, says authentication erorr every time i run it", "claude-code-401"},
		{"claude code doesn't accept my api key", "claude-code-401"},
		// Not: a key refused by something that is not ours.
		{"salesforce wont take my api key, authentication error", ""},
	}
	checkIntake(t, tests, "claude-code-401", "claude-code-403")
}
