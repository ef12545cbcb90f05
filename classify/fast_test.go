package classify

import (
	"strings"
	"testing"
	"unicode/utf8"

	"bouncelens/parser/smtpcode"
)

// The functions here are plain versions of the ones the classifier runs,
// which are written for speed: the tests and fuzz targets check that each
// gives what its plain version gives.

// normalizePlain is normalize, byte by byte.
func normalizePlain(text string) string {
	b := make([]byte, 0, len(text))
	ascii := true
	space := true // drop leading space
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			if !space {
				b = append(b, ' ')
				space = true
			}
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= utf8.RuneSelf:
			ascii = false
		}
		if space && i+4 <= len(text) && isContinuation(text[i:]) {
			i += 3 // skip "550-"
			if code := smtpcode.EnhancedAt(text, i+1); code != "" {
				i += len(code)
			}
			continue
		}
		b = append(b, c)
		space = false
	}
	if n := len(b); n > 0 && b[n-1] == ' ' {
		b = b[:n-1]
	}
	if !ascii {
		return strings.ToLower(string(b))
	}
	return string(b)
}

// mayForwardPlain is mayForward, byte by byte.
func mayForwardPlain(text string) bool {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= 0x80 {
			return true
		}
		if c|0x20 == 'f' && i+7 <= len(text) && strings.EqualFold(text[i:i+7], "forward") {
			return true
		}
	}
	return false
}

// detectProviderPlain is detectProvider without the byte-pair filter.
func detectProviderPlain(host, text, enhanced string) provider {
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

// fastSeeds are texts for the fuzz targets below.
var fastSeeds = []string{
	"", " ", "  550-5.1.1 The email\r\n550-5.1.1  account   does\n550 5.1.1 not exist ", "User\tUnknown", "Boîte PLEINE",
	"call 555-1234", "250 2.0.0 Ok: queued as 4F2A1C0D3", "250 ok; will FORWARD to <x@example.org>", "forwar", "xforward",
	"host mx.example.com[192.0.2.1] said: 550-5.7.1 a 550 5.7.1 b (in reply to RCPT TO command)", "a 550-", "a  550-x", "550-550-5.1.1x",
	"5.1.1", "x 4.1.1 y", "10.5.1.1 v2.1.5 2.1.5", "a.b", ".5.1.1", "550 5.1.1", "Mx.GOOGLE.com.", " outlook.com ", "xgoogle.com",
	"GSMTP", "550 5.7.606 Access denied", "K.google.com", "İ", "\xff\xfe", "ｆorward",
}

func TestNormalizeFast(t *testing.T) {
	for _, s := range fastSeeds {
		if got, want := normalize(s), normalizePlain(s); got != want {
			t.Errorf("normalize(%q) = %q, plain version %q", s, got, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), normalizePlain(s); got != want {
			t.Fatalf("normalize(%q) = %q, plain version %q", s, got, want)
		}
	})
}

func FuzzMayForward(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := mayForward(s), mayForwardPlain(s); got != want {
			t.Fatalf("mayForward(%q) = %v, plain version %v", s, got, want)
		}
	})
}

func FuzzFindEnhanced(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s, byte(0))
		f.Add(s, byte('5'))
	}
	f.Fuzz(func(t *testing.T, s string, class byte) {
		if got, want := findEnhanced(s, class), smtpcode.FindEnhanced(s, class); got != want {
			t.Fatalf("findEnhanced(%q, %q) = %q, smtpcode %q", s, class, got, want)
		}
		if got, ok := normalizeCode(s); true {
			want, wok := smtpcode.Normalize(s)
			if got != want || ok != wok {
				t.Fatalf("normalizeCode(%q) = %q, %v; smtpcode %q, %v", s, got, ok, want, wok)
			}
		}
	})
}

func FuzzDetectProvider(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s, s, "5.7.606")
	}
	f.Fuzz(func(t *testing.T, host, text, enhanced string) {
		if enhanced != "" && len(enhanced) < 2 {
			return // detectProvider takes a canonical code
		}
		text = normalize(text)
		var pairs bigrams
		pairs.add(text)
		if got, want := detectProvider(host, text, &pairs, enhanced), detectProviderPlain(host, text, enhanced); got != want {
			t.Fatalf("detectProvider(%q, %q, %q) = %v, plain version %v", host, text, enhanced, got, want)
		}
	})
}

// TestProviderHostsLowerCase: detectProvider compares host names with the
// suffixes ignoring the case of the host only.
func TestProviderHostsLowerCase(t *testing.T) {
	for _, h := range providerHints {
		for _, s := range h.hosts {
			if s != lower(s) || s == "" {
				t.Errorf("provider host suffix %q: want lower case", s)
			}
		}
	}
}

// regexpSeeds match the rules' regular expressions.
var regexpSeeds = []string{
	"your mailbox is full", "user account is over the disk quota", "recipient quota exceeded", "mail box full",
	"user x@y is unknown", "the address does not exist", "account doesn't exist", "mailbox is invalid", "recipient not found",
	"550 mail.example.net does not exist", "score 7.5 spam", "scored 12 points", "try again in 300 seconds", "try again in 5 minutes",
	"certificate has expired", "certificate not trusted", "certificate verification failed",
}

// TestRegexpHolds: every match of a rule's regular expression holds one
// substring of each set that compileRegexp works out.
func TestRegexpHolds(t *testing.T) {
	for _, s := range append(regexpSeeds, fastSeeds...) {
		checkRegexpHolds(t, s)
	}
}

func FuzzRegexpHolds(f *testing.F) {
	for _, s := range regexpSeeds {
		f.Add(s)
	}
	f.Fuzz(checkRegexpHolds)
}

func checkRegexpHolds(t *testing.T, s string) {
	var pairs bigrams
	pairs.add(s)
	for i := range compiledText {
		for j := range compiledText[i].regexps {
			c := &compiledText[i].regexps[j]
			if got, want := c.matchString(s, &pairs), c.re.MatchString(s); got != want {
				t.Fatalf("%s on %q: %v with the substring check, %v without", c.re, s, got, want)
			}
		}
	}
}

// literalLists are the compiled substring lists of the package.
func literalLists() [][]literal {
	lists := [][]literal{rcptHints, networkish, temporaryWords, permanentWords, relayWords, nullMXWords, dkimWords,
		localAgentWords, localFullWords, pleaseTryWords, senderWords, notAcceptWords}
	for _, h := range compiledHints {
		lists = append(lists, h.tags)
	}
	lists = append(lists, compiledPhrases...)
	for i := range compiledText {
		lists = append(lists, compiledText[i].needs)
		for _, re := range compiledText[i].regexps {
			lists = append(lists, re.holds...)
		}
	}
	return lists
}

// checkPrefilter checks that the byte-pair filter of containsAny and
// anyPhrase changes no answer for text.
func checkPrefilter(t *testing.T, text string) {
	var pairs bigrams
	pairs.add(text)
	for _, l := range literalLists() {
		if got, want := containsAny(text, &pairs, l), containsAny(text, nil, l); got != want {
			t.Fatalf("containsAny(%q, %q) = %v with the filter, %v without", text, l[0].s, got, want)
		}
	}
	phrases := []phraseList{compiledMoved, compiledSuppressed, compiledSenderCtx}
	for i := range compiledText {
		phrases = append(phrases, compiledText[i].phrases, compiledText[i].unless)
	}
	for _, l := range phrases {
		if got, want := anyPhrase(text, &pairs, l), anyPhrase(text, nil, l); got != want {
			t.Fatalf("anyPhrase(%q) = %v with the filter, %v without", text, got, want)
		}
	}
}

func TestPrefilter(t *testing.T) {
	for _, s := range append(regexpSeeds, fastSeeds...) {
		checkPrefilter(t, normalize(s))
	}
	// Every literal and phrase part, alone and in a sentence.
	for _, l := range literalLists() {
		for _, lit := range l {
			checkPrefilter(t, lit.s)
			checkPrefilter(t, "550 5.1.1 x "+lit.s+" y")
		}
	}
	for _, r := range textRules {
		for _, p := range append(r.phrases, r.unless...) {
			checkPrefilter(t, strings.ReplaceAll(strings.TrimPrefix(p, "="), "…", "and"))
		}
	}
}

func FuzzPrefilter(f *testing.F) {
	for _, s := range append(regexpSeeds, fastSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkPrefilter(t, normalize(s))
	})
}
