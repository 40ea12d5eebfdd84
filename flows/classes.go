package flows

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// phraseClasses are the word classes a phrase may name in braces: a
// phrase "{have} {plan}" stands for every phrase made by putting one of
// each class's entries in its place ("got max", "pay for claude pro",
// "upgraded to max 20x"), so a flow names a kind of saying once instead
// of listing its forms.
var phraseClasses = map[string][]string{
	// plan: a Claude plan by a name no other sense of the word shares in a
	// text about Claude Code ("team" and "enterprise" are too common alone:
	// "{plan} plan" is how they are said).
	"plan": {"max", "pro", "claude max", "claude pro", "max 5x", "max 20x", "5x", "20x"},
	// have: how people say a plan is theirs.
	"have": {"have", "got", "get", "bought", "on", "pay for", "paying for", "paid for", "subscribed to", "subscribe to",
		"upgraded to", "switched to", "moved to", "signed up for", "renewed", "just got", "own",
		// A plan changed to: "upgraded pro -> max", "since upgrade to max".
		"upgrade", "upgraded", "upgrading", "upgrade to", "upgrading to", "downgraded to", "renew", "renewing", "went to"},
	// plan-noun: the word after a plan's name that makes it a plan.
	"plan-noun": {"plan", "subscription", "account", "user", "subscriber", "seat", "membership", "tier",
		// What is paid for it: "the max renewal charge".
		"renewal", "upgrade", "charge", "billing", "sub", "license", "licence"},
	// only-says: how people say a message is all there is ("all it says is
	// your card was declined").
	"only-says": {"all it says is", "all it says", "all it shows is", "all it shows", "all we see is", "all i see is", "all we get is", "all i get is",
		"it only says", "it just says", "only says", "just says", "only shows", "just shows", "all the app says is", "all our app says is"},
	// cant: a thing refusing to do something ("the campaign won't send").
	"cant": {"wont", "cant", "cannot", "couldnt", "doesnt", "didnt", "wouldnt", "will not", "can not", "could not", "does not", "did not", "refuses to", "is refusing to", "keeps failing to", "fails to", "failed to"},
	// act: what a thing is asked to do.
	"act": {"send", "upload", "load", "save", "sync", "print", "open", "post", "publish", "connect", "file", "submit", "import", "export", "install",
		"deploy", "build", "update", "start", "run", "pay", "process", "charge", "download", "scan", "book", "go through", "log in", "login", "sign in"},
	// use: how people say they sign in with something ("I use the key
	// she gave me", "using a key from the console").
	"use": {"use", "using", "uses", "used", "with", "on", "via", "through"},
	// model: a Claude model, or the one Claude Code picks by itself.
	"model": {"opus", "sonnet", "haiku", "claude opus", "claude sonnet", "claude haiku", "default model", "other model", "other models"},
	// limit: a spending limit by any of its names.
	"limit": {"limit", "spend limit", "spending limit", "monthly limit", "monthly spend limit", "cap", "spend cap", "monthly cap", "budget", "monthly budget", "usage limit"},
	// biz: what people call their own business.
	// Not "website", "app" or "checkout": "my gym's website" is where a
	// payer pays.
	"biz": {"business", "shop", "store", "company", "firm", "office", "practice", "clinic", "salon", "studio", "school", "restaurant", "cafe",
		"online shop", "web shop", "webshop",
		// Those that take money without selling: donations, fees, dues.
		"charity", "charitys", "nonprofit", "non profit", "church", "club", "gym", "society", "foundation", "association", "organisation", "organization"},
	// party: someone else who pays a business.
	"party": {"customer", "customers", "client", "clients", "guest", "guests", "patient", "patients", "member", "members", "donor", "donors", "student", "students", "parent", "parents", "subscriber", "subscribers", "buyer", "buyers",
		"devotee", "devotees", "congregant", "parishioner", "tenant", "tenants",
		"bride", "brides", "groom", "grooms", "couple", "couples", "family", "families", "diner", "diners", "passenger", "passengers", "visitor", "visitors", "attendee", "attendees"},
	// tried: what that someone did or said.
	"tried": {"says", "said", "say", "tells", "told", "tried", "tries", "trying", "is trying", "was trying", "gets", "got", "getting", "sees", "saw", "paying", "pay", "paid",
		"reports", "reported", "complains", "complained", "insists", "claims", "called", "texted", "emailed", "from", "payment", "order", "charge",
		"couldnt", "could not", "cant", "donation", "donations",
		// what they pay ("a member's annual subs keep failing")
		"subs", "fees", "dues", "subscription", "subscriptions", "membership", "renewal", "renewals", "instalment", "installment", "deposit", "deposits", "invoice", "invoices"},
	// computer: a computer of the person's own, by kind or by make.
	"computer": {"computer", "laptop", "notebook", "mac", "imac", "macbook", "macbook pro", "macbook air", "mac mini", "mac studio", "pc", "desktop", "workstation",
		"thinkpad", "chromebook", "surface", "dell", "lenovo", "machine", "box"},
	// works: how people say a thing ran well, in any tense.
	"works": {"works", "worked", "working", "works fine", "worked fine", "working fine", "is fine", "was fine", "runs fine", "ran fine",
		"its fine", "it is fine", "it works", "it worked", "its working"},
	// org: whose a device or network is, when it is not the person's own.
	"org": {"company", "work", "school", "district", "corporate", "office", "university", "uni", "college", "employer", "managed", "government", "hospital"},
	// device: what an organisation hands out or runs.
	"device": {"laptop", "notebook", "computer", "pc", "machine", "network", "wifi", "vpn", "device", "mac", "desktop"},
	// staff: a job that runs no billing of its own ("I'm just a paralegal").
	"staff": {"paralegal", "intern", "assistant", "volunteer", "employee", "user", "developer", "dev", "contractor", "freelancer", "temp", "receptionist",
		"student", "associate", "member", "staffer", "clerk", "trainee", "apprentice", "secretary", "analyst", "engineer", "designer", "coordinator", "tech", "technician"},
	// any-plan: every plan, "team" and "enterprise" too.
	"any-plan": {"max", "pro", "team", "enterprise", "claude max", "claude pro", "claude team", "claude enterprise", "max 5x", "max 20x"},
}

// classWords holds, for each class "{name}", its one-word entries,
// normalised: in a compiled phrase they are one word that matches any of
// them, so "{party} {tried}" is a handful of phrases, not hundreds.
var classWords = func() map[string]*alternatives {
	m := map[string]*alternatives{}
	for name, entries := range phraseClasses {
		var one []string
		for _, e := range entries {
			if ws := words(Normalize(e)); len(ws) == 1 {
				one = append(one, ws[0])
			}
		}
		if len(one) > 0 {
			m["{"+name+"}"] = newAlternatives(one)
		}
	}
	return m
}()

// classPhrases returns the phrases s compiles to: each class it names
// stays as its token for the class's one-word entries (see classWords),
// and its entries of several words are put in its place one by one.
func classPhrases(s string) ([]string, error) {
	return expand(s, func(name string) []string {
		var out []string
		if classWords["{"+name+"}"] != nil {
			out = append(out, "{"+name+"}")
		}
		for _, e := range phraseClasses[name] {
			if len(words(Normalize(e))) > 1 {
				out = append(out, e)
			}
		}
		return out
	})
}

// expandClasses returns the phrases s stands for: s itself when it names
// no class, else one phrase for each choice of every class it names.
func expandClasses(s string) ([]string, error) {
	return expand(s, func(name string) []string { return phraseClasses[name] })
}

// expand puts each of entries(name) in the place of every class "{name}"
// s names.
func expand(s string, entries func(name string) []string) ([]string, error) {
	open := strings.IndexByte(s, '{')
	if open < 0 {
		return []string{s}, nil
	}
	end := strings.IndexByte(s[open:], '}')
	if end < 0 {
		return nil, fmt.Errorf("phrase %q: %q has no closing }", s, s[open:])
	}
	end += open
	name := s[open+1 : end]
	if _, ok := phraseClasses[name]; !ok {
		return nil, fmt.Errorf("phrase %q: no word class {%s} (classes: %s)", s, name, classNames())
	}
	rest, err := expand(s[end+1:], entries)
	if err != nil {
		return nil, err
	}
	es := entries(name)
	out := make([]string, 0, len(es)*len(rest))
	for _, e := range es {
		for _, r := range rest {
			out = append(out, s[:open]+e+r)
		}
	}
	return out, nil
}

// classNames lists the classes, for an error that names an unknown one.
func classNames() string {
	names := slices.Sorted(maps.Keys(phraseClasses))
	return strings.Join(names, ", ")
}
