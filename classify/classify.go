package classify

import (
	"math/bits"
	"strings"

	"bouncelens/parser/smtpcode"
)

// SMTP stages, as Classify reads Input.Command.
const (
	cmdConn     = "CONN"
	cmdEHLO     = "EHLO"
	cmdSTARTTLS = "STARTTLS"
	cmdMAIL     = "MAIL"
	cmdRCPT     = "RCPT"
	cmdData     = "DATA"
)

// MatchedBy values: which step of the decision procedure decided.
const (
	byStatus      = "status"
	byProvider    = "provider"
	byStructural  = "structural"
	byText        = "text"
	byTextGeneric = "text-generic"
	byEnhanced    = "enhanced"
	byReply       = "reply"
	byFallback    = "fallback"
)

// event is one Input made ready for the decision procedure.
type event struct {
	in       Input
	text     string // normalized diagnostic text
	cmd      string // one of the cmd constants, or ""
	code     int    // reply code, given or found in the text
	enhanced string // picked enhanced code, canonical, "" if none (X.0.0 is none)
	class    byte   // '2', '4' or '5': temporary vs permanent; 0 if unknown
	provider provider
	pairs    bigrams // byte pairs of text
}

// decision is what the steps produce before hardness and action.
type decision struct {
	reason  Reason
	by      string
	forward string
	soft    bool // the step knows the failure is soft whatever the class
}

// Classify picks one reason for one recipient event and derives its class,
// action and side, following the bouncelens decision procedure
// (taxonomy.md 2.3; see the package documentation).
func Classify(in Input) Result {
	if r, ok := fastDelivered(in); ok {
		return r
	}
	return classifyFull(in)
}

// classifyFull is Classify without the fast path of deliveries.
func classifyFull(in Input) Result {
	ev := prepare(in)
	d := ev.decide()
	return result(d, ev.enhanced, ev.code, ev.hardness(d))
}

// result is the Result of decision d for an event with the given codes and
// class.
func result(d decision, enhanced string, code int, class Class) Result {
	r := Result{
		Reason:    d.reason,
		Enhanced:  enhanced,
		Code:      code,
		MatchedBy: d.by,
		Class:     class,
	}
	if d.reason == HasMoved || d.reason == Forwarded {
		r.Forward = d.forward
	}
	r.Action = action(r.Reason, r.Class, r.Forward != "", d.by)
	r.Side = reasonInfos[r.Reason].Side
	return r
}

// Reply classifies a bare SMTP reply, as typed for the explain command:
// Classify(Input{Code: code, Enhanced: enhanced, Text: text}).
func Reply(code int, enhanced, text string) Result {
	return Classify(Input{Code: code, Enhanced: enhanced, Text: text})
}

func prepare(in Input) event {
	ev := event{in: in, text: normalize(in.Text)}
	ev.pairs.add(ev.text)
	ev.cmd = command(in.Command, ev.text)

	ev.code = in.Code
	if ev.code < 200 || ev.code > 599 {
		ev.code = smtpcode.FindReply(in.Text)
	}
	enhanced, given, replyClass := enhancedOf(in, ev.code)
	ev.enhanced = enhanced

	// Temporary vs permanent: enhanced class, then reply class, then the
	// event's own status, then words in the text (taxonomy 2.2-6, 2.4-3).
	switch {
	case ev.enhanced != "" && ev.enhanced[0] != 'X':
		ev.class = ev.enhanced[0]
	case replyClass != 0:
		ev.class = replyClass
	case given != "" && given[0] != 'X':
		ev.class = given[0] // X.0.0 says nothing about the cause, but keeps its class
	case in.Deferred:
		ev.class = '4'
	case containsAny(ev.text, &ev.pairs, temporaryWords):
		ev.class = '4'
	case containsAny(ev.text, &ev.pairs, permanentWords):
		ev.class = '5'
	}
	return ev
}

// The words that give a text without codes its class.
var (
	temporaryWords = literals("temporar", "persistent")
	permanentWords = literals("permanent")
)

// enhancedOf returns the enhanced code to classify in by (the given one or
// the one in the text, see pickEnhanced), the given one made canonical, and
// the class digit of reply code ('2', '4', '5'; 0 without a code).
func enhancedOf(in Input, code int) (enhanced, given string, replyClass byte) {
	given, _ = normalizeCode(in.Enhanced)
	if code != 0 {
		replyClass = byte('0' + code/100)
	}
	inText := findEnhanced(in.Text, replyClass)
	if inText == "" && replyClass != 0 {
		inText = findEnhanced(in.Text, 0)
	}
	if given != "" && given[0] == 'X' {
		// A class-independent code (typed for explain): take the class from
		// the reply code, or keep it for the table lookups only.
		if replyClass == '4' || replyClass == '5' || replyClass == '2' {
			given = string(replyClass) + given[1:]
		}
	}
	return pickEnhanced(given, inText, code), given, replyClass
}

// fastDelivered classifies the commonest input of a log, a plain delivery
// (a 2xx reply other than 251, no forwarding words), without normalising
// its text: the result is what the full procedure gives (a test and the
// fuzz target check it), found in a tenth of the time.
func fastDelivered(in Input) (Result, bool) {
	if !in.Delivered || in.Feedback || in.AutoReply || in.Code < 200 || in.Code > 299 || in.Code == 251 ||
		mayForward(in.Text) {
		return Result{}, false
	}
	enhanced, _, _ := enhancedOf(in, in.Code)
	// What result gives for a delivery, field by field.
	return Result{Reason: Delivered, Class: None, Action: reasonInfos[Delivered].Action, Side: reasonInfos[Delivered].Side,
		Enhanced: enhanced, Code: in.Code, MatchedBy: byStatus}, true
}

// mayForward reports whether text could read "will forward to" once
// normalised: it holds "forward" in any case, or any non-ASCII byte.
func mayForward(text string) bool {
	// Eight bytes at a time: a word without a byte >= 0x80 and without an
	// 'f' or 'F' has nothing to look at, which is most of a delivery text.
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
		fs    = 0x6666666666666666 // "ffffffff"
		lower = 0x2020202020202020
	)
	i := 0
	for ; i+8 <= len(text); i += 8 {
		w := uint64(text[i]) | uint64(text[i+1])<<8 | uint64(text[i+2])<<16 | uint64(text[i+3])<<24 |
			uint64(text[i+4])<<32 | uint64(text[i+5])<<40 | uint64(text[i+6])<<48 | uint64(text[i+7])<<56
		if w&highs != 0 {
			return true
		}
		// A byte of y is zero where text has 'f' or 'F' (the only bytes
		// that are 'f' with bit 5 set). y's bytes are below 0x80, so m
		// has the high bit of every zero byte of y (and maybe of a byte
		// above one, which forwardAt rules out).
		y := (w | lower) ^ fs
		for m := (y - ones) &^ y & highs; m != 0; m &= m - 1 {
			if j := i + bits.TrailingZeros64(m)/8; forwardAt(text, j, j+1) {
				return true
			}
		}
	}
	return forwardAt(text, i, len(text))
}

// forwardAt is mayForward for the bytes text[from:to].
func forwardAt(text string, from, to int) bool {
	for i := from; i < to; i++ {
		c := text[i]
		if c >= 0x80 {
			return true
		}
		if c|0x20 == 'f' && i+7 <= len(text) {
			w := text[i+1 : i+7]
			if w[0]|0x20 == 'o' && w[1]|0x20 == 'r' && w[2]|0x20 == 'w' && w[3]|0x20 == 'a' && w[4]|0x20 == 'r' && w[5]|0x20 == 'd' {
				return true
			}
		}
	}
	return false
}

// command returns the SMTP stage named by cmd, or found in the text.
func command(cmd, text string) string {
	switch c := strings.ToUpper(strings.TrimSpace(cmd)); c {
	case "":
	case "CONN", "CONNECT", "GREETING", "BANNER":
		return cmdConn
	case "EHLO", "HELO", "LHLO":
		return cmdEHLO
	case "MAIL", "MAIL FROM":
		return cmdMAIL
	case "RCPT", "RCPT TO":
		return cmdRCPT
	case "DATA", "END OF DATA", "BDAT":
		return cmdData
	default:
		return c
	}
	return smtpcode.Stage(text)
}

// rcptHints are texts that only a reply to RCPT TO carries: Postfix's
// smtpd restriction wording, and the stage tags some MTAs print.
var rcptHints = literals("recipient address rejected", "[rcpt_to]", "smtp:rcpt ", "rcpt to:<", "after rcpt command")

// decide runs steps 0 to 8 of taxonomy 2.3; the first step with an answer
// wins.
func (ev *event) decide() decision {
	in := &ev.in
	// Step 0: not a failure.
	if in.Feedback {
		return decision{reason: Feedback, by: byStatus}
	}
	if in.AutoReply {
		return decision{reason: Vacation, by: byStatus}
	}
	if ev.delivered() {
		if ev.code == 251 || strings.Contains(ev.text, "will forward to") {
			return decision{reason: Forwarded, by: byStatus, forward: ev.forward()}
		}
		return decision{reason: Delivered, by: byStatus}
	}
	// Step 2: provider tables. Detected here, not in prepare: a delivery
	// does not need it, and deliveries are most of a log.
	ev.provider = detectProvider(in.RemoteMTA, ev.text, &ev.pairs, ev.enhanced)
	if r, ok := providerReason(ev.provider, ev.enhanced, ev.text, &ev.pairs); ok {
		return decision{reason: r, by: byProvider, forward: ev.forwardIf(r)}
	}
	// Step 3: strong structural signals.
	if d, ok := ev.structural(); ok {
		return d
	}
	// Step 4: ordered text matching.
	if d, ok := ev.matchText(); ok {
		return d
	}
	// A give-up or a delay whose only code says nothing about the cause
	// ("4.4.7", "4.4.1", "4.4.0", "4.5.0": Sisimai has no other reason for
	// them) is expired: the status word decides (step 7, taxonomy 2.2-3.4).
	if (in.Expired || in.Deferred && ev.wordless()) && ev.enhanced != "" && statusOnlyCode(ev.enhanced) {
		return decision{reason: Expired, by: byStatus}
	}
	// Step 5: enhanced code table.
	if r, ok := enhancedReason(ev.enhanced, ev.text, &ev.pairs); ok {
		if ev.cmd == cmdMAIL && (r == UserUnknown || r == HostUnknown) && strings.HasPrefix(ev.enhanced[1:], ".1.") {
			// An address status given in reply to MAIL FROM is about our
			// envelope sender (taxonomy 3.2: 553 at MAIL is rejected).
			r = Rejected
		}
		return decision{reason: r, by: byEnhanced, forward: ev.forwardIf(r), soft: r == NotAccept && ev.enhanced[2:] == "3.2"}
	}
	// Step 6: reply code table.
	if r, ok := replyReason(ev.code, ev.cmd, ev.text); ok && !(ev.code == 551 && r == HasMoved) {
		return decision{reason: r, by: byReply}
	}
	// Step 7: status fallback. The input's own status word comes last
	// (taxonomy 2.4: provider > text > enhanced code > reply code > status
	// word): an expired event whose last reply named a cause keeps that
	// cause, as Sisimai does (its retry list re-reads "expired"); the event's
	// status still says it was a give-up (H4).
	if in.Expired || in.Deferred && ev.wordless() {
		return decision{reason: Expired, by: byStatus}
	}
	if indexPart(ev.text, "giving up", false) >= 0 || indexPart(ev.text, "expired", true) >= 0 {
		return decision{reason: Expired, by: byFallback}
	}
	if ev.cmd == cmdConn || ev.cmd == cmdEHLO {
		return decision{reason: Blocked, by: byFallback}
	}
	// Step 8.
	if ev.text != "" {
		return decision{reason: OnHold, by: byFallback}
	}
	return decision{reason: Undefined, by: byFallback}
}

// wordless reports whether the text carries no words, only codes ("421"):
// it says nothing the codes do not.
func (ev *event) wordless() bool {
	for i := 0; i < len(ev.text); i++ {
		if c := ev.text[i]; c >= 'a' && c <= 'z' || c >= 0x80 {
			return false
		}
	}
	return true
}

// delivered reports a success: the input says so, or the reply is 2xx (or,
// without a reply code, the enhanced code is 2.x.x) and the input does not
// say the message is still queued, expired or failed.
func (ev *event) delivered() bool {
	if ev.in.Delivered {
		return true
	}
	if ev.in.Deferred || ev.in.Expired || ev.in.Failed {
		return false // a 2xx number in a failure's text is not a success
	}
	if ev.code != 0 {
		return ev.code/100 == 2
	}
	return ev.enhanced != "" && ev.enhanced[0] == '2'
}

// forward returns the forward address: the input's, or one found in the
// text.
func (ev *event) forward() string {
	if ev.in.Forward != "" {
		return ev.in.Forward
	}
	if ev.enhanced == "5.7.17" {
		return "" // the mailbox belongs to someone else now (smtp-codes.md 5.3)
	}
	return forwardAddress(ev.enhanced, ev.in.Text)
}

func (ev *event) forwardIf(r Reason) string {
	if r == HasMoved {
		return ev.forward()
	}
	return ""
}

// The substrings that step 3 looks for.
var (
	relayWords      = literals("relay", "not permitted", "denied")
	nullMXWords     = literals("nullmx", "null mx")
	dkimWords       = literals("dkim", "spf", "dmarc")
	localAgentWords = literals("x-unix", "command died with status", "procmail", "maildrop", "mailer error", "pipe to |")
	localFullWords  = literals("quota", "no space left", "disk full", "mailbox full")
	pleaseTryWords  = literals("please try")
	senderWords     = literals("sender")
	notAcceptWords  = literals("does not accept mail")
)

// structural is step 3 of taxonomy 2.3.
func (ev *event) structural() (decision, bool) {
	text, pairs, code, enh := ev.text, &ev.pairs, ev.code, ev.enhanced
	sd := ""
	if enh != "" {
		sd = subjectDetail(enh)
	}
	// Moved: 551 (unless it is a relay refusal), X.1.6, 5.7.17, 5.7.18, or
	// the texts. 551 is also used for "relaying denied" (smtp-codes.md 5.2).
	relay := strings.HasPrefix(sd, ".7.") && sd != ".7.17" && sd != ".7.18" ||
		containsAny(text, pairs, relayWords)
	moved := sd == ".1.6" || sd == ".7.17" || sd == ".7.18" || anyPhrase(text, pairs, compiledMoved)
	if code == 551 && !relay && !moved && !strings.Contains(text, "not local") {
		// A bare 551 whose text names another cause (551 is also used
		// for refusals, e.g. a bad reverse DNS): the text decides first.
		if d, ok := ev.matchText(); ok {
			return d, true
		}
	}
	moved = moved || code == 551 && !relay
	fwd := ""
	if !relay && (moved || containsAny(text, pairs, pleaseTryWords)) {
		fwd = ev.forward()
	}
	if moved || fwd != "" {
		return decision{reason: HasMoved, by: byStructural, forward: fwd}, true
	}
	// Not attempted: on a suppression list at the relay or ESP.
	if anyPhrase(text, pairs, compiledSuppressed) {
		return decision{reason: Suppressed, by: byStructural}, true
	}
	// Null MX / no mail service at the recipient's domain; X.7.27 is the
	// sender's null MX (rejected, by the code table), and 521 5.7.x is a
	// policy refusal (left to the text).
	if !strings.HasPrefix(sd, ".7.") && !containsAny(text, pairs, senderWords) && (code == 521 || code == 556 || enh == "5.1.10" ||
		containsAny(text, pairs, nullMXWords) ||
		containsAny(text, pairs, notAcceptWords) && !strings.Contains(text, "does not accept mail from")) {
		return decision{reason: NotAccept, by: byStructural}, true
	}
	// TLS. Gmail reuses X.7.30 for DKIM: leave that to the text.
	if ev.cmd == cmdSTARTTLS || code == 523 || code == 524 || code == 538 ||
		sd == ".7.30" && !containsAny(text, pairs, dkimWords) {
		return decision{reason: FailedSTARTTLS, by: byStructural}, true
	}
	// Local delivery agents.
	if containsAny(text, pairs, localAgentWords) {
		if containsAny(text, pairs, localFullWords) {
			return decision{reason: MailboxFull, by: byStructural}, true
		}
		return decision{reason: MailerError, by: byStructural}, true
	}
	return decision{}, false
}

// matchText is step 4 of taxonomy 2.3: the first text rule that matches
// and whose guards allow it.
func (ev *event) matchText() (decision, bool) {
	if ev.text == "" {
		return decision{}, false
	}
	senderVeto := anyPhrase(ev.text, &ev.pairs, compiledSenderCtx)
	var codeReason Reason
	if r, ok := enhancedReason(ev.enhanced, ev.text, &ev.pairs); ok {
		codeReason = r
	}
	for i := range compiledText {
		rule := &compiledText[i]
		g := rule.guard
		reason := rule.reason
		switch {
		case g&recipientSide != 0 && senderVeto,
			g&atContent != 0 && ev.cmd != "" && ev.cmd != cmdData,
			g&atRecipient != 0 && ev.cmd != "" && ev.cmd != cmdRCPT && ev.cmd != cmdData && codeReason != reason,
			g&atRecipient != 0 && codeReason == Suspend && ev.cmd != cmdRCPT,
			g&atMail != 0 && ev.cmd != cmdMAIL,
			g&notAtGreeting != 0 && (ev.cmd == cmdConn || ev.cmd == cmdEHLO),
			g&temporary != 0 && ev.class != '4' && ev.class != 0:
			continue
		}
		if !rule.matches(ev.text, &ev.pairs) {
			continue
		}
		if g&atRecipient != 0 && codeReason != reason && ev.cmd != cmdRCPT && !(ev.cmd == "" && containsAny(ev.text, &ev.pairs, rcptHints)) {
			// "User unknown" said after DATA, or with no stage and no
			// code that says so, or with a code that says the mailbox
			// refused it (X.2.0, X.2.1): a filter rejecting with that
			// wording (Japanese carriers do), not a missing mailbox. This
			// is Sisimai's UserUnknown/Filtered guard (taxonomy 2.2-4):
			// text alone counts only at RCPT. A text that only a reply to
			// RCPT carries (rcptHints) stands for an unknown stage.
			reason = Filtered
		}
		switch {
		case reason == HostUnknown && ev.class == '4':
			// A temporary DNS failure: the domain may well exist.
			reason = NetworkError
		case reason == NetworkError && ev.in.Expired && !strings.Contains(ev.text, "lookup fail"):
			// The last try of a give-up timed out or found no route:
			// that is what expiry looks like (Sisimai keeps expired). A
			// failed name lookup still names its cause.
			reason = Expired
		}
		d := decision{reason: reason, by: byText, forward: ev.forwardIf(reason)}
		if rule.generic {
			d.by = byTextGeneric
		}
		return d, true
	}
	return decision{}, false
}

// statusOnlyCode reports whether an enhanced code says only that delivery
// was given up or delayed, nothing about why: X.4.0, X.4.1 (no answer from
// host, Sisimai: expired), X.4.7 and X.5.0.
func statusOnlyCode(code string) bool {
	switch code[1:] {
	case ".4.0", ".4.1", ".4.7", ".5.0":
		return true
	}
	return false
}

// hardness is step 9 of taxonomy 2.3: hard only for userunknown,
// hostunknown, hasmoved and notaccept, and never with a 4xx class or a
// temporary wording.
func (ev *event) hardness(d decision) Class {
	switch d.reason {
	case Delivered, Forwarded, Vacation, Feedback:
		return None
	case UserUnknown, HostUnknown, HasMoved, NotAccept:
		if d.soft || ev.class == '4' {
			return Soft
		}
		return Hard
	}
	return Soft
}

// action derives the recommended action from the reason's default
// (taxonomy section 1) and the class.
func action(reason Reason, class Class, forward bool, by string) Action {
	switch reason {
	case HasMoved:
		switch {
		case forward:
			return ActionUpdateAddress
		case class == Hard:
			return ActionSuppress
		}
		return ActionRetry
	case UserUnknown, HostUnknown, NotAccept:
		if class == Hard {
			return ActionSuppress
		}
		return ActionRetry
	case SecurityError:
		if by == byEnhanced || by == byReply {
			return ActionInvestigate // an unexplained X.7.x (H2)
		}
	}
	return reasonInfos[reason].Action
}
