package classify

import (
	"bouncelens/parser/smtpcode"

	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// normalize returns text as the text rules see it (taxonomy.md, conventions):
// lower case, runs of white space collapsed to one space, trimmed, and the
// continuation prefixes of multi-line replies ("550-5.1.1 ") removed.
func normalize(text string) string {
	p := normalPrefix(text)
	if p == len(text) {
		return text // nothing to change: no allocation
	}
	// A strings.Builder hands its buffer over as the string: one
	// allocation, no copy. Bytes that stay as they are are written in runs.
	var b strings.Builder
	b.Grow(len(text))
	ascii := true
	space := true    // at a word start: white space and continuations are dropped
	pending := false // a space to write before the next byte
	// text[:p] is written as it is, but for a space at its end, which
	// waits for the next word.
	switch {
	case p > 0 && text[p-1] == ' ':
		b.WriteString(text[:p-1])
		pending = true
	case p > 0:
		b.WriteString(text[:p])
		space = false
	}
	for i := p; i < len(text); {
		c := text[i]
		if isSpace(c) {
			if !space {
				pending = true
				space = true
			}
			i++
			continue
		}
		if space && i+4 <= len(text) && isContinuation(text[i:]) {
			i += 4 // skip "550-"
			if code := smtpcode.EnhancedAt(text, i); code != "" {
				i += len(code) // and "5.1.1" (canonical codes are as long as written here)
			}
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		space = false
		// Write the run of bytes from i to the next white space (but a
		// single space between words that starts no continuation goes
		// on with the run), lower-casing A-Z.
		run := i
	scan:
		for ; i < len(text); i++ {
			c := text[i]
			if byteKinds[c] == plainByte {
				continue
			}
			switch {
			case c >= 'A' && c <= 'Z':
				b.WriteString(text[run:i])
				b.WriteByte(c + 'a' - 'A')
				run = i + 1
			case c >= utf8.RuneSelf:
				ascii = false
			case c == ' ':
				if i+1 == len(text) || isSpace(text[i+1]) || i+5 <= len(text) && isContinuation(text[i+1:]) {
					break scan
				}
			case isSpace(c):
				break scan
			}
		}
		b.WriteString(text[run:i])
	}
	// A trailing space is never written: it waits in pending.
	if !ascii {
		return strings.ToLower(b.String())
	}
	return b.String()
}

// isSpace reports whether c is white space for normalize.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// byteKinds tells the bytes that normalize writes as they are (plainByte)
// from the others (1): upper case, non-ASCII and white space.
var byteKinds = func() (k [256]uint8) {
	for c := range k {
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf || isSpace(byte(c)) {
			k[c] = 1
		}
	}
	return k
}()

// plainByte is the byteKinds of a byte that normalize keeps as it is.
const plainByte = 0

// normalPrefix returns the length of the longest prefix of text that
// normalize writes as it is (a space at its end may still be dropped): the
// first byte that is upper case, non-ASCII or white space other than a
// single space between words, or that starts a continuation prefix, ends
// it. It is len(text) when normalize would return text unchanged.
func normalPrefix(text string) int {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if byteKinds[c] != plainByte {
			if c != ' ' || i == 0 || i == len(text)-1 || text[i-1] == ' ' {
				return i
			}
			continue
		}
		if (i == 0 || text[i-1] == ' ') && i+4 <= len(text) && isContinuation(text[i:]) {
			return i
		}
	}
	return len(text)
}

// isContinuation reports whether s starts with "NNN-" (a reply line that is
// not the last of a multi-line reply).
func isContinuation(s string) bool {
	return (s[0] == '2' || s[0] == '4' || s[0] == '5') && isDigit(s[1]) && isDigit(s[2]) && s[3] == '-' &&
		(len(s) == 4 || s[4] != '-' && !isDigit(s[4]) || smtpcode.EnhancedAt(s, 4) != "")
}

// guard restricts when a text rule may fire (taxonomy 2.2-4 and 2.3 step 4).
type guard uint8

const (
	// atContent: only at DATA or when the command is unknown; content cannot
	// be judged before DATA (spamdetected, virusdetected).
	atContent guard = 1 << iota
	// atRecipient: only at RCPT or an unknown command, unless the enhanced
	// code says the same reason (userunknown).
	atRecipient
	// notAtGreeting: never at CONN or EHLO (norelaying).
	notAtGreeting
	// temporary: only when the failure is not permanent (greylisting, the
	// generic "try again later").
	temporary
	// recipientSide: skipped under the sender-context veto (H23).
	recipientSide
	// atMail: only when the failure answered MAIL FROM (phrases too vague
	// to mean our sender anywhere else, such as "access denied").
	atMail
)

// textRule maps phrases to a reason. Phrases are matched on the normalized
// text: a plain phrase is a substring; "a … b" needs a, then b later;
// "=word" needs the word(s) between non-alphanumeric bytes.
type textRule struct {
	reason  Reason
	phrases []string
	regexps []string // RE2, compiled once; any match counts like a phrase
	need    []string // the regexps only run when one of these substrings occurs
	unless  []string // phrases that veto the rule (the false positives of section 4)
	guard   guard
	generic bool // a low-confidence phrase (H7): reported as MatchedBy "text-generic"
}

// textRules are the diagnostic-text patterns of taxonomy.md section 4, in
// the order of 2.3 step 4: the first rule that matches decides. Several rules
// may share a reason; keep each reason's rules at its place in the order.
var textRules = []textRule{
	{reason: MailboxFull, phrases: []string{
		"mailbox full", "mailbox is full", "mailfolder is full", "mailbox size limit exceeded",
		"over quota", "quota exceeded", "exceeded storage allocation", "insufficient storage",
		"not enough storage", "disk quota", "user has exceeded", "out of storage space",
		"would exceed … quota", "has exceeded its disk space limit", "boite du destinataire pleine",
		"no space left on device", "quota violation", "email quota exceeded",
		"number of messages in … mailbox exceeded",
	}, need: []string{"full", "quota"}, regexps: []string{
		`\b(mail ?box|inbox|mailfolder|account|user|recipient|maildir)\b.{0,30}\b(full|over (the )?(disk )?quota|quota (exceeded|violation))\b`,
	}, unless: []string{
		"sending quota", "submission quota", "sending limit", "daily", "per hour", "message quota",
		"rate quota", "mail system full", "relay limit", "system storage",
	}},
	{reason: EmailTooLarge, phrases: []string{
		"message too large", "message too big", "message size exceeds", "exceeds size limit",
		"size limit", "message file too big", "line limit exceeded", "message length exceeds",
		"maximum inbound message size", "exceeded google's message size", "taille limite du message",
		"message is too large", "message is too big", "mail too large",
	}, unless: []string{"header size"}},
	{reason: Suspend, guard: recipientSide, phrases: []string{
		"account disabled", "mailbox disabled", "this mailbox is disabled", "account has been disabled",
		"account is disabled", "has been suspended", "is currently suspended", "user suspended",
		"account is inactive", "inactive account", "mailbox is inactive", "mailbox is frozen",
		"account is frozen", "temporarily locked", "archived recipient", "tried to reach is disabled",
		"is a deactivated mailbox", "user is terminated", "temporary locked", "account is blocked", "account is locked", "account … expired", "account has been suspended",
		"user account disabled", "mailbox has been disabled",
	}, unless: []string{"sender account", "your account"}},
	{reason: HasMoved, phrases: hasMovedPhrases},
	{reason: NoRelaying, guard: notAtGreeting, phrases: []string{
		"relay access denied", "relaying denied", "relay denied", "relay not permitted", "unable to relay",
		"not permitted to relay", "not an open relay", "we do not relay", "no relaying",
		"not allowed to relay", "not configured to relay", "relaying not allowed", "relaying is not allowed",
		"isn't in my list of allowed rcpthosts", "relay access is denied", "insecure mail relay",
	}, unless: []string{"smtp authentication", "without authentication"}},
	{reason: AuthFailure, phrases: []string{
		"=spf", "=dkim", "=dmarc", "arc validation", "unauthenticated email", "sender is unauthenticated",
		"mail is unauthenticated", "sender policy framework", "authentication checks",
		"spf check: fail", "is not allowed to send mail from",
		"does not have authentication information", "fails to pass authentication checks",
	}, unless: []string{"authentication required", "smtp auth", "duplicate header", "header 'dkim"}},
	// The sending MTA's own explanation that the address is wrong (Trend
	// Micro InterScan MSS: "Unable to deliver message to <x> ... Please
	// check if address is correct."): not a remote reply, so no stage guard.
	{reason: UserUnknown, guard: recipientSide, phrases: []string{
		"check if address is correct", "check if the address is correct",
		"invalid user address",           // Verizon's summary of a user-unknown reply
		"invalid final delivery userid:", // Ipswitch IMail's own delivery error
		"unknown user:",                  // IMail: "Unknown user: a@example.org"
	}},
	{reason: UserUnknown, guard: atRecipient | recipientSide, phrases: []string{
		"user unknown", "unknown user", "no such user", "no such recipient", "no such mailbox",
		"unknown recipient", "recipient unknown", "invalid recipient", "invalid mailbox",
		"mailbox not found", "mailbox does not exist", "address does not exist",
		"account that you tried to reach does not exist", "recipient not found", "user not found",
		"user does not exist", "not a valid recipient", "recipient address rejected: access denied",
		"resolver.adr.recipientnotfound", "resolver.adr.exrecipnotfound", "resolver.adr.recipnotfound",
		"no mailbox here by that name", "account … does not exist", "utilisateur inconnu", "no existe",
		"nessun utente", "unknown local part", "unknown localpart", "unknown mailbox",
		"unknown email address", "unknown e-mail address", "user doesn't have a", "address unknown",
		"mailbox unknown", "no such account", "bad destination mailbox", "invalid address",
		"unrecognized recipient", "recipient rejected: user unknown",
	}},
	{reason: UserUnknown, guard: atRecipient | recipientSide, need: []string{"unknown", "not ", "exist", "invalid"}, regexps: []string{
		`\b(user|recipient|mailbox|address|account)\b.{0,40}\b(unknown|not (found|exist|valid|known)|does ?n[o']t exist|invalid)\b`,
	}, unless: []string{
		"domain not found", "unknown domain", "host not found", "domain does not exist", "no such domain",
		"=sender", "=spf", "=dkim", "=dmarc", "relay", "account or domain may not exist",
	}},
	{reason: UserUnknown, guard: atRecipient | recipientSide, generic: true, phrases: []string{
		"mailbox unavailable", "mailbox not available", "requested action not taken: mailbox",
	}},
	{reason: Filtered, guard: recipientSide, phrases: []string{
		"user refuses to receive", "refused due to recipient preferences", "blocked by the recipient",
		"blocked by recipient", "recipient has blocked", "only accepting mail from specific",
		"rejected due to user rules", "is not accepting any mail", "not currently being accepted",
		"this account is protected by", "resolver.rst.notauthorized", "not authorized to send to this recipient",
		"recipient email address has been blocked", "does not accept mail from you",
		"was rejected by a remote mail server", // au/EZweb: "Each of the following recipients was rejected ..."
		"recipient does not wish to receive",
	}},
	{reason: RequirePTR, phrases: []string{
		"ptr record", "reverse dns", "=rdns", "cannot find your hostname", "ip name lookup failed",
		"generic dns ptr", "forward dns entry does not point to the sending ip",
		"unresolvable relay host name", "reverse lookup", "cannot resolve your hostname",
		"no ptr", "ptr lookup", "unverifyable sending ip", "unverifiable sending ip",
	}},
	{reason: NotCompliantRFC, phrases: []string{
		"not rfc 5322 compliant", "rfc 5322 section 3.6", "rfcmessagenoncompliant",
		"missing a valid message-id", "multiple addresses in from", "missing a valid address in the from",
		"duplicate from header", "multiple from headers", "encoded-word syntax is not permitted",
		"unicode character in a disallowed header", "not rfc 2822 compliant", "not rfc5322 compliant",
	}},
	{reason: BadReputation, phrases: []string{
		"reputation", "too many spam complaints", "user complaints",
	}, unless: []string{"unexpected volume"}},
	{reason: ContentError, phrases: []string{
		"invalid mime", "mime complexity", "duplicate header", "header size exceeds",
		"improper use of 8-bit data", "unnecessary base64", "improperly-formatted binary content",
		"too many received: headers", "invalid characters", "=smtputf8", "bare line feeds",
		"barelinefeedsareillegal", "header size", "malformed mime", "invalid header",
	}},
	{reason: Rejected, phrases: []string{
		"address that has been blacklisted", "address has been blacklisted", // a sender address list, not our IP
		"sender address rejected", "sender rejected", "sender verify failed", "sender domain … not found",
		"domain of sender address", "invalid sender", "unroutable sender address",
		"mail from not owned by user", "not owned by user", "bogus mail from", "null sender is not allowed",
		"empty envelope senders not allowed", "sender is in my black list",
		"sender address has been blacklisted", "sender address blacklisted", "=batv",
		"not a registered gateway user", "returned mail not accepted here",
		"email address is not verified", "sender denied",
		"not have permission to post messages to the group", "not have permission to post to the group", "unknown sender", "sender domain must exist",
		"sender domain does not exist", "sender not allowed", "envelope sender",
		"from: domain is invalid", "sender email address rejected",
	}, unless: []string{
		"recipient address rejected", "sender ip address rejected", "5.1.0 address rejected",
	}},
	// At MAIL FROM even a bare refusal is about our envelope sender.
	{reason: Rejected, guard: atMail, phrases: []string{"access denied", "not allowed", "rejected", "refused"},
		// Refusals that name another cause are left to their own rules.
		unless: []string{"unauthenticated", "authentication", "policy", "relay"}},
	{reason: HostUnknown, guard: recipientSide, phrases: []string{
		"host unknown", "unknown host", "host or domain name not found", "domain does not exist",
		"no such domain", "domain not found", "name or service not known", "unrouteable address",
		"unroutable address", "unknown domain", "domain must exist", "=nxdomain",
		"nonexistent domain", "non-existent domain", "domain name not found", "host not found",
		"account or domain may not exist", // cPanel's Exim: "The account or domain may not exist, ..."
	}, regexps: []string{
		`^[245]\d\d [a-z0-9-]+(\.[a-z0-9-]+)+\.[a-z]{2,} does not exist`, // "553 example.net does not exist"
	}, unless: []string{
		"try again", "dns query failed", "temporary failure", "temporarily", "timed out", "servfail",
	}},
	{reason: SpamDetected, guard: atContent, phrases: []string{
		"=spam", "unsolicited", "bulk mail", "content filter rejection", "message content rejected",
		"rejected as spam", "detected as spam", "looks like spam", "spam score", "spamassassin",
		"probable spam", "classified as spam", "spam-like characteristics", "=uribl",
		"blacklisted url in message", "likely unsolicited mail", "spam content",
	}, need: []string{"score"}, regexps: []string{
		`score(d)? \d+(\.\d+)? .{0,20}(spam|points)`,
	}, unless: []string{
		"spamhaus", "spamcop", "spam complaints", "greylist", "graylist", "blocked using",
		"is listed", "listed at", "listed on", "listed in", "your ip", "client host",
	}},
	{reason: RateLimited, phrases: []string{
		"rate limit", "rate limited", "too many connections", "too many concurrent", "connection limit",
		"too many recipients", "too many messages", "too many sessions", "try again slower",
		"receiving mail too quickly", "receiving mail at a rate", "throttl", "max emails per hour",
		"sending limit exceeded", "sending quota", "submission quota", "per hour message receive limit",
		"receive limit", "unexpected volume", "trop de connexions", "too many smtp connections",
		"too many simultaneous", "sending limit", "daily smtp relay limit", "relay limit exceeded",
		"too fast", "too many mails",
		"frequency limited",
	}, unless: []string{"too many hops", "too many errors", "mailbox quota"}},
	{reason: Greylisted, guard: temporary, phrases: []string{
		"greylist", "graylist", "grey-list", "gray-list", "grey list", "gray list", "postgrey",
		"temporarily deferred, please try again",
	}, need: []string{"try again in"}, regexps: []string{
		`try again in \d+ (second|minute)s?`,
	}},
	{reason: Blocked, phrases: []string{
		"blocked using", "blacklisted", "blocklisted", "block list", "blacklist", "blocklist",
		"=dnsbl", "=rbl", "spamhaus", "spamcop", "barracuda", "abuseat", "=sorbs", "listed at",
		"client host rejected", "sender ip address rejected", "banned sender", "banned sending ip",
		"not currently accepting mail from your ip", "refused to talk to me", "helo command rejected",
		"bad helo", "invalid helo", "dynamic ip", "residential ip", "connection refused by",
		"you are not allowed to connect", "service not available, closing transmission channel",
		"ip not in whitelist", "your ip", "ip address is listed", "is listed on", "is listed in",
		"blocked by", "has been blocked", "access denied, banned",
		"invalid ip for sending mail", "a problem occurred … (bl)",
		"unfortunately, messages from … weren't sent", "too many unwanted messages have been sent from",
	}},
	{reason: FailedSTARTTLS, phrases: []string{
		"starttls", "tls required", "tls is required", "must issue a starttls command first",
		"requiretls", "mta-sts", "=dane", "=tlsa", "encryption required", "tls not available",
		"must use tls", "tls negotiation failed", "tls handshake",
		"does not support tls", "doesn't support tls",
	}, need: []string{"certificate"}, regexps: []string{
		`certificate (has )?(expired|not trusted|verification failed)`,
	}},
	{reason: NotAccept, phrases: []string{
		"does not accept mail", "=nullmx", "null mx", "mail receiving disabled",
		"no mx record found for domain", "no mx found for domain", "mx or srv record indicated no smtp service",
		"no route for current request", "does not receive mail", "accepts no mail",
		"couldn't find a mail exchanger or ip address",
	}, unless: []string{"does not accept mail from", "=sender"}},
	{reason: VirusDetected, guard: atContent, phrases: []string{
		"=virus", "malware", "infected", "potentially executable attachment",
		"executable files are not allowed", "=phishing", "malicious url", "potential security issue",
		"trojan",
	}, unless: []string{"scanner unavailable", "virus scanner", "anti-virus scanner", "antivirus scanner"}},
	{reason: PolicyViolation, phrases: []string{
		"policy violation", "local policy", "denied by policy", "rejected for policy reasons",
		"not accepted for policy reasons", "organization policy", "organisation policy",
		"organizational settings", "illegal attachment", "attachment type not allowed",
		"members-only list", "closed mailing list", "not subscribed to this group", "mass mailer",
		"violates … policy", "policy restrictions", "content policy", "prohibited attachment",
		"same message-id",
	}},
	{reason: SystemError, phrases: []string{
		"temporary local problem", "local error in processing", "internal error", "server error",
		"temporary system problem", "system config error", "server configuration error", "misconfigured",
		"loops back to myself", "=mail loop", "queue file write error", "service currently unavailable",
		"server busy", "system error", "temporarily rejected message", "temporary server error",
		"scanner unavailable",
	}, unless: []string{"hop count", "too many hops", "routing loop", "forwarding loop"}},
	{reason: SystemError, guard: temporary | notAtGreeting, phrases: []string{
		"try again later", "please try later", "try later",
	}},
	{reason: NetworkError, phrases: []string{
		"connection timed out", "connection refused", "no route to host", "network is unreachable",
		"host is unreachable", "lost connection with", "conversation with … timed out",
		"host not found, try again", "dns query failed", "malformed or unexpected name server reply",
		"too many hops", "hop count exceeded", "routing loop", "mail forwarding loop",
		"delivery temporarily suspended", "connection reset", "timeout", "timed out",
		"name server failure", "temporary failure in name resolution", "host not reachable",
		"host name lookup failure",
	}, unless: []string{"message timed out", "retry timeout exceeded", "message expired"}},
	{reason: SystemFull, phrases: []string{
		"mail system full", "insufficient system storage", "insufficient system resources",
		"system storage exceeded", "disk full", "out of disk space", "system full",
	}},
	{reason: Suppressed, phrases: suppressedPhrases},
	{reason: SecurityError, phrases: []string{
		"authentication required", "authentication failed", "authentication credentials invalid",
		"application-specific password required", "username and password not accepted",
		"not authorized to send", "unauthenticated senders not allowed",
		"please log in with your web browser", "too many login attempts",
		"account not subscribed to ses", "not authorized to perform ses:sendrawemail",
		"client was not authenticated", "authentication unsuccessful", "sender account disabled",
		"authentication is required",
		"turn on smtp authentication", "relay through this server without authentication",
	}},
	{reason: SyntaxError, phrases: []string{
		"syntax error", "command unrecognized", "unrecognized command", "bad sequence of commands",
		"command not implemented", "parameter not recognized", "line too long",
		"smtp protocol violation", "invalid command", "protocol error",
		"malformed address", // Exim: "malformed address: <a> may not follow <b>"
	}},
	{reason: Expired, phrases: []string{
		"message expired", "delivery time expired", "queue expired", "giving up on", "has been delayed",
		"could not be delivered for … days", "retry time not reached for any host after a long failure period",
		"unable to deliver message after multiple retries", "was not reachable within the allowed queue period",
		"message timed out", "retry timeout exceeded", "expired after",
		"in the queue too long",
	}},
}

// hasMovedPhrases are the texts that say a mailbox moved (taxonomy 2.3
// step 3 and section 4); they need an address-ish context, so "message
// moved to quarantine" does not count.
var hasMovedPhrases = []string{
	"has been replaced by", "user not local; please try", "mailbox has moved", "user has moved",
	"addr has moved", "address has moved", "recipient has moved", "account has moved",
	"no longer at this address … new address", "recipient no longer on server",
}

// suppressedPhrases say the relay or ESP did not attempt delivery
// (taxonomy section 4, "suppressed"); a structural signal, checked in step 3.
var suppressedPhrases = []string{
	"suppression list", "has suppressed sending", "address is on the suppression list",
	"recipient is inactive", "suppressed address", "onaccountsuppressionlist",
}

// senderContext are the texts of the sender-context veto (taxonomy 2.3
// step 4, H23): the rejection is about our sender, client or HELO, even at
// RCPT, so recipient-side reasons do not apply.
var senderContext = []string{
	"sender address rejected", "sender domain", "unknown sender", "domain of sender",
	"client host rejected", "helo command rejected",
}

// phrase is a compiled pattern: parts must occur in order; word parts need
// non-alphanumeric neighbours.
type phrase struct {
	parts []string
	word  bool
	need  bigrams // bigrams of the parts: all must be in a text it matches
}

// bigrams is a 256-bit set of hashed byte pairs. A phrase can occur in a
// text only if every pair of its parts occurs in the text, so comparing the
// two sets rejects almost every phrase that is not there in a few
// instructions, before any strings.Index: a log has hundreds of thousands
// of distinct failure texts and the rules hold hundreds of phrases.
type bigrams [4]uint64

// add puts the byte pairs of s into g.
func (g *bigrams) add(s string) {
	for i := 1; i < len(s); i++ {
		h := (uint(s[i-1])*31 + uint(s[i])) & 255
		g[h>>6] |= 1 << (h & 63)
	}
}

// literal is a substring to look for as it is (no "…", no "="), with its
// byte pairs for the prefilter of containsAny.
type literal struct {
	s    string
	need bigrams
}

// literals compiles a list of plain substrings.
func literals(list ...string) []literal {
	out := make([]literal, len(list))
	for i, s := range list {
		out[i].s = s
		out[i].need.add(s)
	}
	return out
}

// containsAny reports whether text contains one of list, like anyContains.
// pairs, when not nil, must hold the byte pairs of text: a literal one of
// whose pairs is not there cannot be in text, and is not searched for.
func containsAny(text string, pairs *bigrams, list []literal) bool {
	for i := range list {
		l := &list[i]
		if pairs != nil && !pairs.mayContain(&l.need) {
			continue
		}
		if strings.Contains(text, l.s) {
			return true
		}
	}
	return false
}

// mayContain reports whether every pair of p may be in g.
func (g *bigrams) mayContain(p *bigrams) bool {
	// One test, no early exit: the branches of one would be mispredicted
	// about as often as taken.
	return p[0]&^g[0]|p[1]&^g[1]|p[2]&^g[2]|p[3]&^g[3] == 0
}

type compiledRule struct {
	textRule
	phrases phraseList
	unless  phraseList
	needs   []literal // textRule.need
	regexps []compiledRegexp
}

// compiledRegexp is a regular expression of a rule and the substrings its
// matches hold: one of each set, so a text that lacks all of one set is not
// searched.
type compiledRegexp struct {
	re    *regexp.Regexp
	holds [][]literal
}

// matchString is re.MatchString(text), with the check of holds first; pairs
// is as for containsAny.
func (c *compiledRegexp) matchString(text string, pairs *bigrams) bool {
	for _, set := range c.holds {
		if !containsAny(text, pairs, set) {
			return false
		}
	}
	return c.re.MatchString(text)
}

// compileRegexp compiles expr and works out what its matches hold.
func compileRegexp(expr string) compiledRegexp {
	c := compiledRegexp{re: regexp.MustCompile(expr)}
	re, err := syntax.Parse(expr, syntax.Perl) // as regexp.Compile parses it
	if err != nil {
		return c
	}
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub // each part of a concatenation is in every match
	}
	for _, sub := range subs {
		if set, ok := heldSubstrings(sub); ok && shortest(set) > 1 { // a byte filters little
			c.holds = append(c.holds, literals(set...))
		}
	}
	return c
}

// heldSubstrings returns substrings one of which every match of re holds,
// and false if it cannot tell.
func heldSubstrings(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		// ASCII only: a regexp reads an invalid byte of the text as
		// U+FFFD, which a literal U+FFFD would match.
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return nil, false
		}
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				return nil, false
			}
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture, syntax.OpPlus:
		return heldSubstrings(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return heldSubstrings(re.Sub[0])
		}
	case syntax.OpConcat:
		// Every part is in a match: take the one with the longest
		// shortest substring.
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			if set, ok := heldSubstrings(sub); ok && shortest(set) > bestLen {
				best, bestLen = set, shortest(set)
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			set, ok := heldSubstrings(sub)
			if !ok {
				return nil, false
			}
			all = append(all, set...)
		}
		return all, true
	}
	return nil, false
}

// shortest returns the length of the shortest string of set.
func shortest(set []string) int {
	n := -1
	for _, s := range set {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}

// phraseList is a list of phrases with their byte pairs side by side, so
// that the pairs of a list, looked at for every text, lie close together.
type phraseList struct {
	needs   []bigrams // needs[i] is phrases[i].need
	phrases []phrase
}

func compilePhrases(list []string) phraseList {
	out := make([]phrase, 0, len(list))
	for _, p := range list {
		ph := phrase{}
		if strings.HasPrefix(p, "=") {
			ph.word, p = true, p[1:]
		}
		for _, part := range strings.Split(p, "…") {
			if part = strings.TrimSpace(part); part != "" {
				ph.parts = append(ph.parts, part)
				ph.need.add(part)
			}
		}
		out = append(out, ph)
	}
	needs := make([]bigrams, len(out))
	for i := range out {
		needs[i] = out[i].need
	}
	return phraseList{needs: needs, phrases: out}
}

func compileRules(rules []textRule) []compiledRule {
	out := make([]compiledRule, len(rules))
	for i, r := range rules {
		out[i] = compiledRule{textRule: r, phrases: compilePhrases(r.phrases), unless: compilePhrases(r.unless), needs: literals(r.need...)}
		for _, re := range r.regexps {
			out[i].regexps = append(out[i].regexps, compileRegexp(re))
		}
	}
	return out
}

// compiled holds the read-only compiled tables, built once.
var (
	compiledText       = compileRules(textRules)
	compiledMoved      = compilePhrases(hasMovedPhrases)
	compiledSuppressed = compilePhrases(suppressedPhrases)
	compiledSenderCtx  = compilePhrases(senderContext)
)

// match reports whether the phrase occurs in text.
func (p phrase) match(text string) bool {
	for _, part := range p.parts {
		i := indexPart(text, part, p.word)
		if i < 0 {
			return false
		}
		text = text[i+len(part):]
	}
	return true
}

func indexPart(text, part string, word bool) int {
	if !word {
		return strings.Index(text, part)
	}
	off := 0
	for {
		i := strings.Index(text[off:], part)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(part)
		if (i == 0 || !isAlnum(text[i-1])) && (end == len(text) || !isAlnum(text[end])) {
			return i
		}
		off = i + 1
	}
}

func isAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// anyPhrase reports whether one of list occurs in text. pairs, when not
// nil, must hold the byte pairs of text: phrases whose pairs are not all in
// it are skipped without a search.
func anyPhrase(text string, pairs *bigrams, list phraseList) bool {
	for i := range list.needs {
		if pairs != nil && !pairs.mayContain(&list.needs[i]) {
			continue
		}
		if list.phrases[i].match(text) {
			return true
		}
	}
	return false
}

// matches reports whether the rule's phrases or regexps match text and no
// veto phrase does. pairs is as for anyPhrase.
func (r *compiledRule) matches(text string, pairs *bigrams) bool {
	if !anyPhrase(text, pairs, r.phrases) {
		if len(r.needs) > 0 && !containsAny(text, pairs, r.needs) {
			return false
		}
		hit := false
		for i := range r.regexps {
			if r.regexps[i].matchString(text, pairs) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return !anyPhrase(text, pairs, r.unless)
}
