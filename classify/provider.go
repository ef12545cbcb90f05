package classify

import "strings"

// provider is a mailbox provider with a table of its own (taxonomy 3.3).
type provider uint8

const (
	noProvider provider = iota
	google
	microsoft
	yahoo
	apple
)

// providerHint identifies a provider by the remote host name (suffix) or
// a tag in the normalized text.
type providerHint struct {
	provider provider
	hosts    []string // host name suffixes, e.g. "google.com"
	tags     []string // substrings of the normalized text, e.g. "gsmtp"
}

var providerHints = []providerHint{
	{google, []string{"google.com", "googlemail.com", "gmail.com"}, []string{"gsmtp", "google.com", "google's"}},
	{microsoft, []string{"outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com", "outlook.office365.com"},
		[]string{"protection.outlook.com", "outlook.com", "hotmail.com", "resolver.adr.", "resolver.rst.", "smtpsend.", "exchangelabs.com"}},
	{yahoo, []string{"yahoodns.net", "yahoo.com", "aol.com", "yahoo.net"}, []string{"yahoo.com", "[tss0", "aol.com"}},
	{apple, []string{"icloud.com", "me.com", "mac.com", "apple.com"}, []string{"icloud.com"}},
}

// providerRule: when the provider matches, the enhanced code matches one of
// codes (or codes is empty) and the text contains one of phrases (or
// phrases is empty), the reason is decided. Codes are canonical ("5.2.1"),
// class-independent ("X.2.1") or ranges of details ("5.7.606-649").
type providerRule struct {
	provider provider
	codes    []string
	phrases  []string
	reason   Reason
}

// providerRules are the provider tables of taxonomy 3.3 (Google, Microsoft,
// Yahoo/AOL; the references give no Apple rows), plus Microsoft's vendor
// codes of smtp-codes.md 3.9. Within a provider the first match wins, so
// specific rows come first.
var providerRules = []providerRule{
	// Google (Gmail / Workspace).
	{google, []string{"X.2.1"}, []string{"receiving mail at a rate", "receiving mail too quickly", "relay limit"}, RateLimited},
	{google, []string{"X.2.1"}, []string{"disabled", "inactive"}, Suspend},
	{google, []string{"X.2.2"}, []string{"and inactive"}, Suspend},
	{google, []string{"X.2.2"}, []string{"over quota", "out of storage space"}, MailboxFull},
	{google, nil, []string{"email quota exceeded"}, MailboxFull},
	{google, nil, []string{"daily sending quota", "daily user sending limit", "daily smtp relay limit", "sending limit exceeded", "peak smtp relay limit"}, RateLimited},
	{google, []string{"X.2.3", "X.3.4"}, []string{"size limit"}, EmailTooLarge},
	{google, nil, []string{"same message-id"}, PolicyViolation},
	{google, nil, []string{"unusual rate of unsolicited mail", "unusual rate of mail"}, Blocked},
	{google, nil, []string{"low reputation"}, BadReputation},
	{google, nil, []string{"likely unsolicited mail"}, SpamDetected},
	{google, []string{"X.7.23", "X.7.25"}, nil, RequirePTR},
	{google, nil, []string{"ptr record"}, RequirePTR},
	{google, []string{"X.7.24", "X.7.26", "X.7.27", "X.7.30", "X.7.32"}, nil, AuthFailure},
	{google, []string{"X.7.29"}, nil, FailedSTARTTLS},
	{google, nil, []string{"tls required for rcpt domain", "senders to use tls"}, FailedSTARTTLS},
	{google, nil, []string{"not rfc 5322 compliant", "missing a valid message-id", "multiple addresses in from"}, NotCompliantRFC},
	{google, []string{"5.7.0"}, []string{"illegal attachment", "potential security issue"}, PolicyViolation},
	{google, nil, []string{"ip not in whitelist"}, Blocked},
	{google, []string{"X.5.3"}, nil, RateLimited},
	{google, []string{"X.1.1"}, []string{"does not exist"}, UserUnknown},
	{google, []string{"4.3.0", "4.4.5"}, nil, SystemError},
	{google, []string{"4.4.2"}, []string{"timeout"}, NetworkError},
	{google, []string{"4.7.0"}, []string{"try again later, closing connection"}, Blocked},

	// Microsoft (Outlook.com, Exchange Online / EOP).
	{microsoft, []string{"5.1.10", "X.1.1"}, []string{"resolver.adr.", "not found", "unknown", "does not exist"}, UserUnknown},
	{microsoft, []string{"5.4.1", "X.7.1"}, []string{"relay"}, NoRelaying},
	{microsoft, []string{"5.4.1"}, []string{"access denied"}, UserUnknown},
	{microsoft, []string{"5.7.504", "5.7.505"}, nil, Suspend},
	{microsoft, []string{"X.2.2"}, []string{"submission quota"}, RateLimited},
	{microsoft, []string{"X.2.2"}, nil, MailboxFull},
	{microsoft, []string{"5.2.1"}, nil, Suspend},
	{microsoft, []string{"5.2.121", "5.2.122"}, nil, RateLimited},
	{microsoft, []string{"4.7.650"}, nil, BadReputation},
	{microsoft, []string{"4.7.652", "5.7.508"}, nil, RateLimited},
	{microsoft, []string{"5.7.511", "5.7.606-649", "5.7.513", "5.7.506", "5.7.510"}, nil, Blocked},
	{microsoft, []string{"X.7.1"}, []string{"block list", "blocklist"}, Blocked},
	{microsoft, []string{"5.7.23", "5.7.509", "5.7.515"}, nil, AuthFailure},
	{microsoft, []string{"5.7.25"}, nil, RequirePTR},
	{microsoft, []string{"4.4.317", "5.4.317", "4.4.8", "5.4.8", "X.7.321-325"}, nil, FailedSTARTTLS},
	{microsoft, []string{"X.7.1"}, []string{"resolver.rst.notauthorized"}, Filtered},
	{microsoft, []string{"X.7.1"}, []string{"delivery not authorized"}, Rejected},
	{microsoft, []string{"5.7.750"}, nil, Rejected},
	{microsoft, []string{"5.7.512"}, nil, NotCompliantRFC},
	{microsoft, []string{"5.3.4"}, nil, EmailTooLarge},
	{microsoft, []string{"4.4.7", "5.4.300", "5.4.316"}, []string{"expired"}, Expired},
	{microsoft, []string{"4.4.316", "5.4.316"}, []string{"connection refused"}, NetworkError},
	{microsoft, []string{"4.4.7", "5.4.300"}, nil, Expired},
	{microsoft, []string{"4.4.312", "5.4.312"}, nil, NetworkError},
	{microsoft, []string{"5.4.4"}, []string{"nonexistent domain"}, HostUnknown},
	{microsoft, []string{"5.4.4", "5.4.6", "5.4.14"}, nil, NetworkError},
	{microsoft, []string{"4.4.4"}, []string{"tenant"}, NotAccept},
	{microsoft, []string{"4.3.2"}, nil, RateLimited},
	{microsoft, []string{"4.3.1"}, nil, SystemFull},
	{microsoft, []string{"5.7.139"}, nil, SecurityError},
	{microsoft, []string{"4.7.500-699"}, nil, RateLimited}, // "server busy" throttling, smtp-codes.md 3.9

	// Yahoo / AOL.
	{yahoo, nil, []string{"unexpected volume or user complaints", "[tss04]"}, RateLimited},
	{yahoo, nil, []string{"not a valid recipient", "doesn't have a yahoo.com account", "user doesn't have a"}, UserUnknown},
	{yahoo, nil, []string{"mailbox is disabled", "554.30"}, Suspend},
}

// detectProvider returns the provider named by the remote host or the
// text. A three-digit enhanced detail ("5.7.606") is also taken as
// Microsoft: the registry has none, and Microsoft is the one large provider
// that uses them (smtp-codes.md 1.2).
func detectProvider(host, text, enhanced string) provider {
	if host != "" {
		host = strings.TrimSuffix(lower(strings.TrimSpace(host)), ".")
		for _, h := range providerHints {
			for _, suffix := range h.hosts {
				if host == suffix || strings.HasSuffix(host, "."+suffix) {
					return h.provider
				}
			}
		}
	}
	for _, h := range providerHints {
		for _, tag := range h.tags {
			if strings.Contains(text, tag) {
				return h.provider
			}
		}
	}
	if enhanced != "" {
		if _, detail, ok := strings.Cut(enhanced[2:], "."); ok && len(detail) == 3 {
			return microsoft
		}
	}
	return noProvider
}

// codeMatches reports whether a canonical enhanced code matches a pattern:
// "5.2.1", "X.2.1" or a detail range "5.7.606-649" / "X.7.321-325".
func codeMatches(code, pattern string) bool {
	if code == "" {
		return false
	}
	if pattern[0] != 'X' && pattern[0] != code[0] {
		return false
	}
	p := pattern[1:]
	lo, hi, isRange := strings.Cut(p, "-")
	if !isRange {
		return p == code[1:]
	}
	// lo is ".7.606", hi is "649"; code[1:] is ".7.620".
	prefix := lo[:strings.LastIndexByte(lo, '.')+1]
	rest, ok := strings.CutPrefix(code[1:], prefix)
	if !ok {
		return false
	}
	return len(rest) == len(hi) && rest >= lo[len(prefix):] && rest <= hi
}

// providerReason looks the event up in the provider tables.
func providerReason(p provider, enhanced, text string) (Reason, bool) {
	if p == noProvider {
		return Undefined, false
	}
	for i := range providerRules {
		r := &providerRules[i]
		if r.provider != p {
			continue
		}
		if len(r.codes) > 0 && !anyCode(enhanced, r.codes) {
			continue
		}
		if len(r.phrases) > 0 && !anyContains(text, r.phrases) {
			continue
		}
		return r.reason, true
	}
	return Undefined, false
}

func anyCode(code string, patterns []string) bool {
	for _, p := range patterns {
		if codeMatches(code, p) {
			return true
		}
	}
	return false
}

func anyContains(text string, list []string) bool {
	for _, s := range list {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}
