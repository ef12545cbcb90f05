// Package classify tells what a bounce means: Classify takes one recipient
// event (reply code, enhanced status code, diagnostic text, SMTP stage,
// remote host, and what the input said: delivered, deferred, expired) and
// returns one of the 36 reasons of the bouncelens taxonomy with its class
// (hard, soft, none), the recommended action, whose side the problem is on,
// the codes used and which rule decided. Reply does the same for a bare
// reply (codes are read with parser/smtpcode, as the ingesters read them);
// Describe returns a reason's one-line meaning and defaults.
//
// The functions are pure: no I/O, no state, safe for concurrent use. The
// package imports only its catalog, so the parsers stay separate.
//
// Decision procedure (taxonomy.md 2.3), first answer wins:
//
//  0. not a failure: delivered (2xx, or the input says so), forwarded (251,
//     "will forward to"), feedback and vacation when the input flags them;
//  1. pick the codes: X.0.0 counts as none, a code in the text wins over a
//     generic one (Sisimai's Prefer rules); the enhanced class decides
//     temporary vs permanent before the reply class, so 554 4.4.7 is soft;
//  2. provider tables (Google, Microsoft, Yahoo/AOL, Orange/La Poste,
//     Tencent, Cox, Spectrum, Mimecast, MessageLabs, NTT docomo), by remote
//     host or text, with the providers' own reason numbers (vendorCodes);
//  3. structural signals: 551/X.1.6 moved, suppression lists, null MX and
//     521/556, STARTTLS and 523/524/538/X.7.30, local delivery agents;
//  4. ordered text patterns (mailboxfull first, expired last) with Sisimai's
//     guards: content verdicts only at DATA, "user unknown" by text only at
//     RCPT, and a sender-context veto for texts about our sender or client;
//     "user unknown" said anywhere but RCPT (after DATA, or with no stage
//     and no X.1.1-type code) is filtered, as Sisimai reads it; a
//     temporary host-unknown text is a network error, and a timeout in an
//     expired event stays expired;
//  5. an expired (or text-less delayed) event whose code says only that
//     (X.4.0, X.4.1, X.4.7, X.5.0) is expired; else the enhanced code
//     table; 6. the reply code table, read with the stage;
//  7. fallbacks: the input's status word (expired; delayed without text),
//     "giving up"/"expired" texts, a failure at CONN or EHLO;
//  8. onhold when text is left, undefined when there is nothing.
//
// Precedence in short (taxonomy 2.4): provider > text > enhanced code >
// reply code > status word, so an expired event keeps the cause its last
// reply named (rate limit, reputation, PTR), and the event's own status
// still says it was a give-up. Hard is only userunknown, hostunknown, hasmoved and notaccept,
// and never with a 4xx class. Text rules are data (textRules,
// providerRules); grow them from real logs, not from one sample.
//
// References: ../shared/reference/taxonomy.md (reasons, procedure, tables,
// patterns) and smtp-codes.md (codes; see package catalog); RFC 5321, RFC
// 3463, RFC 7504, RFC 7505.
package classify
