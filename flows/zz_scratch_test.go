package flows_test

import (
	"testing"

	"github.com/textfix/textfix/flows"
)

func TestZZRead(t *testing.T) {
	lib := embedded(t)
	f, n := node(t, lib, "claude-code-403", "flaky-when")
	for _, s := range []string{
		"I think it's the vpn, on the bad days the vpn app says it put me on the Hong Kong gateway",
		"I think it's the vpn",
		"probably the vpn",
		"the vpn I think",
		"on the bad days the vpn app says it put me on the Hong Kong gateway",
		"maybe the vpn, not sure",
		"I think it's the vpn, the vpn app says it put me on the Hong Kong gateway",
		"I think it's the vpn, the vpn app put me on a gateway",
		"I think it's the vpn, on the bad days",
		"the vpn, the vpn app put me on a gateway",
		"not sure, maybe the vpn",
	} {
		r := f.Read(n, flows.NewText(s))
		t.Logf("%-90q → %d %s asks=%v unsure=%v", s, r.Choice, r.By, r.Asks, r.Unsure)
	}
}
