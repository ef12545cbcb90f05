// Package dsn reads bounce messages, and the two kinds of mail that come
// back to a sender without being bounces (feedback-loop complaints and
// auto-replies), and returns one parser.Event per recipient they report.
//
// Parse reads one message with github.com/emersion/go-message and walks its
// MIME tree once (parse.go): the machine-readable reports (a
// message/delivery-status part, the RFC 6533 message/global-delivery-status,
// or text/delivery-status as some writers label it), RFC 5965
// message/feedback-report parts, the human-readable text (text/plain parts
// before the returned original, charset-decoded to UTF-8 through
// github.com/emersion/go-message/charset, imported here: ISO-2022-JP,
// Shift_JIS, KOI8-R, windows-125x, ...; the text of HTML parts when there is
// no plain one), the header of the returned original (message/rfc822,
// text/rfc822-headers and their RFC 6533 forms) and a message attached before
// any report (a bounce forwarded as an attachment, searched to a depth of 3).
//
// decode (decode.go) then runs the pipeline of dsn.md section 1 over that
// one view:
//
//   - a feedback report gives one complaint event per Original-Rcpt-To, with
//     its Feedback-Type (arf.go);
//   - the producer is the first entry of families (families.go) whose detect
//     matches; each family lives in family_<name>.go: Postfix, Exim,
//     Sendmail, qmail, Exchange and Office 365, Gmail, Amazon SES, Domino and
//     some fifty more;
//   - the RFC 3464 report gives the recipients (event.go), and the family's
//     fix completes them from its text; without a usable report the
//     family's text decoder reads the recipients from the text;
//   - without a family: an unsubscribe request is an opt-out complaint, an
//     auto-reply (RFC 3834 fields, vendor fields, localised subjects) an
//     autoreplied event (autoreply.go), and a message with the generic marks
//     of a bounce is read by the catch-all rules (generic.go);
//   - events without a diagnostic take the text's line about their
//     recipient, and finish completes every event the same way whoever
//     produced it: codes from the text, status from the code's class, the
//     SMTP stage, the 251/551 forward address, the returned original's
//     Message-ID, From, To and Subject, and Event.Family.
//
// Reader reads one input that is either a single message or an mbox (see
// parser/mbox) and returns events one at a time, with a recoverable
// *parser.Error for each message it had to skip (parser.ErrNotReport for
// ordinary mail and read receipts).
//
// Limits against hostile input: the top-level header is read up to
// Options.MaxHeaderBytes (1 MiB); a report, returned-header part, or the
// message's text as a whole up to Options.MaxPartBytes (8 MiB, the rest is
// ignored); multiparts nest at most 20 deep. Bodies of returned messages are
// skipped, not stored. Every decoder runs in time linear in its input.
//
// References: RFC 3464 (DSN format), RFC 3463 (enhanced status codes),
// RFC 6522 (multipart/report), RFC 6533 (internationalised DSNs), RFC 5965
// (ARF), RFC 3834 (auto-replies), and the bouncelens parser reference,
// shared/reference/dsn.md.
package dsn
