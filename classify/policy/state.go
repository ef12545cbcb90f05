package policy

import (
	"fmt"
	"strings"
)

// State is what a recipient's history says about the address.
type State uint8

// The states.
const (
	Active       State = iota // takes mail, or nothing against it
	SoftBouncing              // recipient-side failures below the policy's limits
	Dead                      // a hard bounce, or soft bounces past the policy
	Moved                     // a server named a new address (551, 251)
	Complained                // the recipient reported our mail (feedback loop)
	AutoReply                 // recently answered with an auto-reply; never a failure
	numStates
)

var stateNames = [numStates]string{"active", "soft-bouncing", "dead", "moved", "complained", "auto-reply"}

// States returns every state, in order.
func States() []State {
	out := make([]State, numStates)
	for i := range out {
		out[i] = State(i)
	}
	return out
}

// String returns the state's name, e.g. "soft-bouncing".
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// ParseState returns the state with the given name (case-insensitive),
// and false if there is none.
func ParseState(name string) (State, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, n := range stateNames {
		if n == name {
			return State(i), true
		}
	}
	return Active, false
}

// MarshalText makes State print as its name in JSON.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
