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
	orange      // Orange (France PTT, Wanadoo) and La Poste
	tencent     // Tencent QQ mail
	cox         // Cox Communications
	spectrum    // Charter Spectrum
	mimecast    // Mimecast gateways
	messagelabs // Symantec / Broadcom Email Security.cloud
	docomo      // NTT docomo
	exchange    // Microsoft Exchange 5.5 / 2000 / 2003 on premises ("MSEXCH:" diagnostics)
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
		[]string{"protection.outlook.com", "outlook.com", "hotmail.com", "resolver.adr.", "resolver.rst.", "smtpsend.", "exchangelabs.com",
			"exchange online", "office 365"}},
	{yahoo, []string{"yahoodns.net", "yahoo.com", "aol.com", "yahoo.net"}, []string{"yahoo.com", "[tss0", "aol.com"}},
	{apple, []string{"icloud.com", "me.com", "mac.com", "apple.com"}, []string{"icloud.com"}},
	{orange, []string{"orange.fr", "wanadoo.fr", "laposte.net"}, []string{"ofr_", "postmaster.orange.fr"}},
	{tencent, []string{"qq.com"}, []string{"mail.qq.com"}},
	{cox, []string{"cox.net"}, []string{"cox.com", "aup#cx"}},
	{spectrum, []string{"charter.net", "spectrum.net", "rr.com"}, []string{"spectrum.net", "aup#in-", "aup#i-"}},
	{mimecast, []string{"mimecast.com"}, []string{"mimecast.com"}},
	{messagelabs, []string{"messagelabs.com"}, []string{"messagelabs.com"}},
	{docomo, []string{"docomo.ne.jp"}, nil},
	{exchange, nil, []string{"msexch:"}},
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
	{google, []string{"5.7.0"}, []string{"illegal attachment", "potential security issue", "content presents a potential"}, PolicyViolation},
	{google, nil, []string{"does not have authentication information", "fails to pass authentication checks"}, AuthFailure},
	{google, nil, []string{"ip not in whitelist"}, Blocked},
	{google, []string{"X.5.3"}, nil, RateLimited},
	{google, []string{"X.1.1"}, []string{"does not exist"}, UserUnknown},
	{google, []string{"4.3.0", "4.4.5"}, nil, SystemError},
	{google, []string{"4.4.2"}, []string{"timeout"}, NetworkError},
	{google, []string{"4.7.0"}, []string{"try again later, closing connection"}, Blocked},
	// Gmail's own notice after its retries found no host that would
	// take a connection (support answer 7720): a give-up.
	{google, nil, []string{"did not accept our requests to connect"}, Expired},

	// Microsoft (Outlook.com, Exchange Online / EOP).
	{microsoft, []string{"5.1.10"}, nil, UserUnknown}, // H5: RecipientNotFound, never null MX
	{microsoft, []string{"X.1.1", "X.1.300-399"}, []string{"resolver.adr.", "not found", "unknown", "does not exist"}, UserUnknown},
	{microsoft, []string{"5.4.1", "X.7.1"}, []string{"relay"}, NoRelaying},
	{microsoft, []string{"5.4.1"}, []string{"all recipient addresses rejected"}, Rejected}, // the tenant refuses the message, not one address
	{microsoft, []string{"5.4.1"}, []string{"recipient address rejected: access denied"}, UserUnknown},
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

	// Tencent QQ: "550 Ip frequency limited", "Connection frequency
	// limited", "Domain frequency limited" (its help pages, errors 1000722
	// ff.).
	{tencent, nil, []string{"frequency limited"}, RateLimited},
	{tencent, nil, []string{"mail content denied", "content is rejected"}, SpamDetected},

	// Cox: "AUP#<code>" tokens of its published error-code list.
	{cox, nil, []string{"aup#cxbl", "aup#cdrbl", "aup#ipbl", "aup#cxdnsbl", "aup#dnsbl", "aup#rbl"}, Blocked},
	{cox, nil, []string{"aup#cxcnct", "aup#cxmxrt", "aup#cxthrt", "aup#cxrcpt", "aup#mxrt"}, RateLimited},
	{cox, nil, []string{"aup#cxdns", "aup#rdns"}, RequirePTR},
	{cox, nil, []string{"aup#urlbl"}, SpamDetected},

	// Mimecast: the texts of its published SMTP error-code list.
	{mimecast, nil, []string{"host network not allowed", "anti-spoofing policy", "rejected by header based"}, PolicyViolation},
	{mimecast, nil, []string{"ip found in rbl", "rbl found"}, Blocked},
	{mimecast, nil, []string{"envelope blocked"}, Filtered},

	// MessageLabs: relaying needs SMTP authentication at its outbound
	// service.
	{messagelabs, nil, []string{"smtp authentication", "without authentication"}, SecurityError},

	// NTT docomo answers "550 Unknown user" both for a missing mailbox
	// (5.1.1) and for its receive filter: 5.2.0 is the recipient's
	// filter, any other code the sender designated for refusal.
	{docomo, []string{"X.1.1"}, []string{"unknown user"}, UserUnknown},
	{docomo, []string{"X.2.0"}, []string{"unknown user"}, Filtered},
	{docomo, nil, []string{"unknown user"}, Rejected},
	{docomo, nil, []string{"too much mail data"}, MailboxFull},
	{docomo, nil, []string{"too many recipients"}, RateLimited},

	// Exchange 2000/2003 print a status number in parentheses after the
	// "MSEXCH:IMS:..." tag (Microsoft KB "NDR codes in Exchange 2000/2003").
	{exchange, nil, []string{"(000c05a6)"}, UserUnknown},
	{exchange, nil, []string{"(000c0595)"}, Filtered},
	{exchange, nil, []string{"(00120270)"}, NetworkError},
	{exchange, nil, []string{"(000b0981)"}, SecurityError},
	{exchange, nil, []string{"(00010256)", "(000d06b5)"}, SystemError},

	// Yahoo / AOL.
	{yahoo, nil, []string{"unexpected volume or user complaints", "[tss04]"}, RateLimited},
	{yahoo, nil, []string{"not a valid recipient", "doesn't have a yahoo.com account", "user doesn't have a"}, UserUnknown},
	{yahoo, nil, []string{"mailbox is disabled", "554.30"}, Suspend},
}

// vendorCode maps a provider's own reason numbers, written after a tag
// ("OFR006_102", "LPN000_630", "AUP#In-1310"), to a reason; lo..hi is
// inclusive.
type vendorCode struct {
	provider provider
	tags     []string // the number follows the tag, optional digits and '_' or '-'
	lo, hi   int
	reason   Reason
}

// vendorCodes are Orange / La Poste's "OFRnnn_NNN" / "LPNnnn_NNN" reason
// numbers (postmaster.orange.fr) and Spectrum's "AUP#I-NNNN" codes (its
// "understanding email error codes" page). First match wins.
var vendorCodes = []vendorCode{
	{orange, []string{"ofr", "lpn"}, 505, 505, SystemError},  // service refused, retry later
	{orange, []string{"ofr", "lpn"}, 506, 506, SpamDetected}, // "Mail rejete": the message was judged spam
	{orange, []string{"ofr", "lpn"}, 630, 630, PolicyViolation},
	{orange, []string{"ofr", "lpn"}, 100, 199, Blocked}, // the source IP or its network is refused
	{orange, []string{"ofr", "lpn"}, 999, 999, Blocked},
	{spectrum, []string{"aup#in", "aup#i", "aup#o"}, 1000, 1000, Blocked},
	{spectrum, []string{"aup#in", "aup#i", "aup#o"}, 1100, 1150, RequirePTR},
	{spectrum, []string{"aup#in", "aup#i", "aup#o"}, 1160, 1160, AuthFailure},
	{spectrum, []string{"aup#in", "aup#i", "aup#o"}, 1200, 1220, Blocked},
	{spectrum, []string{"aup#in", "aup#i", "aup#o"}, 1300, 1340, RateLimited},
}

// vendorNumber returns the number that follows tag in text: "ofr006_102"
// gives 102 for "ofr", "aup#in-1310" 1310 for "aup#in"; -1 if none.
func vendorNumber(text, tag string) int {
	for off := 0; ; {
		i := strings.Index(text[off:], tag)
		if i < 0 {
			return -1
		}
		j := off + i + len(tag)
		off = j
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j >= len(text) || text[j] != '_' && text[j] != '-' {
			continue
		}
		n, k := 0, j+1
		for ; k < len(text) && k-j <= 5 && isDigit(text[k]); k++ {
			n = n*10 + int(text[k]-'0')
		}
		if k > j+1 {
			return n
		}
	}
}

func vendorReason(p provider, text string) (Reason, bool) {
	for i := range vendorCodes {
		v := &vendorCodes[i]
		if v.provider != p {
			continue
		}
		for _, tag := range v.tags {
			if n := vendorNumber(text, tag); n >= v.lo && n <= v.hi {
				return v.reason, true
			}
		}
	}
	return Undefined, false
}

// detectProvider returns the provider named by the remote host or the
// text. A three-digit enhanced detail ("5.7.606") is also taken as
// Microsoft: the registry has none, and Microsoft is the one large provider
// that uses them (smtp-codes.md 1.2).
//
// pairs, when not nil, must hold the byte pairs of text (see containsAny).
func detectProvider(host, text string, pairs *bigrams, enhanced string) provider {
	if host != "" {
		host = strings.TrimSuffix(strings.TrimSpace(host), ".")
		for i := range compiledHints {
			h := &compiledHints[i]
			for _, suffix := range h.hosts {
				if isHostOrSubdomain(host, suffix) {
					return h.provider
				}
			}
		}
	}
	for i := range compiledHints {
		if h := &compiledHints[i]; containsAny(text, pairs, h.tags) {
			return h.provider
		}
	}
	if enhanced != "" {
		if _, detail, ok := strings.Cut(enhanced[2:], "."); ok && len(detail) == 3 {
			return microsoft
		}
	}
	return noProvider
}

// compiledHint is a providerHint with its tags made ready for containsAny.
type compiledHint struct {
	provider provider
	hosts    []string
	tags     []literal
}

// compiledHints are providerHints, in their order; compiledPhrases are the
// phrases of providerRules, by index.
var (
	compiledHints   = compileHints(providerHints)
	compiledPhrases = compileProviderPhrases(providerRules)
)

// compileHints compiles the tags of hints.
func compileHints(hints []providerHint) []compiledHint {
	out := make([]compiledHint, len(hints))
	for i, h := range hints {
		out[i] = compiledHint{provider: h.provider, hosts: h.hosts, tags: literals(h.tags...)}
	}
	return out
}

// compileProviderPhrases compiles the phrases of rules, by index.
func compileProviderPhrases(rules []providerRule) [][]literal {
	out := make([][]literal, len(rules))
	for i, r := range rules {
		out[i] = literals(r.phrases...)
	}
	return out
}

// isHostOrSubdomain reports whether host, with ASCII upper case read as
// lower case, is suffix (lower case) or a name under it.
func isHostOrSubdomain(host, suffix string) bool {
	n := len(host) - len(suffix)
	if n < 0 || n > 0 && host[n-1] != '.' {
		return false
	}
	for i := len(suffix) - 1; i >= 0; i-- {
		c := host[n+i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != suffix[i] {
			return false
		}
	}
	return true
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

// providerReason looks the event up in the provider tables. pairs is as for
// containsAny.
func providerReason(p provider, enhanced, text string, pairs *bigrams) (Reason, bool) {
	if p == noProvider {
		return Undefined, false
	}
	if r, ok := vendorReason(p, text); ok {
		return r, true
	}
	for i := range providerRules {
		r := &providerRules[i]
		if r.provider != p {
			continue
		}
		if len(r.codes) > 0 && !anyCode(enhanced, r.codes) {
			continue
		}
		if len(r.phrases) > 0 && !containsAny(text, pairs, compiledPhrases[i]) {
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
