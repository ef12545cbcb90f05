package classify

// ReasonInfo is the taxonomy's description of a reason (taxonomy.md
// section 1): what it means and what to do about it by default.
type ReasonInfo struct {
	Reason     Reason
	Meaning    string // one line
	Hardness   string // "hard", "soft", "none", or the taxonomy's "depends" rule
	Side       Side   // whose problem it is
	Action     Action // default action
	ActionNote string // the default action as the taxonomy words it, with escalations
}

// reasonInfos is taxonomy.md section 1, in Reason order.
var reasonInfos = [numReasons]ReasonInfo{
	Undefined: {Meaning: "No usable information at all", Hardness: "soft", Side: SideUnknown,
		Action: ActionInvestigate, ActionNote: "investigate"},
	Delivered: {Meaning: "Accepted by the next hop (2.x.x, Postfix status=sent, DSN Action: delivered/relayed/expanded)",
		Hardness: "none", Side: SideNone, Action: ActionNone, ActionNote: "none"},
	Forwarded: {Meaning: "Accepted, but the server said the user has a new address: 251 \"will forward to <x>\"",
		Hardness: "none", Side: SideNone, Action: ActionUpdateAddress, ActionNote: "update-address (advisory)"},
	HasMoved: {Meaning: "Mailbox has moved; 551 \"user not local; please try <x>\", 5.1.6, \"has been replaced by\"",
		Hardness: "hard", Side: SideRecipient, Action: ActionUpdateAddress,
		ActionNote: "update-address if a new address is given, else suppress"},
	Vacation: {Meaning: "Auto-reply / out-of-office / challenge-response (RFC 3834) — not a failure",
		Hardness: "none", Side: SideNone, Action: ActionNone, ActionNote: "none"},
	Feedback: {Meaning: "Complaint report (ARF, RFC 5965) or FBL \"this is spam\"",
		Hardness: "none", Side: SideNone, Action: ActionSuppress, ActionNote: "suppress (complaint)"},
	UserUnknown: {Meaning: "Local part does not exist / address invalid", Hardness: "hard",
		Side: SideRecipient, Action: ActionSuppress, ActionNote: "suppress"},
	HostUnknown: {Meaning: "Domain part does not exist (NXDOMAIN, \"host unknown\")", Hardness: "hard",
		Side: SideRecipient, Action: ActionSuppress, ActionNote: "suppress"},
	NotAccept: {Meaning: "Domain accepts no mail: null MX (RFC 7505), 521/556 (RFC 7504)",
		Hardness: "depends: hard on 5xx, soft on 4xx", Side: SideRecipient, Action: ActionSuppress,
		ActionNote: "suppress (5xx) / retry (4xx)"},
	Suspend: {Meaning: "Account exists but is disabled, suspended, inactive, frozen",
		Hardness: "soft (Sisimai); bouncelens escalates", Side: SideRecipient, Action: ActionRetry,
		ActionNote: "retry → suppress after 2 (§5)"},
	MailboxFull: {Meaning: "Recipient over quota / mailbox full", Hardness: "soft", Side: SideRecipient,
		Action: ActionRetry, ActionNote: "retry → suppress after threshold (§5)"},
	Filtered: {Meaning: "Recipient-side filter or preference refused it (user blocks sender, only-contacts, mailbox not accepting)",
		Hardness: "soft", Side: SideRecipient, Action: ActionInvestigate, ActionNote: "investigate → suppress after threshold"},
	EmailTooLarge: {Meaning: "Message exceeds size/line/header limits (5.2.3, 5.3.4)", Hardness: "soft",
		Side: SideMessage, Action: ActionFixContent, ActionNote: "fix-content"},
	SpamDetected: {Meaning: "Content judged spam after DATA", Hardness: "soft", Side: SideMessage,
		Action: ActionFixContent, ActionNote: "fix-content"},
	VirusDetected: {Meaning: "Malware / forbidden attachment detected", Hardness: "soft", Side: SideMessage,
		Action: ActionFixContent, ActionNote: "fix-content"},
	PolicyViolation: {Meaning: "Local policy refused the message (attachment type, mailing-list policy, org policy)",
		Hardness: "soft", Side: SideMessage, Action: ActionFixContent, ActionNote: "fix-content / investigate"},
	ContentError: {Meaning: "Malformed header/MIME/encoding (X.6.x)", Hardness: "soft", Side: SideMessage,
		Action: ActionFixContent, ActionNote: "fix-content"},
	NotCompliantRFC: {Meaning: "Message not RFC 5322 compliant (missing/duplicate From, Message-ID, bad header)",
		Hardness: "soft", Side: SideMessage, Action: ActionFixContent, ActionNote: "fix-content"},
	AuthFailure: {Meaning: "SPF/DKIM/DMARC/ARC failure (5.7.20–5.7.29 family, Gmail 5.7.26)", Hardness: "soft",
		Side: SideSender, Action: ActionFixSenderConfig, ActionNote: "fix-sender-config"},
	RequirePTR: {Meaning: "Sending IP has no/invalid reverse DNS (X.7.25)", Hardness: "soft", Side: SideSender,
		Action: ActionFixSenderConfig, ActionNote: "fix-sender-config"},
	FailedSTARTTLS: {Meaning: "TLS required/failed (REQUIRETLS 5.7.30, MTA-STS, DANE, 523/524/538)", Hardness: "soft",
		Side: SideSender, Action: ActionFixSenderConfig, ActionNote: "fix-sender-config"},
	SecurityError: {Meaning: "Other X.7.x security status: auth required, credentials invalid, encryption needed; also Sisimai's catch-all for unexplained 5.7.x",
		Hardness: "soft", Side: SideSender, Action: ActionFixSenderConfig, ActionNote: "fix-sender-config / investigate"},
	Blocked: {Meaning: "Our IP/host/HELO refused (DNSBL, \"banned sender\", connection refused at greeting)",
		Hardness: "soft", Side: SideSender, Action: ActionContactPostmaster, ActionNote: "contact-postmaster (delist)"},
	BadReputation: {Meaning: "Refused or throttled because of IP/domain reputation", Hardness: "soft",
		Side: SideSender, Action: ActionContactPostmaster, ActionNote: "contact-postmaster / slow down"},
	RateLimited: {Meaning: "Too fast / too many connections / too many recipients / sending quota", Hardness: "soft",
		Side: SideSender, Action: ActionRetry, ActionNote: "retry (with throttling)"},
	Greylisted: {Meaning: "Greylisting deferral (\"try again in N minutes\")", Hardness: "soft",
		Side: SideTransient, Action: ActionRetry, ActionNote: "retry; never counts"},
	Rejected: {Meaning: "Our envelope sender (MAIL FROM) or its domain refused", Hardness: "soft",
		Side: SideSender, Action: ActionFixSenderConfig, ActionNote: "fix-sender-config"},
	NoRelaying: {Meaning: "\"Relay access denied\" — host will not relay for that domain", Hardness: "soft",
		Side: SideSender, Action: ActionFixSenderConfig, ActionNote: "fix-sender-config / investigate routing"},
	SyntaxError: {Meaning: "SMTP command/parameter syntax error (500–504, 555, X.5.2)", Hardness: "soft",
		Side: SideSender, Action: ActionFixSenderConfig, ActionNote: "fix-sender-config"},
	SystemError: {Meaning: "Remote system error, misconfiguration, mail loop", Hardness: "soft",
		Side: SideTransient, Action: ActionRetry, ActionNote: "retry"},
	SystemFull: {Meaning: "Remote system out of disk/resources (X.3.1)", Hardness: "soft",
		Side: SideTransient, Action: ActionRetry, ActionNote: "retry"},
	NetworkError: {Meaning: "DNS/route/connection problems, loops, timeouts during the session", Hardness: "soft",
		Side: SideTransient, Action: ActionRetry, ActionNote: "retry"},
	Expired: {Meaning: "Gave up after the queue lifetime (Postfix status=expired, 4.4.7, DSN Action: delayed/expired)",
		Hardness: "soft", Side: SideTransient, Action: ActionRetry, ActionNote: "retry (next send) → investigate after repeats"},
	MailerError: {Meaning: "Local delivery program failed (X-Unix;, pipe/procmail \"command died with status\")",
		Hardness: "soft", Side: SideTransient, Action: ActionInvestigate, ActionNote: "investigate"},
	Suppressed: {Meaning: "Not attempted: address is on a suppression list at the relay/ESP",
		Hardness: "depends (mirror the list)", Side: SideRecipient, Action: ActionSuppress, ActionNote: "suppress (sync)"},
	OnHold: {Meaning: "Diagnostic text present but nothing matched", Hardness: "soft", Side: SideUnknown,
		Action: ActionInvestigate, ActionNote: "investigate"},
}

// Describe returns the taxonomy's description of r. For a value outside the
// taxonomy it returns a ReasonInfo with only Reason set.
func Describe(r Reason) ReasonInfo {
	if r >= numReasons {
		return ReasonInfo{Reason: r}
	}
	info := reasonInfos[r]
	info.Reason = r
	return info
}
