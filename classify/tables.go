package classify

import "strings"

// enhancedReasons is taxonomy 3.1: the reason for an enhanced code when
// neither the provider tables nor the text decided. Keys are canonical
// codes; a class-specific key ("4.2.1") wins over the class-independent one
// ("X.2.1"). Codes marked "use text" in 3.1 map to the reason 3.1 gives when
// the text matched nothing.
var enhancedReasons = map[string]Reason{
	"X.1.0": UserUnknown, "X.1.1": UserUnknown, "X.1.2": HostUnknown, "X.1.3": UserUnknown,
	"X.1.4": Filtered, "X.1.6": HasMoved, "X.1.7": Rejected, "X.1.8": Rejected,
	"X.1.9": SystemError, "X.1.10": NotAccept,
	"X.2.0": Filtered, "4.2.1": Suspend, "X.2.1": Filtered, "X.2.2": MailboxFull,
	"X.2.3": EmailTooLarge, "X.2.4": Filtered,
	"X.3.0": SystemError, "X.3.1": SystemFull, "X.3.2": NotAccept, "X.3.3": SystemError,
	"X.3.4": EmailTooLarge, "X.3.5": SystemError,
	"X.4.0": NetworkError, "X.4.1": NetworkError, "X.4.2": NetworkError, "X.4.3": NetworkError,
	"4.4.4": NetworkError, "X.4.4": HostUnknown, "X.4.5": SystemFull, "X.4.6": NetworkError,
	"X.4.7": Expired, "X.4.8": NetworkError,
	"X.5.0": SyntaxError, "X.5.1": SyntaxError, "X.5.2": SyntaxError, "X.5.3": RateLimited,
	"X.5.4": SyntaxError, "X.5.5": SyntaxError, "X.5.6": SyntaxError,
	"4.7.0": Blocked, "X.7.0": SecurityError, "4.7.1": Blocked, "X.7.1": SecurityError,
	"X.7.2": PolicyViolation, "X.7.13": Suspend, "X.7.16": EmailTooLarge,
	"X.7.17": HasMoved, "X.7.18": HasMoved,
	"X.7.20": AuthFailure, "X.7.21": AuthFailure, "X.7.22": AuthFailure, "X.7.23": AuthFailure,
	"X.7.24": AuthFailure, "X.7.25": RequirePTR, "X.7.26": AuthFailure, "X.7.27": Rejected,
	"X.7.28": Blocked, "X.7.29": AuthFailure, "X.7.30": FailedSTARTTLS,
}

// networkish are texts that turn a "host unknown" code (5.1.2, 5.4.4) into
// a network error (Sisimai's HostUnknown guard, taxonomy 2.2-4).
var networkish = literals("try again", "dns query failed", "timed out", "temporary failure", "servfail", "connection refused")

// enhancedReason is step 5 of taxonomy 2.3. pairs is as for containsAny.
func enhancedReason(code, text string, pairs *bigrams) (Reason, bool) {
	if code == "" || code[0] == '2' {
		return Undefined, false
	}
	r, ok := enhancedReasons[code]
	if !ok {
		r, ok = enhancedReasons["X"+subjectDetail(code)]
	}
	if !ok {
		switch {
		case strings.HasPrefix(code[1:], ".6."):
			r, ok = ContentError, true // Sisimai fallback: any X.6.x
		case strings.HasPrefix(code[1:], ".7."):
			r, ok = SecurityError, true // and any other X.7.x
		}
	}
	if r == HostUnknown && containsAny(text, pairs, networkish) {
		r = NetworkError
	}
	return r, ok
}

// replyReasons is taxonomy 3.2 for the codes whose reason does not depend on
// the command or the text.
var replyReasons = map[int]Reason{
	450: OnHold, 451: SystemError, 455: SyntaxError,
	505: SyntaxError, 506: SyntaxError, 507: SyntaxError,
	521: NotAccept, 523: FailedSTARTTLS, 524: FailedSTARTTLS, 538: FailedSTARTTLS,
	525: Suspend, 534: SecurityError, 535: SecurityError, 555: SyntaxError, 556: NotAccept,
}

// replyReason is step 6 of taxonomy 2.3: the basic reply code, read with the
// command (cmd) and the normalized text.
func replyReason(code int, cmd, text string) (Reason, bool) {
	if r, ok := replyReasons[code]; ok {
		return r, true
	}
	has := func(words ...string) bool { return anyContains(text, words) }
	switch {
	case code == 421:
		switch {
		case has("too many", "rate"):
			return RateLimited, true
		case cmd == cmdConn || cmd == cmdEHLO:
			return Blocked, true
		}
		return SystemError, true
	case code == 452:
		switch {
		case has("too many recipients"):
			return RateLimited, true
		case has("quota"):
			return MailboxFull, true
		}
		return SystemFull, true
	case code == 454:
		if indexPart(text, "tls", true) >= 0 {
			return FailedSTARTTLS, true
		}
		return SecurityError, true
	case code >= 500 && code <= 504:
		switch {
		case cmd == cmdEHLO && has("invalid domain", "helo"):
			return Blocked, true
		case cmd == cmdRCPT && code == 501 && has("bad address syntax", "address syntax"):
			return UserUnknown, true
		}
		return SyntaxError, true
	case code >= 401 && code <= 407:
		return SyntaxError, true // Sisimai: syntax errors when nothing else matched
	case code == 530:
		if has("starttls") {
			return FailedSTARTTLS, true
		}
		return SecurityError, true
	case code == 550:
		switch cmd {
		case cmdRCPT:
			// Postfix's "Recipient address rejected:" wraps any RCPT
			// restriction; it does not itself say the mailbox is unknown.
			if anyContains(strings.ReplaceAll(text, "recipient address rejected", ""), []string{"mailbox", "user", "recipient", "address"}) {
				return UserUnknown, true // low confidence (taxonomy 5.2)
			}
		case cmdMAIL:
			return Rejected, true
		case cmdData:
			return OnHold, true
		case cmdConn:
			return Blocked, true
		}
	case code == 552:
		if has("size", "too large", "too big") {
			return EmailTooLarge, true
		}
		return MailboxFull, true
	case code == 553:
		switch cmd {
		case cmdRCPT:
			return UserUnknown, true
		case cmdMAIL:
			return Rejected, true
		}
	case code == 554:
		if cmd == cmdConn {
			return Blocked, true
		}
		return OnHold, true // H19: a bare 554 is too generic
	}
	return Undefined, false
}
