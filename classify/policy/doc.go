// Package policy derives a recipient's state from its history: the CRM
// cleanup policy of ../shared/reference/taxonomy.md section 5.2, over the
// reasons, classes, sides and actions of package classify.
//
// A Tracker folds one recipient's classified events (Outcome), oldest
// first, and Verdict says what the history amounts to: a State (active,
// soft-bouncing, dead, moved, complained, auto-reply), the Action for the
// CRM (suppress, update-address, retry, investigate, none), a short human
// reason ("2 suspend bounces 9 days apart"), counts and evidence. The
// numbers are a Policy: Default is the taxonomy's table, ParsePolicy reads a
// config file of "key = value" lines over it, and Policy.Set changes one
// key (for command-line flags).
//
// The rules, in the taxonomy's words where it has them:
//
//   - Only recipient-side (R) reasons count against an address. Sender-side
//     (blocked, authfailure, ...), content (spamdetected, ...) and transient
//     (networkerror, greylisted, ...) failures never do; Verdict counts them
//     apart (NotCounted) so a report can say they are the sending setup's.
//   - Only a send's final outcome counts (bounced, expired): deferrals are
//     counted as deferrals and nothing else, and failures of the same send
//     (a log line and the bounce message about it) count once. A reject by
//     our own smtpd (NOQUEUE) is not a send: inbound mail to unknown local
//     users, relay attempts; it never counts.
//   - A delivery resets the counters: the address took mail. (The taxonomy
//     resets soft counters; bouncelens resets hard ones too, since a
//     delivery after a hard bounce shows the address works.) Complaints are
//     never reset.
//   - Each kind of recipient-side failure has its Group and its Rule: so
//     many counted failures, at least Span apart first to last, all within
//     Window. A hard bounce the classifier is sure of (HighConfidence) makes
//     the address dead at once; a low-confidence one needs two sends a day
//     apart; suspend, mailboxfull, filtered and 4xx "user unknown" have
//     their own rules; expiries with a transient cause count in the generic
//     soft group, which ends in dead with action investigate (the cause is
//     not shown to be the address); onhold/undefined ends in investigate.
//   - A 551 naming a new address, or a 251 "will forward to", makes the
//     address moved (update-address); a later plain delivery clears it.
//   - An auto-reply is never a failure: the state is auto-reply only when
//     nothing else applies and the last auto-reply is recent in the history.
//   - Events the caller's domain incident guard flags (Outcome.Incident,
//     see Policy.Incident) do not count.
//
// The state depends on the history alone, never on the wall clock: the same
// events give the same verdict, whenever it is computed. The package does no
// I/O.
package policy
