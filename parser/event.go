package parser

import (
	"fmt"
	"time"
)

// Status is the delivery outcome an event reports. Its numbers are stored in
// store keys: append new values, never renumber.
type Status uint8

// The delivery outcomes. Postfix's status= words map one to one; DSN actions
// map as delivered/relayed/expanded -> Sent, delayed -> Deferred,
// failed -> Bounced.
const (
	StatusUnknown     Status = iota // not stated by the input
	StatusSent                      // accepted by the next hop (Postfix status=sent, DSN delivered/relayed/expanded)
	StatusDeferred                  // temporary failure, will be retried (status=deferred, DSN delayed)
	StatusBounced                   // permanent failure, returned to sender (status=bounced, DSN failed)
	StatusExpired                   // gave up after the queue lifetime (qmgr status=expired)
	StatusRejected                  // refused by our own smtpd before queueing (NOQUEUE: reject)
	StatusAutoReplied               // an auto-reply (vacation, out of office): the address exists, nothing failed
	StatusComplained                // a feedback-loop complaint (ARF): the recipient reported the message
	StatusReceived                  // a message entered the queue (Postfix qmgr from=, first time per queue id); no recipient
	StatusWarning                   // a Postfix "warning:" line; no recipient; Family names the program (postfix/smtpd)
)

var statusNames = [...]string{"unknown", "sent", "deferred", "bounced", "expired", "rejected", "autoreplied", "complained", "received", "warning"}

// String returns the lower-case name used in reports and store keys.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// ParseStatus returns the Status named s (as String prints it, or a Postfix
// status= word, or a DSN Action value), and false for anything else.
// Postfix's address-verification words "deliverable" and "undeliverable"
// are probes, not deliveries, and are not statuses.
func ParseStatus(s string) (Status, bool) {
	switch s {
	case "sent", "delivered", "relayed", "expanded":
		return StatusSent, true
	case "deferred", "delayed":
		return StatusDeferred, true
	case "bounced", "failed":
		return StatusBounced, true
	case "expired":
		return StatusExpired, true
	case "rejected", "reject":
		return StatusRejected, true
	case "autoreplied":
		return StatusAutoReplied, true
	case "complained":
		return StatusComplained, true
	case "received":
		return StatusReceived, true
	case "warning":
		return StatusWarning, true
	case "unknown":
		return StatusUnknown, true
	}
	return StatusUnknown, false
}

// MarshalText makes Status print as its name in JSON.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (s *Status) UnmarshalText(b []byte) error {
	v, ok := ParseStatus(string(b))
	if !ok {
		return fmt.Errorf("unknown status %q", b)
	}
	*s = v
	return nil
}

// Event is one delivery outcome for one recipient, as found in one input.
// Both ingesters produce it; fields an input does not carry stay zero.
type Event struct {
	Source string    `json:"source"`         // input name as given on the command line, or the file inside a directory
	Line   int       `json:"line,omitempty"` // 1-based line of the status line (logs) or of the message start (mbox); 0 for single messages
	Time   time.Time `json:"time"`           // when it happened; zero if the input does not say

	QueueID   string `json:"queue_id,omitempty"`   // Postfix queue id; empty for DSNs
	MessageID string `json:"message_id,omitempty"` // Message-ID of the message that was (not) delivered, without <>
	Sender    string `json:"sender,omitempty"`     // envelope sender (qmgr from=) or the returned original's From
	Subject   string `json:"subject,omitempty"`    // Subject of the returned original, when a DSN carries it
	OrigTo    string `json:"orig_to,omitempty"`    // To of the returned original, when a bounce carries it

	Recipient     string `json:"recipient"`                // lower-cased address
	OrigRecipient string `json:"orig_recipient,omitempty"` // address before aliasing (orig_to=, Original-Recipient)

	Status    Status `json:"status"`
	Code      int    `json:"code,omitempty"`       // SMTP reply code; 0 if none
	Enhanced  string `json:"enhanced,omitempty"`   // enhanced status code as written, e.g. "5.1.1"
	RemoteMTA string `json:"remote_mta,omitempty"` // relay host (Postfix relay=, DSN Remote-MTA), or the client for smtpd rejects
	Command   string `json:"command,omitempty"`    // SMTP stage the reply answered: CONN, EHLO, MAIL, RCPT, DATA; empty if unknown
	Text      string `json:"text,omitempty"`       // diagnostic text: the remote reply or the local explanation
	Forward   string `json:"forward,omitempty"`    // new address named by a 251/551 style reply ("please try <x>")

	Family   string `json:"family,omitempty"`   // who wrote a bounce message: "rfc3464", "postfix", "exim", "office365", ...; for a warning, the Postfix program ("postfix/smtpd"); else empty for log lines
	Feedback string `json:"feedback,omitempty"` // ARF Feedback-Type of a complaint ("abuse", "opt-out", ...), with StatusComplained
}

// Domain returns the part of the recipient after the last '@', or "" if
// there is none.
func (e *Event) Domain() string { return DomainOf(e.Recipient) }

// DomainOf returns the lower-case part of addr after the last '@', or "" if
// there is none.
func DomainOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[i+1:]
		}
	}
	return ""
}
