// Package dsn reads bounce messages that are RFC 3464 delivery status
// notifications and returns one parser.Event per recipient they report.
//
// Parse reads one message with github.com/emersion/go-message, walks its MIME
// tree for the machine-readable report (a message/delivery-status part, the
// RFC 6533 message/global-delivery-status, or text/delivery-status as some
// writers label it), reads its per-message and per-recipient field groups
// leniently (folded and unindented continuation lines, missing blank lines,
// "rfc822;" with or without a space, addresses in <>, base64 or
// quoted-printable report parts) and takes the Message-ID, From and Subject
// of the returned original (message/rfc822, text/rfc822-headers and their
// RFC 6533 forms). A message forwarded as message/rfc822 is searched too,
// to a depth of 3. Charsets are those of github.com/emersion/go-message/charset,
// imported here.
//
// Reader reads one input that is either a single message or an mbox (see
// parser/mbox) and returns events one at a time, with a recoverable
// *parser.Error for each message it had to skip.
//
// Not handled (yet): bounces without a report part (Exim, qmail, old
// Sendmail, most Exchange 2003 notices), feedback loops (RFC 5965) and
// read receipts; Parse returns parser.ErrNotReport for them. The human
// readable part of a report is not read.
//
// Limits against hostile input: the top-level header is read up to
// Options.MaxHeaderBytes (1 MiB), a report or returned-header part up to
// Options.MaxPartBytes (8 MiB, the rest is ignored), multiparts nest at most
// 20 deep. Bodies of returned messages are skipped, not stored.
//
// References: RFC 3464 (DSN format), RFC 3463 (enhanced status codes),
// RFC 6522 (multipart/report), RFC 6533 (internationalised DSNs), and the
// bouncelens parser reference, shared/reference/dsn.md, sections 2, 3, 6.11,
// 8 and 9.
package dsn
