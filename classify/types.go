package classify

import "fmt"

// Reason is why a delivery failed (or that it did not): the 36 reasons of
// the bouncelens taxonomy (../shared/reference/taxonomy.md section 1). The
// numbers go into store keys: append new reasons, never renumber.
type Reason uint8

// The reasons, in the taxonomy's order.
const (
	Undefined       Reason = iota // no usable information at all
	Delivered                     // accepted by the next hop
	Forwarded                     // accepted; the server will forward to a new address (251)
	HasMoved                      // mailbox has moved (551, 5.1.6)
	Vacation                      // auto-reply, not a failure
	Feedback                      // complaint report (ARF)
	UserUnknown                   // local part does not exist
	HostUnknown                   // domain does not exist
	NotAccept                     // domain accepts no mail (null MX, 521/556)
	Suspend                       // account disabled or suspended
	MailboxFull                   // over quota
	Filtered                      // recipient-side filter or preference refused it
	EmailTooLarge                 // message exceeds size limits
	SpamDetected                  // content judged spam
	VirusDetected                 // malware detected
	PolicyViolation               // local policy refused the message
	ContentError                  // malformed header/MIME/encoding
	NotCompliantRFC               // message not RFC 5322 compliant
	AuthFailure                   // SPF/DKIM/DMARC failure
	RequirePTR                    // sending IP lacks reverse DNS
	FailedSTARTTLS                // TLS required or failed
	SecurityError                 // other X.7.x security status
	Blocked                       // our IP/host refused (blocklist)
	BadReputation                 // refused for IP/domain reputation
	RateLimited                   // too fast, too many connections or recipients
	Greylisted                    // greylisting deferral
	Rejected                      // our envelope sender refused
	NoRelaying                    // relay access denied
	SyntaxError                   // SMTP command syntax error
	SystemError                   // remote system error or misconfiguration
	SystemFull                    // remote system out of disk
	NetworkError                  // DNS, routing or connection problem
	Expired                       // gave up after the queue lifetime
	MailerError                   // local delivery program failed
	Suppressed                    // not attempted: on a suppression list
	OnHold                        // diagnostic text present but nothing matched
	numReasons
)

var reasonNames = [numReasons]string{
	"undefined", "delivered", "forwarded", "hasmoved", "vacation", "feedback",
	"userunknown", "hostunknown", "notaccept", "suspend", "mailboxfull", "filtered",
	"emailtoolarge", "spamdetected", "virusdetected", "policyviolation", "contenterror",
	"notcompliantrfc", "authfailure", "requireptr", "failedstarttls", "securityerror",
	"blocked", "badreputation", "ratelimited", "greylisted", "rejected", "norelaying",
	"syntaxerror", "systemerror", "systemfull", "networkerror", "expired", "mailererror",
	"suppressed", "onhold",
}

// reasonAliases are legacy or foreign names accepted on input and never
// emitted (taxonomy.md section 1.2).
var reasonAliases = map[string]Reason{
	"mesgtoobig": EmailTooLarge, "exceedlimit": EmailTooLarge,
	"speeding": RateLimited, "toomanyconn": RateLimited,
	"autoreply": Vacation, "outofoffice": Vacation,
	"complaint": Feedback, "abuse": Feedback,
	"suspendbounce": Suspend,
}

// Reasons returns every reason in taxonomy order.
func Reasons() []Reason {
	out := make([]Reason, numReasons)
	for i := range out {
		out[i] = Reason(i)
	}
	return out
}

// String returns the lower-case reason id, as Sisimai prints it.
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// ParseReason returns the reason with the given id or legacy alias
// (case-insensitive), and false if there is none.
func ParseReason(s string) (Reason, bool) {
	s = lower(s)
	for i, n := range reasonNames {
		if n == s {
			return Reason(i), true
		}
	}
	r, ok := reasonAliases[s]
	return r, ok
}

// MarshalText makes Reason print as its id in JSON.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText is the inverse of MarshalText; it accepts aliases too.
func (r *Reason) UnmarshalText(b []byte) error {
	v, ok := ParseReason(string(b))
	if !ok {
		return fmt.Errorf("unknown reason %q", b)
	}
	*r = v
	return nil
}

// Class says whether a failure is permanent for the recipient address.
type Class uint8

// The classes. None is for what is not a failure (delivered, vacation,
// feedback).
const (
	None Class = iota
	Soft
	Hard
)

var classNames = [...]string{"none", "soft", "hard"}

// String returns "none", "soft" or "hard".
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("class(%d)", uint8(c))
}

// MarshalText makes Class print as its name in JSON.
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Action is what a sender should do about a recipient after an event.
// Numbers are stored: append, never renumber.
type Action uint8

// The actions of taxonomy.md section 1.
const (
	ActionNone              Action = iota // nothing to do
	ActionRetry                           // send again later
	ActionSuppress                        // stop sending to this address
	ActionUpdateAddress                   // replace the address with the forward address
	ActionFixSenderConfig                 // fix our sending setup (DNS, auth, IP)
	ActionFixContent                      // change the message
	ActionContactPostmaster               // ask the receiving site to delist or explain
	ActionInvestigate                     // look at the evidence by hand
)

var actionNames = [...]string{
	"none", "retry", "suppress", "update-address", "fix-sender-config",
	"fix-content", "contact-postmaster", "investigate",
}

// String returns the action id, e.g. "update-address".
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// ParseAction returns the action with the given id, and false if none.
func ParseAction(s string) (Action, bool) {
	for i, n := range actionNames {
		if n == s {
			return Action(i), true
		}
	}
	return ActionNone, false
}

// MarshalText makes Action print as its id in JSON.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Side says whose problem a reason is (taxonomy.md "side" column). Only
// Recipient-side reasons ever count against an address.
type Side uint8

// The sides.
const (
	SideUnknown   Side = iota // "?": onhold, undefined
	SideRecipient             // R: the address or its mailbox
	SideSender                // S: our IP, domain, authentication, volume
	SideMessage               // M: content, size, format
	SideTransient             // T: infrastructure, will pass
	SideNone                  // N: not a bounce
)

var sideNames = [...]string{"unknown", "recipient", "sender", "message", "transient", "none"}

// String returns the side's name.
func (s Side) String() string {
	if int(s) < len(sideNames) {
		return sideNames[s]
	}
	return fmt.Sprintf("side(%d)", uint8(s))
}

// MarshalText makes Side print as its name in JSON.
func (s Side) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
