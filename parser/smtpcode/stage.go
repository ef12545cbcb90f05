package smtpcode

import "strings"

// The SMTP stages Stage returns.
const (
	StageConn     = "CONN"     // connection or greeting
	StageEHLO     = "EHLO"     // EHLO, HELO or LHLO
	StageSTARTTLS = "STARTTLS" // the TLS handshake
	StageMAIL     = "MAIL"     // MAIL FROM
	StageRCPT     = "RCPT"     // RCPT TO
	StageDATA     = "DATA"     // DATA, BDAT or the end of the message
)

// stageAfter maps what follows "in reply to " (Postfix) or "after " (Exim)
// to a stage; "end of " in front of it is skipped.
var stageAfter = []struct{ prefix, stage string }{
	{"rcpt to", StageRCPT},
	{"mail from", StageMAIL},
	{"data", StageDATA},
	{"bdat", StageDATA},
	{"ehlo", StageEHLO},
	{"helo", StageEHLO},
	{"lhlo", StageEHLO},
	{"starttls", StageSTARTTLS},
	{"initial greeting", StageConn},
	{"initial connection", StageConn},
	{"rcpt command", StageRCPT}, // GMX, 1&1, mail.ru: "after RCPT command"
	{"mail command", StageMAIL},
	{"data command", StageDATA},
	{"text command", StageDATA},
}

// stageFor maps what follows "for " to a stage: GMX and 1&1 write
// "SMTP error from remote server for TEXT command".
var stageFor = []struct{ prefix, stage string }{
	{"rcpt command", StageRCPT},
	{"rcpt to command", StageRCPT},
	{"mail command", StageMAIL},
	{"mail from command", StageMAIL},
	{"data command", StageDATA},
	{"text command", StageDATA},
}

// stageSending maps what follows Postfix's "while sending " to a stage.
var stageSending = []struct{ prefix, stage string }{
	{"rcpt to", StageRCPT},
	{"mail from", StageMAIL},
	{"data", StageDATA},
	{"message body", StageDATA},
	{"end of data", StageDATA},
}

// Stage returns the SMTP stage a reply or diagnostic text says it answered,
// or "". Case is ignored. What it reads, most decisive first:
//
//   - "in reply to X" (Postfix) and "after X" (Exim), X one of RCPT TO,
//     MAIL FROM, [end of] DATA, BDAT, EHLO/HELO/LHLO, STARTTLS, initial
//     greeting/connection, RCPT/MAIL/DATA/TEXT command; "for RCPT command",
//     "for TEXT command" (GMX, 1&1);
//   - "while sending RCPT TO", "... MAIL FROM", "... DATA", "... message
//     body", "... end of data" (Postfix);
//   - "refused to talk to me", "initial server greeting" (CONN),
//     "EHLO/HELO/LHLO handshake" (EHLO), "starttls";
//   - "connect to host[ip]:25: ..." at the start or after ": " (CONN).
//
// It is on the ingesters' hot path: one pass over text, no allocation.
func Stage(text string) string {
	best, stage := len(stageRanks), ""
	// Every phrase starts a word: visit word starts only, jumping from
	// space to space with IndexByte.
	for i := 0; i < len(text); {
		for i < len(text) && (text[i] == ' ' || text[i] == '(') {
			i++
		}
		if i == len(text) {
			break
		}
		if rank, st := stageAt(text, i); st != "" && rank < best {
			if rank == 0 {
				return st
			}
			best, stage = rank, st
		}
		j := strings.IndexByte(text[i:], ' ')
		if j < 0 {
			break
		}
		i += j
	}
	return stage
}

// stageRanks orders the kinds of evidence Stage reads: a lower rank wins.
var stageRanks = [...]string{"in reply to", "after", "while sending", "refused to talk", "initial server greeting", "hlo handshake", "starttls", "connect to"}

// stageAt returns the stage named by a phrase starting at text[i], and the
// phrase's rank; "" if none starts there.
func stageAt(text string, i int) (int, string) {
	t := text[i:]
	switch t[0] | 0x20 { // ASCII lower case; other bytes match no case below
	case 'i':
		if hasPrefixFold(t, "in reply to ") {
			return 0, stageFollowing(t[len("in reply to "):], stageAfter)
		}
		if hasPrefixFold(t, "initial server greeting") {
			return 4, StageConn
		}
	case 'a':
		if hasPrefixFold(t, "after ") {
			return 1, stageFollowing(t[len("after "):], stageAfter)
		}
	case 'f':
		if hasPrefixFold(t, "for ") {
			if st := stageFollowing(t[len("for "):], stageFor); st != "" {
				return 1, st
			}
		}
	case 'w':
		if hasPrefixFold(t, "while sending ") {
			return 2, stageFollowing(t[len("while sending "):], stageSending)
		}
	case 'r':
		if hasPrefixFold(t, "refused to talk to me") {
			return 3, StageConn
		}
	case 'e', 'h', 'l':
		if hasPrefixFold(t, "ehlo handshake") || hasPrefixFold(t, "helo handshake") || hasPrefixFold(t, "lhlo handshake") {
			return 5, StageEHLO
		}
	case 's':
		if hasPrefixFold(t, "starttls") {
			return 6, StageSTARTTLS
		}
	case 'c':
		if hasPrefixFold(t, "connect to ") && (i == 0 || i >= 2 && text[i-2:i] == ": ") {
			return 7, StageConn
		}
	}
	return 0, ""
}

// stageFollowing returns the stage of the first table entry rest starts
// with, after an optional "end of ".
func stageFollowing(rest string, table []struct{ prefix, stage string }) string {
	if hasPrefixFold(rest, "end of ") {
		rest = rest[len("end of "):]
	}
	for _, s := range table {
		if hasPrefixFold(rest, s.prefix) {
			return s.stage
		}
	}
	return ""
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case; prefix must be
// lower case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
