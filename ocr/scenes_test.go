package ocr_test

import (
	"fmt"
	"strings"
)

// A scene is an error as it appears on a screen: a Claude Code terminal,
// a shell, a JSON body in an editor, a browser error page, a Stripe or
// Twilio console, an API client. flow is the tree a person texting it
// would expect. The body is HTML; in terminals <r>, <d>, <o>, <g> and <b>
// colour a span red, dim, orange, green and bold.
type scene struct {
	name, flow, kind string
	title            string // the window's title, or the page's URL
	tab              string // a browser tab's title
	body             string
}

const (
	terminal = "terminal" // Claude Code or a shell in a terminal window
	editor   = "editor"   // a JSON file or pasted body, with line numbers
	browser  = "browser"  // a web page with an address bar
	console  = "console"  // a dashboard: Stripe, Twilio, Anthropic
	client   = "client"   // an API client: request, status, body
)

const ccBanner = `<o>╭──────────────────────────────────────────╮</o>
<o>│</o> <o>✻</o> Welcome to <b>Claude Code</b>!                   <o>│</o>
<o>│</o>                                          <o>│</o>
<o>│</o>   <d>/help for help, /status for your setup</d> <o>│</o>
<o>│</o>                                          <o>│</o>
<o>│</o>   <d>cwd: /Users/sam/code/shop-api</d>          <o>│</o>
<o>╰──────────────────────────────────────────╯</o>

`

var scenes = []scene{
	// claude-code-401
	{name: "cc401-invalid-key", flow: "claude-code-401", kind: terminal, title: "sam@mbp: ~/code/shop-api — claude",
		body: ccBanner + `<d>&gt;</d> add retries to the upload client

<r>●</r> <r>Invalid API key · Please run /login</r>
`},
	{name: "cc401-oauth-expired", flow: "claude-code-401", kind: terminal, title: "dev@box: ~/repo — claude",
		body: ccBanner + `<d>&gt;</d> why does the build fail on main?

<g>●</g> I'll look at the CI logs first.
  <d>⎿</d>  <r>API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."},"request_id":"req_011CUBbQq8S7ZkDw3Mn5tXyz"} · Please run /login</r>
`},
	{name: "cc401-curl", flow: "claude-code-401", kind: terminal, title: "bash — 120×32",
		body: `<g>sam@mbp</g>:<o>~/code</o>$ curl -s https://api.anthropic.com/v1/messages \
    -H "x-api-key: $ANTHROPIC_API_KEY" \
    -H "anthropic-version: 2023-06-01" \
    -H "content-type: application/json" \
    -d '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}'
{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CV3kF2v8NnQ9Yp1rT6wLs"}
<g>sam@mbp</g>:<o>~/code</o>$ `},

	// claude-code-403
	{name: "cc403-request-not-allowed", flow: "claude-code-403", kind: terminal, title: "sam@mbp: ~/code/shop-api — claude",
		body: ccBanner + `<d>&gt;</d> fix the failing test in api/client_test.go

<g>●</g> I'll start by reading the test file.
  <d>⎿</d>  <r>API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Request not allowed"}}</r>
`},
	{name: "cc403-json", flow: "claude-code-403", kind: editor, title: "response.json — shop-api",
		body: `{
  "type": "error",
  "error": {
    "type": "permission_error",
    "message": "Your API key does not have permission to use the specified resource."
  },
  "request_id": "req_011CTzJ7mW2pX9aLq4Vb8NcD"
}`},
	{name: "cc403-oauth-org", flow: "claude-code-403", kind: terminal, title: "claude — zsh",
		body: ccBanner + `<d>&gt;</d> summarise the open PRs

<r>●</r> <r>Failed to authenticate. API Error: 403 {"type":"error","error":{"type":"permission_error","message":"OAuth authentication is currently not allowed for this organization."}}</r>
`},

	// claude-code-429
	{name: "cc429-rate-limit", flow: "claude-code-429", kind: terminal, title: "dev@box: ~/repo — claude",
		body: ccBanner + `<d>&gt;</d> refactor the billing module into smaller files

<g>●</g> Reading 14 files…
  <d>⎿</d>  <r>API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 30,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits."}}</r>
`},
	{name: "cc429-usage-limit", flow: "claude-code-429", kind: terminal, title: "sam@mbp: ~/code/shop-api — claude",
		body: ccBanner + `<d>&gt;</d> now write the tests for it

<o>●</o> <o>Claude usage limit reached. Your limit will reset at 3pm (America/Los_Angeles).</o>

    <d>/upgrade to increase your usage limit.</d>
`},
	{name: "cc429-5h-limit", flow: "claude-code-429", kind: terminal, title: "claude — zsh",
		body: ccBanner + `<d>&gt;</d> continue

<o>5-hour limit reached ∙ resets 7pm</o>
<d>/upgrade to Max or turn on /extra-usage to keep going</d>
`},

	// claude-code-529
	{name: "cc529-overloaded", flow: "claude-code-529", kind: terminal, title: "dev@box: ~/repo — claude",
		body: ccBanner + `<d>&gt;</d> add pagination to the orders endpoint

<g>●</g> Let me look at the handler.
  <d>⎿</d>  <r>API Error (529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}) · Retrying in 9 seconds… (attempt 6/10)</r>
  <d>⎿</d>  <r>API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}</r>
`},
	{name: "cc529-connection", flow: "claude-code-529", kind: terminal, title: "claude — corp-vpn",
		body: ccBanner + `<d>&gt;</d> run the linter and fix what it finds

<r>●</r> <r>API Error (Connection error.) · Retrying in 1 seconds… (attempt 1/10)</r>
<r>●</r> <r>API Error (Connection error.) · Retrying in 2 seconds… (attempt 2/10)</r>
<r>●</r> <r>API Error: Connection error.</r>
`},
	{name: "cc529-500", flow: "claude-code-529", kind: terminal, title: "sam@mbp: ~/code/shop-api — claude",
		body: ccBanner + `<d>&gt;</d> explain this stack trace

<r>●</r> <r>API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"req_011CW1pR8sTq2uVx3yZ4aB5c"}</r>
`},

	// claude-code-billing
	{name: "ccbill-credit-low", flow: "claude-code-billing", kind: terminal, title: "dev@box: ~/repo — claude",
		body: ccBanner + `<d>&gt;</d> hello

<r>●</r> <r>API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans &amp; Billing to upgrade or purchase credits."}}</r>
`},
	{name: "ccbill-console", flow: "claude-code-billing", kind: console, title: "console.anthropic.com/settings/billing",
		body: `<h1>Billing</h1>
<div class="alert">Your credit balance is too low to access the Anthropic API. Purchase credits to continue.</div>
<table><tr><th>Credit balance</th><td>$0.00</td></tr>
<tr><th>Auto reload</th><td>Off</td></tr>
<tr><th>Monthly spend limit</th><td>$100.00</td></tr></table>
<p><span class="button">Buy credits</span></p>`},
	{name: "ccbill-disabled", flow: "claude-code-billing", kind: terminal, title: "claude — zsh",
		body: ccBanner + `<d>&gt;</d> deploy the preview branch

<r>●</r> <r>API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"This organization has been disabled."}}</r>
`},

	// salesforce-401
	{name: "sf-curl", flow: "salesforce-401", kind: terminal, title: "bash — 120×32",
		body: `<g>sam@mbp</g>:<o>~/sync</o>$ curl -i https://acme.my.salesforce.com/services/data/v61.0/sobjects/Account \
    -H "Authorization: Bearer $SF_TOKEN"
HTTP/1.1 401 Unauthorized
Date: Thu, 20 Nov 2026 14:02:11 GMT
Content-Type: application/json;charset=UTF-8
WWW-Authenticate: Token

[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]
<g>sam@mbp</g>:<o>~/sync</o>$ `},
	{name: "sf-client", flow: "salesforce-401", kind: client, title: "GET https://acme.my.salesforce.com/services/data/v61.0/query?q=SELECT+Id+FROM+Contact",
		body: `[
  {
    "message": "Session expired or invalid",
    "errorCode": "INVALID_SESSION_ID"
  }
]`},
	{name: "sf-java", flow: "salesforce-401", kind: terminal, title: "sync-job — java",
		body: `Exception in thread "main" [UnexpectedErrorFault [ApiFault  exceptionCode='INVALID_SESSION_ID'
 exceptionMessage='Invalid Session ID found in SessionHeader: Illegal Session. Session not found, missing session hash'
]
]
	at com.sforce.soap.partner.PartnerConnection.query(PartnerConnection.java:1184)
	at com.acme.sync.ContactSync.run(ContactSync.java:57)`},

	// stripe-402
	{name: "stripe-payments", flow: "stripe-402", kind: console, title: "dashboard.stripe.com/payments",
		body: `<h1>Payments</h1>
<table class="rows">
<tr><th>Amount</th><th>Status</th><th>Description</th><th>Customer</th></tr>
<tr><td>$49.00 USD</td><td><span class="bad">Failed</span></td><td>Your card was declined.</td><td>jane@example.com</td></tr>
<tr><td>$19.00 USD</td><td><span class="ok">Succeeded</span></td><td>Pro plan</td><td>li@example.com</td></tr>
<tr><td>$49.00 USD</td><td><span class="bad">Failed</span></td><td>Your card was declined.</td><td>jane@example.com</td></tr>
</table>
<p class="muted">stripe · Test mode off</p>`},
	{name: "stripe-detail", flow: "stripe-402", kind: console, title: "dashboard.stripe.com/payments/pi_3QeRt2LkdIwHu7ix0x9AbCdE",
		body: `<h1>$49.00 USD <span class="bad">Failed</span></h1>
<p>The bank declined this payment. Decline code: <code>insufficient_funds</code></p>
<table><tr><th>Error</th><td>card_declined</td></tr>
<tr><th>Message</th><td>Your card has insufficient funds.</td></tr>
<tr><th>Payment method</th><td>Visa •••• 4242</td></tr>
<tr><th>Radar risk</th><td>Normal</td></tr></table>`},
	{name: "stripe-json", flow: "stripe-402", kind: editor, title: "stripe-error.json",
		body: `{
  "error": {
    "code": "card_declined",
    "decline_code": "do_not_honor",
    "doc_url": "https://stripe.com/docs/error-codes/card-declined",
    "message": "Your card was declined.",
    "type": "card_error"
  }
}`},

	// twilio-sms
	{name: "tw-21610-errors", flow: "twilio-sms", kind: console, title: "console.twilio.com/monitor/logs/debugger/errors",
		body: `<h1>Error logs</h1>
<p class="muted">Twilio Console · Monitor · Logs · Errors</p>
<table class="rows">
<tr><th>Code</th><th>Description</th><th>Product</th></tr>
<tr><td>21610</td><td>Attempt to send to unsubscribed recipient</td><td>Programmable Messaging</td></tr>
<tr><td>21610</td><td>Attempt to send to unsubscribed recipient</td><td>Programmable Messaging</td></tr>
</table>`},
	{name: "tw-30007", flow: "twilio-sms", kind: console, title: "console.twilio.com/monitor/logs/sms",
		body: `<h1>Message SM4f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f</h1>
<p class="muted">Twilio Console · Programmable Messaging · Message logs</p>
<table><tr><th>Status</th><td><span class="bad">Undelivered</span></td></tr>
<tr><th>Error</th><td>30007 Message filtered</td></tr>
<tr><th>Description</th><td>Carrier violation: the message was filtered (blocked) by Twilio or by the carrier.</td></tr>
<tr><th>From</th><td>+1 415 555 0100</td></tr></table>`},
	{name: "tw-21608", flow: "twilio-sms", kind: console, title: "console.twilio.com/monitor/logs/debugger/errors",
		body: `<h1>Error 21608</h1>
<p class="muted">Twilio Console · Programmable Messaging SMS</p>
<p>The number +1 415 555 0134 is unverified. Trial accounts cannot send messages to unverified numbers; verify it in the Twilio Console, or purchase a Twilio number to send SMS to unverified numbers.</p>`},
	{name: "tw-node", flow: "twilio-sms", kind: terminal, title: "node — notify-worker",
		body: `<r>RestException [Error]: Attempt to send to unsubscribed recipient</r>
    at success (/app/node_modules/twilio/lib/base/Version.js:79:23)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {
  status: 400,
  code: 21610,
  moreInfo: 'https://www.twilio.com/docs/errors/21610',
  details: undefined
}`},

	// other-error
	{name: "other-nginx-502", flow: "other-error", kind: browser, title: "shop.example.com/checkout", tab: "502 Bad Gateway",
		body: `<center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.24.0</center>`},
	{name: "other-apache-404", flow: "other-error", kind: browser, title: "shop.example.com/summer-sale", tab: "404 Not Found",
		body: `<h1>Not Found</h1><p>The requested URL /summer-sale was not found on this server.</p><hr><address>Apache/2.4.58 (Ubuntu) Server at shop.example.com Port 443</address>`},
	{name: "other-npm-404", flow: "other-error", kind: terminal, title: "bash — npm install",
		body: `<g>sam@mbp</g>:<o>~/web</o>$ npm install
<r>npm ERR!</r> code E404
<r>npm ERR!</r> 404 Not Found - GET https://registry.npmjs.org/@acme%2fui-kit - Not found
<r>npm ERR!</r> 404
<r>npm ERR!</r> 404  '@acme/ui-kit@^2.3.0' is not in this registry.
<r>npm ERR!</r> A complete log of this run can be found in: /Users/sam/.npm/_logs/2026-11-20T14_02_11_123Z-debug-0.log`},
	{name: "other-vercel-500", flow: "other-error", kind: browser, title: "shop-preview.vercel.app", tab: "500: INTERNAL_SERVER_ERROR",
		body: `<h1>500: INTERNAL_SERVER_ERROR</h1><p>Code: FUNCTION_INVOCATION_FAILED</p><p>ID: sfo1::x7k2q-1732111331-8a9b0c1d2e3f</p><p>This Serverless Function has crashed.</p>`},
}

// heldOut are scenes written after the pre-processing was tuned on the
// ones above, to check it on pictures it had not seen.
var heldOut = []scene{
	{name: "cc401-revoked", flow: "claude-code-401", kind: terminal, title: "claude — zsh",
		body: ccBanner + `<d>&gt;</d> what changed in the last release?

<r>●</r> <r>API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has been revoked. Please obtain a new token."}} · Please run /login</r>
`},
	{name: "cc429-python", flow: "claude-code-429", kind: terminal, title: "python3 summarize.py",
		body: `Traceback (most recent call last):
  File "/srv/jobs/summarize.py", line 41, in &lt;module&gt;
    reply = client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, messages=batch)
<r>anthropic.RateLimitError: Error code: 429 - {'type': 'error', 'error': {'type': 'rate_limit_error', 'message': 'Number of request tokens has exceeded your per-minute rate limit'}}</r>`},
	{name: "cc529-python", flow: "claude-code-529", kind: terminal, title: "python3 agent.py",
		body: `Traceback (most recent call last):
  File "/home/dev/agent.py", line 88, in run
    response = client.messages.create(**params)
<r>anthropic.InternalServerError: Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}</r>`},
	{name: "ccbill-add-funds", flow: "claude-code-billing", kind: terminal, title: "sam@mbp: ~/code/shop-api — claude",
		body: ccBanner + `<d>&gt;</d> write a migration for the orders table

<r>Credit balance too low · Add funds: https://console.anthropic.com/settings/billing</r>
`},
	{name: "stripe-checkout", flow: "stripe-402", kind: console, title: "checkout.stripe.com/c/pay/cs_live_a1B2c3",
		body: `<h1>Pay Acme Studio</h1>
<p class="muted">$49.00 per month</p>
<table><tr><th>Email</th><td>jane@example.com</td></tr>
<tr><th>Card information</th><td>4000 0000 0000 9995 &nbsp; 12 / 29 &nbsp; 123</td></tr></table>
<div class="alert">Your card has insufficient funds. Try a different card.</div>
<p><span class="button">Subscribe</span></p>
<p class="muted">Powered by stripe · Terms · Privacy</p>`},
	{name: "sf-slack", flow: "salesforce-401", kind: console, title: "app.slack.com/client/T0ACME/C0SYNC",
		body: `<h1># data-sync</h1>
<p><b>sync-bot</b> <span class="muted">2:14 AM</span></p>
<p>Nightly Salesforce export failed: <code>INVALID_SESSION_ID: Session expired or invalid</code></p>
<p><b>Priya</b> <span class="muted">8:03 AM</span></p>
<p>Third night in a row. Did someone rotate the connected app?</p>`},
	{name: "tw-python", flow: "twilio-sms", kind: terminal, title: "python3 notify.py",
		body: `Traceback (most recent call last):
  File "/app/notify.py", line 23, in send_reminder
    client.messages.create(to=phone, from_=TWILIO_NUMBER, body=text)
<r>twilio.base.exceptions.TwilioRestException:</r>
<r>HTTP Error Your request was:</r>

POST /Accounts/AC0123456789abcdef/Messages.json

<r>Twilio returned the following information:</r>

Unable to create record: Attempt to send to unsubscribed recipient

<r>More information may be available here:</r>

https://www.twilio.com/docs/errors/21610`},
	{name: "other-actions", flow: "other-error", kind: browser, title: "github.com/acme/web/actions/runs/9912", tab: "build · acme/web",
		body: `<h1>build</h1>
<pre>Run npm test
&gt; web@1.4.0 test
&gt; jest --ci

FAIL src/cart.test.ts
  ● cart › applies the discount

npm ERR! Test failed.  See above for more details.
Error: Process completed with exit code 1.</pre>`},
}

// device is a screen a picture was taken on.
type device struct {
	name          string
	width, height int64 // CSS pixels
	scale         float64
	mobile        bool
}

var (
	phone    = device{"phone", 390, 844, 3, true}      // 1170×2532, an iPhone 12–15
	laptop   = device{"laptop", 1280, 800, 1, false}   // a 1x desktop screen
	retina   = device{"retina", 1440, 900, 2, false}   // a MacBook's 2880×1800
	notebook = device{"notebook", 1366, 768, 1, false} // the most common laptop screen
)

// page builds the HTML of a scene on a device, in the light or dark theme.
func page(s scene, d device, dark bool) string {
	theme := "light"
	if dark {
		theme = "dark"
	}
	var chrome, content string
	switch s.kind {
	case terminal:
		content = `<pre class="term">` + s.body + `</pre>`
		chrome = `<div class="titlebar"><span class="dots">● ● ●</span> ` + s.title + `</div>`
	case editor:
		var b strings.Builder
		for i, line := range strings.Split(s.body, "\n") {
			fmt.Fprintf(&b, "<span class=\"ln\">%3d</span>  %s\n", i+1, colourJSON(line))
		}
		content = `<div class="tabs"><span class="tab">` + s.title + `</span></div><pre class="code">` + b.String() + `</pre>`
		chrome = `<div class="titlebar"><span class="dots">● ● ●</span> ` + s.title + `</div>`
	case client:
		content = `<div class="req"><span class="verb">GET</span> ` + strings.TrimPrefix(s.title, "GET ") + `</div>` +
			`<div class="status">Status: <span class="bad">401 Unauthorized</span> &nbsp; Time: 182 ms &nbsp; Size: 312 B</div>` +
			`<div class="tabs"><span class="tab">Body</span> Cookies Headers (9) Test Results</div>` +
			`<pre class="code">` + colourJSON(s.body) + `</pre>`
		chrome = `<div class="titlebar">Postman — Salesforce sync / Contacts</div>`
	case browser, console:
		content = `<div class="page ` + s.kind + `">` + s.body + `</div>`
		chrome = `<div class="urlbar"><span class="lock">⚿</span> ` + s.title + `</div>`
		if s.tab != "" {
			chrome = `<div class="tabbar"><span class="tabtitle">` + s.tab + `</span> ×</div>` + chrome
		}
	}
	if d.mobile {
		chrome = `<div class="status-bar"><b>9:41</b><span>5G ▮▮▮ 87%</span></div>` + chrome
	}
	return `<!doctype html><html class="` + theme + ` ` + d.name + `"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width, initial-scale=1"><style>` + css + `</style></head>` +
		`<body>` + chrome + `<main>` + content + `</main></body></html>`
}

// colourJSON colours the keys and strings of one line of JSON, as editors do.
func colourJSON(line string) string {
	var b strings.Builder
	inString := false
	for i, r := range line {
		switch {
		case r == '"' && !inString:
			inString = true
			rest := line[i+1:]
			if j := strings.IndexByte(rest, '"'); j >= 0 && strings.HasPrefix(strings.TrimSpace(rest[j+1:]), ":") {
				b.WriteString(`<span class="key">"`)
			} else {
				b.WriteString(`<span class="str">"`)
			}
		case r == '"' && inString:
			inString = false
			b.WriteString(`"</span>`)
		case r == '<':
			b.WriteString("&lt;")
		case r == '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

const css = `
:root { --bg:#ffffff; --fg:#1f2328; --dim:#6e7781; --red:#cf222e; --orange:#bc4c00; --green:#116329; --bar:#e9ebee; --line:#d0d7de; --key:#0550ae; --str:#0a3069; --accent:#635bff; }
html.dark { --bg:#1e1e1e; --fg:#d4d4d4; --dim:#8b949e; --red:#ff7b72; --orange:#f0883e; --green:#7ee787; --bar:#2d2d2d; --line:#3d444d; --key:#79c0ff; --str:#a5d6ff; --accent:#a29bfe; }
html, body { margin:0; background:var(--bg); color:var(--fg); font:15px/1.5 "DejaVu Sans", sans-serif; }
main { padding:16px; }
.status-bar { display:flex; justify-content:space-between; padding:6px 18px; font-size:14px; }
.titlebar, .urlbar { background:var(--bar); color:var(--dim); padding:7px 12px; font-size:13px; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.urlbar { border-radius:18px; margin:6px 10px; }
.dots { color:#ff5f57; letter-spacing:2px; }
.tabbar { background:var(--bar); padding:6px 10px 0; font-size:13px; color:var(--dim); }
.tabtitle { display:inline-block; background:var(--bg); color:var(--fg); padding:6px 14px; border-radius:8px 8px 0 0; }
pre { margin:0; white-space:pre-wrap; overflow-wrap:anywhere; font:13px/1.45 "DejaVu Sans Mono", monospace; }
html.phone pre { font-size:12px; }
html.retina pre { font-size:13px; }
r { color:var(--red); } d { color:var(--dim); } o { color:var(--orange); } g { color:var(--green); } b { font-weight:bold; }
.ln { color:var(--dim); }
.key { color:var(--key); } .str { color:var(--str); }
.tabs { border-bottom:1px solid var(--line); margin-bottom:8px; font-size:13px; color:var(--dim); padding-bottom:4px; }
.tab { color:var(--fg); border-bottom:2px solid var(--accent); padding:0 8px 4px; margin-right:12px; }
.req { font:14px "DejaVu Sans Mono", monospace; border:1px solid var(--line); padding:8px; margin-bottom:10px; overflow-wrap:anywhere; }
.verb { color:var(--green); font-weight:bold; }
.status { font-size:13px; margin-bottom:10px; }
.bad { color:var(--red); font-weight:bold; } .ok { color:var(--green); font-weight:bold; }
.page h1 { font-size:28px; } .console h1 { font-size:24px; }
.page table { border-collapse:collapse; width:100%; margin:12px 0; font-size:14px; }
.page th, .page td { text-align:left; padding:8px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
.page th { color:var(--dim); font-weight:normal; }
.alert { border:1px solid var(--red); color:var(--red); padding:10px 12px; border-radius:6px; }
.button { background:var(--accent); color:#fff; padding:8px 14px; border-radius:6px; }
.muted { color:var(--dim); font-size:13px; }
code { font-family:"DejaVu Sans Mono", monospace; background:var(--bar); padding:1px 4px; }
`
