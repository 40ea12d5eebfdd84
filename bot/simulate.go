package bot

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The console's simulator ("Try it") texts the bot as a test number:
// +1 555 000 xxxx. Area code 555 is not assigned in the North American
// numbering plan, so no real person has one of these numbers.
const simulatorPrefix = "+1555000"

// LineSimulated is the status of a transcript line meant for a simulator
// conversation: shown in the console, never sent.
const LineSimulated Delivery = "simulated"

// SimulatorPhone is the test number for seed (a console session's id):
// the same seed gives the same number.
func SimulatorPhone(seed []byte) string {
	sum := sha256.Sum256(seed)
	return fmt.Sprintf("%s%04d", simulatorPrefix, binary.BigEndian.Uint32(sum[:4])%10000)
}

// IsSimulatorPhone reports whether phone is one of SimulatorPhone's numbers.
func IsSimulatorPhone(phone string) bool {
	rest, ok := strings.CutPrefix(phone, simulatorPrefix)
	if !ok || len(rest) != 4 {
		return false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ErrNotSimulator is returned by Simulate for a number that is not a test
// number, or that has a real conversation.
var ErrNotSimulator = errors.New("not a simulator number")

// Simulate handles a text from the console's simulator exactly as Handle
// handles a text from the webhook, for a conversation marked Test before
// its first text: it never counts in analytics, its tickets do not text
// the operators, and nothing meant for it leaves through the outbox (the
// transcript shows it, LineSimulated). It refuses any number but a
// simulator number with no conversation or a test one, so the simulator
// can never write into a real person's conversation.
func (d *Desk) Simulate(t Tx, e *Engine, in Inbound, now time.Time) ([]Line, error) {
	if !IsSimulatorPhone(in.From) || d.IsOperator(in.From) {
		return nil, fmt.Errorf("%w: %s", ErrNotSimulator, Mask(in.From))
	}
	c, err := t.Conversation(in.From)
	if err != nil {
		return nil, err
	}
	if !c.Test {
		if c.Status != "" {
			return nil, fmt.Errorf("%w: %s has a real conversation", ErrNotSimulator, Mask(in.From))
		}
		c.Test, c.Status, c.Started, c.Updated = true, StatusIdle, now, now
		if err := t.SaveConversation(c); err != nil {
			return nil, err
		}
	}
	return d.Handle(t, e, in, now)
}
