package classify

// Input is what the classifier looks at for one recipient event. Every field
// is optional. It takes plain values, not a parser.Event, so that classify
// stays a leaf package (no I/O, no imports of the parsers).
type Input struct {
	Code      int    // SMTP basic reply code, 0 if none
	Enhanced  string // enhanced status code as written ("5.1.1"); "X.0.0" counts as none
	Text      string // diagnostic text
	Command   string // SMTP stage: CONN, EHLO, STARTTLS, MAIL, RCPT, DATA, or ""
	RemoteMTA string // remote host name, for provider tables
	Forward   string // forward address already extracted from the text (251/551)
	Delivered bool   // the input says the message was accepted (status=sent, Action: delivered)
	Deferred  bool   // the input says it will be retried (status=deferred, Action: delayed)
	Expired   bool   // the input says the queue lifetime ran out (status=expired)
	Failed    bool   // the input says delivery failed for good (status=bounced, Action: failed, a reject)
	Feedback  bool   // the input is a complaint report (ARF, report-type=feedback-report)
	AutoReply bool   // the input is an auto-reply (Auto-Submitted: auto-replied, X-Autoreply)
}

// Result is the classification of one event. It is comparable, so tests and
// caches can use it as a value.
type Result struct {
	Reason    Reason
	Class     Class  // hard, soft or none
	Action    Action // what the sender should do about the recipient
	Side      Side   // whose problem it is
	Enhanced  string // the enhanced code the decision used ("" if none)
	Code      int    // the reply code the decision used (0 if none)
	MatchedBy string // which rule decided: "status", "provider", "structural", "text", "text-generic" (low confidence, H7), "enhanced", "reply", "fallback"
	Forward   string // forward address, for hasmoved/forwarded when known
}
