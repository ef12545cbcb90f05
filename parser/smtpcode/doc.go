// Package smtpcode reads SMTP reply codes (RFC 5321 section 4.2, "550"),
// enhanced status codes (RFC 3463, "5.1.1") and the SMTP stage a reply
// answered ("in reply to RCPT TO command") out of free text: server replies,
// Postfix log texts, DSN Diagnostic-Code fields, and what users type. It is
// the one place both ingesters and the classifier read these from, so they
// always agree.
//
// Numbers that only look like codes are not: the parts of an IP address
// ("10.5.1.1"), versions ("v2.1.5"), and numbers inside sentences ("try
// again in 450 seconds"). It has no dependencies beyond the standard library.
package smtpcode
