// Package postfix reads Postfix logs and returns one parser.Event per
// recipient delivery line ("to=<...>, ..., status=..."), per recipient of a
// message that qmgr gave up on ("status=expired, returned to sender"), and
// per recipient that our own smtpd, postscreen or a milter rejected
// ("NOQUEUE: reject: RCPT from ..."). Each event carries the sender (qmgr's
// "from=<...>") and Message-ID (cleanup's "message-id=<...>") logged earlier
// for the same queue id. Other lines are skipped silently and counted in
// Stats.
//
// With Options.Traffic it also returns, for pflogsumm-style totals:
//
//   - one parser.StatusReceived event per queue id, at its first qmgr
//     "from=<S>, size=N, nrcpt=M (queue active)" line (qmgr logs it again
//     at every retry; those count once, also across Restore). It carries
//     Source, Line, Time, QueueID, Sender and the Message-ID when cleanup
//     logged one; Recipient is empty. A queue id reused after its
//     "removed" line is received again.
//   - one parser.StatusWarning event per "warning: " line of a Postfix
//     program (postfix/smtpd, postfix-out/smtp, postfix/submission/smtpd,
//     and the postfix command and postfix-script): Family is the program
//     name as logged, Text the text after "warning: ", and QueueID the
//     queue id that starts the text, when one does ("warning: 3F2A81C0D2:
//     ..."). Other programs' warnings give no event; cleanup's
//     header_checks "QID: warning: header ..." action is no Postfix
//     warning, nor is error:, fatal: or reject_warning.
//
// Their lines are counted in Stats.Received and Stats.Warnings instead of
// Stats.Ignored; other events and counts are the same with and without
// Traffic.
//
// A growing log is read in parts (a nightly scan of maillog): Offset is
// where the next part starts, and State, taken at the end of a part, is
// what a Reader of the next part needs (the year of classic stamps, the
// queue ids still open, the log clock, the line count) to continue
// through Restore as if one Reader read the whole. Options.HoldPartial
// leaves a last line that is still being written for the next part.
//
// Input is a syslog file as written by rsyslog, syslog-ng, BSD syslogd,
// "journalctl -o short[-iso][-precise]" or Postfix's own maillog_file
// (postlogd). The prefix is detected per line:
//
//	Nov 23 10:00:01 mail postfix/smtp[4711]: ...               classic (RFC 3164), day space- or zero-padded
//	Nov 23 10:00:01.123456 mail postfix/smtp[4711]: ...        classic with fractions (journalctl -o short-precise)
//	2026-11-23T10:00:01.123456+01:00 mail postfix/smtp[4711]: ...  RFC 3339 (rsyslog high precision, +0100 too)
//	2026-11-23T10:00:01.123456+01:00 postfix/smtp[4711]: ...   the same without a host name
//	<22>1 2026-11-23T10:00:01.123456+01:00 mail postfix/smtp 4711 - - ...  RFC 5424
//
// A leading container stamp ("docker logs -t") in front of another stamp is
// used as the time. The tag is NAME[PID]: where NAME starts with "postfix"
// and ends in "/DAEMON" after any syslog_name ("postfix/submission/smtpd",
// "postfix-out/smtp"); lines of other programs (dovecot, opendkim, ...) are
// counted as foreign.
//
// Times are returned in UTC. Classic stamps carry no year and no zone: they
// are read in Options.Location (UTC when nil, for reproducible results; pass
// time.Local to read logs written on this machine) and in the year given by
// Options.Year or guessed from Options.Now (see Options): for a file, pass
// its modification time, the time of its last line.
//
// Correlation is by queue id alone (not host and instance), short
// ("3F2A81C0D2") or long ("4jY0JK5CWRzPrPv") ids alike. A queue id's record
// ends at "QUEUEID: removed"; a later line with the same id starts a new
// message, as Postfix reuses ids. Lines of one message that arrive out of
// order (a delivery line before its qmgr "from=" line) are not back-filled.
// A queue id that no line names for Options.QueueWindow of log time (6 days
// by default, longer than Postfix's 5-day maximal_queue_lifetime) is
// dropped as it is, so that a log that starts or ends mid-stream does not
// fill the table (Stats.Stale). The table is also capped
// (Options.MaxQueueIDs); past the cap the oldest entry is dropped.
//
// Memory is bounded: lines are parsed in the read buffer, strings are made
// only for what events keep (and shared between events where they repeat:
// sender addresses, relay and client hosts, DSN codes), and the queue table
// is bounded as above.
//
// Event fields, where a choice was made:
//
//   - Recipient and OrigRecipient are lower-cased; Sender is kept as logged,
//     and the null sender (from=<>) is "<>" so that it differs from an
//     unknown sender ("").
//   - RemoteMTA is the host of relay=HOST[IP]:PORT (the IP when the host is
//     empty), "" for relay=none, and other values as logged ("local",
//     "virtual", a pipe transport such as "dovecot"). For rejects it is the
//     client host, or its IP when the host is "unknown".
//   - Enhanced is dsn= as written, even when the remote reply in Text names
//     another (more specific) code: dsn= is what Postfix acted on. Only a
//     line without dsn= takes the code from the reply. Code is the reply
//     code after "said: " or "refused to talk to me: ", or at the start of
//     Text; local texts ("Host or domain name not found") have none.
//   - Text is the parenthesised text after status=WORD, outer parentheses
//     stripped, multi-line replies left as Postfix joined them. For rejects
//     it is the reply sent ("550 5.1.1 <x>: Recipient address rejected ...").
//   - Command: "(in reply to RCPT TO command)" -> RCPT, MAIL FROM -> MAIL,
//     DATA and end of DATA -> DATA, EHLO/HELO/LHLO -> EHLO, STARTTLS; lost
//     connections name the stage ("while sending RCPT TO"); "refused to talk
//     to me", "initial server greeting" and "connect to ...: Connection timed
//     out" -> CONN. Reject stages: CONNECT -> CONN, HELO/EHLO -> EHLO, MAIL,
//     RCPT, DATA, BDAT and END-OF-MESSAGE -> DATA.
//   - status=SOFTBOUNCE is StatusDeferred. An expired event (qmgr
//     "status=expired" or "force-expired") is made for each recipient of the
//     queue id last seen deferred, with that deferral's fields, and the
//     qmgr line's number and time.
//   - A milter reject logs no reply code: Code is 0, Enhanced comes from the
//     text. Rejects naming no recipient (CONNECT or EHLO stage, to=<>) give
//     no event (Stats.RejectsWithoutRecipient); reject_warning is not a
//     reject. bounce(8) notification lines are not recorded.
//
// Skipped lines come back as *parser.Error: ErrLineTooLong (longer than
// Options.MaxLineLength), ErrBinary (a NUL byte, or mostly control bytes and
// invalid UTF-8), ErrNoRecipient (a delivery agent's status= line without
// to=<...>, or with an empty one) and ErrMalformed (a to= line without
// status=, as a truncated line has, or an unknown status word). Invalid
// UTF-8 in kept fields is replaced with U+FFFD.
//
// Not handled: address-verification probes (status=deliverable and
// undeliverable, counted in Stats.Probes), content-filter chains
// ("queued as NEWQID" is not followed), cleanup header/body check rejects,
// and the 251 forward address of a successful RCPT, which Postfix does not
// log. Each line is one record: nothing spans lines. See
// postfix-logs.md in the project's reference notes for the line catalogue.
package postfix
