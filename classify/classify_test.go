package classify

import (
	"testing"
)

// row is one TestClassify case. The want fields are checked; Side is
// always the taxonomy's side of the reason.
type row struct {
	name   string
	in     Input
	reason Reason
	class  Class
	action Action
}

// rcpt, data, conn and mail build inputs at one SMTP stage.
func rcpt(code int, enh, text string) Input {
	return Input{Code: code, Enhanced: enh, Text: text, Command: "RCPT"}
}
func data(code int, enh, text string) Input {
	return Input{Code: code, Enhanced: enh, Text: text, Command: "DATA"}
}
func conn(code int, enh, text string) Input {
	return Input{Code: code, Enhanced: enh, Text: text, Command: "CONN"}
}
func mail(code int, enh, text string) Input {
	return Input{Code: code, Enhanced: enh, Text: text, Command: "MAIL"}
}

var classifyTests = []row{
	// Step 0: not a failure.
	{"delivered", Input{Code: 250, Enhanced: "2.0.0", Text: "250 2.0.0 Ok: queued as 4F2A1C0D3", Delivered: true}, Delivered, None, ActionNone},
	{"delivered by code", Input{Code: 250, Text: "250 2.6.0 <id@host> Queued mail for delivery"}, Delivered, None, ActionNone},
	{"delivered by enhanced only", Input{Enhanced: "2.1.5"}, Delivered, None, ActionNone},
	{"252 accepted", Input{Code: 252, Text: "252 2.1.5 Cannot VRFY user, but will accept message"}, Delivered, None, ActionNone},
	{"forwarded 251", Input{Code: 251, Text: "251 2.1.5 User not local; will forward to <new@example.org>", Delivered: true}, Forwarded, None, ActionUpdateAddress},
	{"forwarded by text", Input{Text: "User not local; will forward to <jdoe@newco.example>", Delivered: true}, Forwarded, None, ActionUpdateAddress},
	{"feedback", Input{Feedback: true, Text: "this is spam"}, Feedback, None, ActionSuppress},
	{"vacation", Input{AutoReply: true, Text: "I am out of the office until 3 March"}, Vacation, None, ActionNone},
	{"251 deferred is not delivered", Input{Code: 451, Text: "451 4.3.0 Temporary System Problem. Try again later.", Deferred: true}, SystemError, Soft, ActionRetry},

	// Moved and forward addresses.
	{"551 with forward", rcpt(551, "5.1.6", "551 5.1.6 User not local; please try <jane@new.example>"), HasMoved, Hard, ActionUpdateAddress},
	{"551 without code text", Input{Code: 551, Text: "551 User not local; please try <b@y.example>"}, HasMoved, Hard, ActionUpdateAddress},
	{"5.1.6 without forward", rcpt(550, "5.1.6", "550 5.1.6 Recipient addr has moved"), HasMoved, Hard, ActionSuppress},
	{"bare 551 no address", rcpt(551, "", "551 User not local"), HasMoved, Hard, ActionSuppress},
	{"replaced by", rcpt(550, "5.1.1", "550 5.1.1 <a@example.com> has been replaced by <c@example.net>"), HasMoved, Hard, ActionUpdateAddress},
	{"551 relay refusal is not moved", rcpt(551, "5.7.1", "551 5.7.1 <x@example.org>: relaying denied"), NoRelaying, Soft, ActionFixSenderConfig},
	{"5.7.17 owner changed", rcpt(550, "5.7.17", "550 5.7.17 Mailbox owner has changed"), HasMoved, Hard, ActionSuppress},
	{"4.1.6 soft moved", rcpt(450, "4.1.6", "450 4.1.6 mailbox has moved"), HasMoved, Soft, ActionRetry},

	// Recipient side, hard.
	{"user unknown postfix", rcpt(550, "5.1.1", "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in virtual mailbox table"), UserUnknown, Hard, ActionSuppress},
	{"gmail no such user", Input{Code: 550, Enhanced: "5.1.1", RemoteMTA: "gmail-smtp-in.l.google.com",
		Text: "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp"}, UserUnknown, Hard, ActionSuppress},
	{"H5 microsoft 5.1.10", Input{Code: 550, Enhanced: "5.1.10", RemoteMTA: "example-com.mail.protection.outlook.com",
		Text: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"}, UserUnknown, Hard, ActionSuppress},
	{"H5 null MX 5.1.10", rcpt(556, "5.1.10", "556 5.1.10 Recipient address has null MX"), NotAccept, Hard, ActionSuppress},
	{"H6 EOP access denied", Input{Code: 550, Enhanced: "5.4.1", Command: "RCPT", RemoteMTA: "mx.protection.outlook.com",
		Text: "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)"}, UserUnknown, Hard, ActionSuppress},
	{"H7 mailbox unavailable", rcpt(550, "", "550 Requested action not taken: mailbox unavailable"), UserUnknown, Hard, ActionSuppress},
	{"H8 450 unverified", rcpt(450, "4.1.1", "450 4.1.1 <x@example.com>: Recipient address rejected: unverified address: host mx.example.com said: 550 user unknown"), UserUnknown, Soft, ActionRetry},
	{"H20 X.0.0 with code in text", Input{Code: 550, Enhanced: "5.0.0", Command: "RCPT", Text: "550 5.1.1 <x@example.com>... No such user"}, UserUnknown, Hard, ActionSuppress},
	{"yahoo no account", Input{Code: 554, RemoteMTA: "mta7.am0.yahoodns.net", Text: "554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0]"}, UserUnknown, Hard, ActionSuppress},
	{"host unknown postfix", Input{Enhanced: "5.4.4", Text: "Host or domain name not found. Name service error for name=exmaple.com type=MX: Host not found"}, HostUnknown, Hard, ActionSuppress},
	{"host unknown 5.1.2", rcpt(550, "5.1.2", "550 5.1.2 Host unknown (Name server: mx.example.com: host not found)"), HostUnknown, Hard, ActionSuppress},
	// A temporary NXDOMAIN is a DNS (network) problem, not a dead domain.
	{"4.0.0 keeps its class", Input{Enhanced: "4.0.0", Text: "DNS type 'mx' lookup of example.jp responded with code NXDOMAIN"}, NetworkError, Soft, ActionRetry},
	{"521 5.7.1 is a block", Input{Code: 521, Enhanced: "5.7.1", Text: "521 5.7.1 Service unavailable; client [192.0.2.9] blocked using dnsbl.example.net"}, Blocked, Soft, ActionContactPostmaster},
	{"dns tempfail is network", Input{Enhanced: "4.4.3", Deferred: true, Text: "Host or domain name not found. Name service error for name=example.com type=MX: Host not found, try again"}, NetworkError, Soft, ActionRetry},
	{"notaccept 521", conn(521, "5.3.2", "521 5.3.2 mail.example.net does not accept mail"), NotAccept, Hard, ActionSuppress},
	{"notaccept nullMX postfix", Input{Enhanced: "5.1.10", Text: "<x@example.org>: Domain example.org does not accept mail (nullMX)"}, NotAccept, Hard, ActionSuppress},
	{"notaccept 4xx soft", Input{Code: 421, Enhanced: "4.3.2", Text: "421 4.3.2 mx.example.net: null MX, try again"}, NotAccept, Soft, ActionRetry},
	{"X.3.2 by code alone is soft", Input{Code: 550, Enhanced: "5.3.2", Text: "550 5.3.2 Service refused"}, NotAccept, Soft, ActionRetry},

	// Recipient side, soft.
	{"suspend gmail", Input{Code: 550, Enhanced: "5.2.1", RemoteMTA: "aspmx.l.google.com", Text: "550 5.2.1 The email account that you tried to reach is disabled."}, Suspend, Soft, ActionRetry},
	{"suspend yahoo", rcpt(554, "", "554 30 Sorry, your message to x@yahoo.com cannot be delivered. This mailbox is disabled (554.30)"), Suspend, Soft, ActionRetry},
	{"suspend 525", Input{Code: 525, Enhanced: "5.7.13", Text: "525 5.7.13 User account disabled"}, Suspend, Soft, ActionRetry},
	{"H1 mailbox full beats 5.1.1", rcpt(550, "5.1.1", "550 5.1.1 user over quota (#5.1.1)"), MailboxFull, Soft, ActionRetry},
	{"mailbox full 452", rcpt(452, "4.2.2", "452 4.2.2 Mailbox full"), MailboxFull, Soft, ActionRetry},
	{"H3 552 5.2.2 gmail over quota", Input{Code: 552, Enhanced: "5.2.2", Text: "552-5.2.2 The email account that you tried to reach is over quota. - gsmtp"}, MailboxFull, Soft, ActionRetry},
	{"H3 gmail inactive is suspend", Input{Code: 552, Enhanced: "5.2.2", Text: "552 5.2.2 The recipient's inbox is out of storage space and inactive. - gsmtp"}, Suspend, Soft, ActionRetry},
	{"H14 gmail email quota", Input{Code: 550, Enhanced: "5.7.1", Text: "550 5.7.1 Email quota exceeded. - gsmtp"}, MailboxFull, Soft, ActionRetry},
	{"550 4.2.2 is temporary", rcpt(550, "4.2.2", "550 4.2.2 mailbox full"), MailboxFull, Soft, ActionRetry},
	{"local quota", Input{Text: "maildir delivery failed: userdisk quota 1048576000 bytes exceeded"}, MailboxFull, Soft, ActionRetry},
	{"H10 filtered", rcpt(554, "5.7.1", "554 5.7.1 refused due to recipient preferences"), Filtered, Soft, ActionInvestigate},
	{"filtered only contacts", rcpt(550, "5.2.1", "550 5.2.1 Recipient is only accepting mail from specific email addresses"), Filtered, Soft, ActionInvestigate},
	{"5.2.1 by code", rcpt(550, "5.2.1", "550 5.2.1 Mailbox unavailable"), UserUnknown, Hard, ActionSuppress},
	{"suppressed", Input{Code: 550, Text: "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address"}, Suppressed, Soft, ActionSuppress},

	// Message.
	{"too large", data(552, "5.3.4", "552 5.3.4 Message size exceeds fixed maximum message size"), EmailTooLarge, Soft, ActionFixContent},
	{"too large postfix", Input{Enhanced: "5.3.4", Text: "message size 31457280 exceeds size limit 26214400 of server mx.example.net[192.0.2.7]"}, EmailTooLarge, Soft, ActionFixContent},
	{"size beats spam", data(552, "5.2.3", "552 5.2.3 Message length exceeds administrative limit, looks like spam"), EmailTooLarge, Soft, ActionFixContent},
	{"spam at DATA", data(554, "5.7.1", "554 5.7.1 Your message was rejected because it appears to be spam"), SpamDetected, Soft, ActionFixContent},
	{"spam unknown command", Input{Code: 550, Enhanced: "5.7.1", Text: "550 5.7.1 [P4] Message blocked due to spam content in the message"}, SpamDetected, Soft, ActionFixContent},
	{"spam refused at RCPT", rcpt(550, "5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering"), SecurityError, Soft, ActionInvestigate},
	{"H9 spam words at CONN", conn(554, "", "554 Your IP is listed for sending spam"), Blocked, Soft, ActionContactPostmaster},
	{"virus", data(554, "5.7.1", "554 5.7.1 Virus detected (Eicar-Test-Signature)"), VirusDetected, Soft, ActionFixContent},
	{"virus scanner down", data(451, "4.3.0", "451 4.3.0 Anti-virus scanner unavailable, try again"), SystemError, Soft, ActionRetry},
	{"policy", data(550, "5.7.1", "550 5.7.1 Message rejected due to local policy"), PolicyViolation, Soft, ActionFixContent},
	{"content error", data(554, "5.6.0", "554 5.6.0 Message contains invalid MIME headers"), ContentError, Soft, ActionFixContent},
	{"X.6 by code", data(554, "5.6.3", "554 5.6.3 Conversion required but not supported"), ContentError, Soft, ActionFixContent},
	{"not rfc compliant", data(550, "5.7.1", "550-5.7.1 This message is not RFC 5322 compliant. There are multiple From headers."), NotCompliantRFC, Soft, ActionFixContent},

	// Sender side.
	{"H16 gmail 5.7.26", Input{Code: 550, Enhanced: "5.7.26", RemoteMTA: "mx.google.com", Text: "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM."}, AuthFailure, Soft, ActionFixSenderConfig},
	{"dmarc reject", data(550, "5.7.1", "550 5.7.1 Email rejected per DMARC policy for example.com"), AuthFailure, Soft, ActionFixSenderConfig},
	{"microsoft 5.7.509", rcpt(550, "5.7.509", "550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification"), AuthFailure, Soft, ActionFixSenderConfig},
	{"require ptr", rcpt(550, "5.7.25", "550-5.7.25 The IP address sending this message does not have a PTR record setup"), RequirePTR, Soft, ActionFixSenderConfig},
	{"ptr client host rejected", rcpt(450, "4.7.1", "450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.5]"), RequirePTR, Soft, ActionFixSenderConfig},
	{"starttls postfix", Input{Enhanced: "4.7.4", Deferred: true, Text: "TLS is required, but was not offered by host mx.example.com[192.0.2.10]"}, FailedSTARTTLS, Soft, ActionFixSenderConfig},
	{"requiretls 5.7.30", Input{Code: 550, Enhanced: "5.7.30", Text: "550 5.7.30 REQUIRETLS support required"}, FailedSTARTTLS, Soft, ActionFixSenderConfig},
	{"538 encryption", Input{Code: 538, Enhanced: "5.7.11", Text: "538 5.7.11 Encryption required for requested authentication mechanism"}, FailedSTARTTLS, Soft, ActionFixSenderConfig},
	{"auth required", mail(530, "5.7.0", "530 5.7.0 Authentication required"), SecurityError, Soft, ActionFixSenderConfig},
	{"H2 bare 5.7.1", rcpt(550, "5.7.1", "550 5.7.1 Delivery not authorized, message refused"), SecurityError, Soft, ActionInvestigate},
	{"blocked spamhaus", rcpt(554, "5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"), Blocked, Soft, ActionContactPostmaster},
	{"H18 microsoft banned IP", rcpt(550, "5.7.606", "550 5.7.606 Access denied, banned sending IP [203.0.113.7]"), Blocked, Soft, ActionContactPostmaster},
	{"helo rejected", Input{Code: 504, Enhanced: "5.5.2", Command: "RCPT", Text: "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname"}, Blocked, Soft, ActionContactPostmaster},
	{"H12 421 at greeting", conn(421, "4.7.0", "421 4.7.0 Try again later, closing connection."), Blocked, Soft, ActionContactPostmaster},
	{"4.7.1 unmatched", rcpt(450, "4.7.1", "450 4.7.1 Access denied"), Blocked, Soft, ActionContactPostmaster},
	{"CONN fallback", Input{Command: "CONN", Text: "host mx.example.com[192.0.2.2] said: 554 no", Code: 0}, Blocked, Soft, ActionContactPostmaster},
	{"H17 microsoft reputation", Input{Code: 451, Enhanced: "4.7.650", Text: "451 4.7.650 The mail server [192.0.2.5] has been temporarily rate limited due to IP reputation."}, BadReputation, Soft, ActionContactPostmaster},
	{"low reputation", conn(421, "4.7.0", "421-4.7.0 This message is suspicious due to the very low reputation of the sending IP address"), BadReputation, Soft, ActionContactPostmaster},
	{"rate limit", Input{Code: 452, Enhanced: "4.3.2", Text: "452 4.3.2 Connection rate limit exceeded."}, RateLimited, Soft, ActionRetry},
	{"yahoo TSS04", conn(421, "4.7.0", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"), RateLimited, Soft, ActionRetry},
	{"H13 daily limit 5xx", mail(550, "5.4.5", "550 5.4.5 Daily user sending limit exceeded. - gsmtp"), RateLimited, Soft, ActionRetry},
	{"H13 microsoft submission quota", Input{Code: 554, Enhanced: "5.2.2", RemoteMTA: "smtp.office365.com", Text: "554 5.2.2 mailbox full; STOREDRV.Submission.Exception:SubmissionQuotaExceededException; submission quota exceeded"}, RateLimited, Soft, ActionRetry},
	{"H15 gmail receiving rate", rcpt(450, "4.2.1", "450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. - gsmtp"), RateLimited, Soft, ActionRetry},
	{"too many recipients", rcpt(452, "4.5.3", "452 4.5.3 Your message has too many recipients."), RateLimited, Soft, ActionRetry},
	{"H11 greylisted", rcpt(450, "4.2.0", "450 4.2.0 <x@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html"), Greylisted, Soft, ActionRetry},
	{"greylist try again in", rcpt(450, "4.7.1", "450 4.7.1 Try again in 5 minutes"), Greylisted, Soft, ActionRetry},
	{"5xx greylist is not greylisting", rcpt(550, "5.7.1", "550 5.7.1 greylisted too often, go away"), SecurityError, Soft, ActionInvestigate},
	{"rejected sender", mail(553, "5.1.8", "553 5.1.8 <bounce@example.com>... Domain of sender address bounce@example.com does not exist"), Rejected, Soft, ActionFixSenderConfig},
	{"H23 sender rejected at RCPT", rcpt(450, "4.1.8", "450 4.1.8 <bounce@example.com>: Sender address rejected: Domain not found"), Rejected, Soft, ActionFixSenderConfig},
	{"H23 client host rejected at RCPT", rcpt(554, "5.7.1", "554 5.7.1 <unknown[192.0.2.9]>: Client host rejected: Access denied; user unknown"), Blocked, Soft, ActionContactPostmaster},
	{"5.7.27 sender null MX", mail(550, "5.7.27", "550 5.7.27 sender address has null MX"), Rejected, Soft, ActionFixSenderConfig},
	{"relay denied", rcpt(554, "5.7.1", "554 5.7.1 <x@example.org>: Relay access denied"), NoRelaying, Soft, ActionFixSenderConfig},
	{"rcpthosts", rcpt(553, "", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), NoRelaying, Soft, ActionFixSenderConfig},
	{"syntax error", Input{Code: 555, Enhanced: "5.5.2", Text: "555 5.5.2 Syntax error."}, SyntaxError, Soft, ActionFixSenderConfig},
	{"bad sequence", Input{Code: 503, Enhanced: "5.5.1", Text: "503 5.5.1 Bad sequence of commands"}, SyntaxError, Soft, ActionFixSenderConfig},

	// Transient.
	{"system error", Input{Code: 451, Enhanced: "4.3.0", Text: "451 4.3.0 Mail server temporarily rejected message."}, SystemError, Soft, ActionRetry},
	{"loops back", Input{Enhanced: "5.4.6", Text: "mail for example.com loops back to myself"}, SystemError, Soft, ActionRetry},
	{"system full", rcpt(452, "4.3.1", "452 4.3.1 Insufficient system storage"), SystemFull, Soft, ActionRetry},
	{"network timeout", Input{Enhanced: "4.4.1", Deferred: true, Text: "connect to mx.example.com[192.0.2.4]:25: Connection timed out"}, NetworkError, Soft, ActionRetry},
	{"lost connection", Input{Enhanced: "4.4.2", Deferred: true, Text: "lost connection with mx.example.com[192.0.2.4] while receiving the initial server greeting"}, NetworkError, Soft, ActionRetry},
	{"hop count", Input{Code: 554, Enhanced: "5.4.6", Text: "554 5.4.6 Hop count exceeded - possible mail loop"}, NetworkError, Soft, ActionRetry},
	{"H4 554 4.4.7 expired", Input{Code: 554, Enhanced: "4.4.7", Text: "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>"}, Expired, Soft, ActionRetry},
	{"status expired", Input{Expired: true, Enhanced: "4.4.1", Text: "connect to mx.example.com[192.0.2.4]:25: Connection timed out"}, Expired, Soft, ActionRetry},
	{"status expired no text", Input{Expired: true}, Expired, Soft, ActionRetry},
	{"failed with a stray 2xx number", Input{Failed: true, Code: 255, Enhanced: "5.0.0", Text: "255"}, OnHold, Soft, ActionInvestigate},
	{"failed with 250 in the text", Input{Failed: true, Enhanced: "5.1.1", Text: "250 ok, then 550 5.1.1 user unknown"}, UserUnknown, Hard, ActionSuppress},
	{"giving up fallback", Input{Text: "giving up after repeated attempts"}, Expired, Soft, ActionRetry},
	{"mailer error", Input{Text: "Command died with status 75: \"procmail\". Command output: whatever"}, MailerError, Soft, ActionInvestigate},
	{"mailer quota", Input{Text: "Command output: maildrop: maildir over quota."}, MailboxFull, Soft, ActionRetry},
	{"x-unix", Input{Enhanced: "5.3.0", Text: "X-Unix; 255"}, MailerError, Soft, ActionInvestigate},

	// Fallbacks.
	{"onhold bare 554", rcpt(554, "", "554 Transaction failed"), OnHold, Soft, ActionInvestigate},
	{"onhold text", Input{Code: 550, Text: "550 Go away"}, OnHold, Soft, ActionInvestigate},
	{"undefined", Input{}, Undefined, Soft, ActionInvestigate},
	{"deferred without code", Input{Deferred: true, Text: "delivery temporarily suspended: unknown reason"}, NetworkError, Soft, ActionRetry},
	{"deferred no code user unknown", Input{Deferred: true, Command: "RCPT", Text: "User unknown"}, UserUnknown, Soft, ActionRetry},
	{"550 at RCPT with user words", rcpt(550, "", "550 Recipient rejected"), UserUnknown, Hard, ActionSuppress},
	{"550 at MAIL", mail(550, "", "550 Go away"), Rejected, Soft, ActionFixSenderConfig},
	// After DATA (or with no stage and no code saying so) "user unknown" is
	// a filter's wording: Sisimai's Filtered guard (taxonomy 2.2-4).
	{"user unknown text at DATA", data(550, "", "550 user unknown"), Filtered, Soft, ActionInvestigate},
	{"user unknown text no stage", Input{Code: 550, Text: "550 <a@example.org>: User unknown"}, Filtered, Soft, ActionInvestigate},
	{"user unknown text at RCPT hint", Input{Code: 550, Text: "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown in local recipient table"}, UserUnknown, Hard, ActionSuppress},
	{"user unknown 5.2.1 at RCPT", rcpt(550, "5.2.1", "550 5.2.1 <a@example.org>... User Unknown"), UserUnknown, Hard, ActionSuppress},
	{"user unknown 5.2.1 no stage", Input{Code: 550, Enhanced: "5.2.1", Text: "550 5.2.1 <a@example.org>... User Unknown"}, Filtered, Soft, ActionInvestigate},
	{"MTA's own unknown user", Input{Failed: true, Text: "Unknown user: a@example.org"}, UserUnknown, Hard, ActionSuppress},
	{"Verizon summary", Input{Failed: true, Code: 550, Text: "Invalid user address: 550 - Requested action not taken: no such user here"}, UserUnknown, Hard, ActionSuppress},
	{"IMail delivery userid", Input{Failed: true, Text: "Invalid final delivery userid: a@example.org"}, UserUnknown, Hard, ActionSuppress},
	{"cPanel account or domain", Input{Failed: true, Text: "The mail server could not deliver mail to a@example.org. The account or domain may not exist, they may be blacklisted, or missing the proper dns entries."}, HostUnknown, Hard, ActionSuppress},
	{"bare domain does not exist", Input{Failed: true, Code: 553, Text: "553 mx.example.org does not exist"}, HostUnknown, Hard, ActionSuppress},
	{"Exim malformed address", Input{Failed: true, Text: "malformed address: <a@example.org> may not follow b@example.org"}, SyntaxError, Soft, ActionFixSenderConfig},
	{"blacklisted address", Input{Failed: true, Text: "Sorry, you are sending to/from an address that has been blacklisted"}, Rejected, Soft, ActionFixSenderConfig},
	{"unverifiable sending IP", Input{Deferred: true, Code: 450, Text: "450 service permits 2 unverifyable sending IPs - mx.example.org is not 192.0.2.1"}, RequirePTR, Soft, ActionFixSenderConfig},
	{"EZweb remote rejection", Input{Failed: true, Text: "Each of the following recipients was rejected by a remote mail server."}, Filtered, Soft, ActionInvestigate},

	// Status word last (taxonomy 2.4): a give-up keeps the cause its last
	// reply named; a timeout or a bare code stays expired.
	{"expired with reputation text", Input{Expired: true, Code: 451, Enhanced: "4.7.650", RemoteMTA: "mx.outlook.com", Text: "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation."}, BadReputation, Soft, ActionContactPostmaster},
	{"expired with rate text", Input{Expired: true, Code: 452, Enhanced: "4.3.2", Text: "452 4.3.2 Connection rate limit exceeded."}, RateLimited, Soft, ActionRetry},
	{"expired with PTR text", Input{Expired: true, Code: 450, Enhanced: "4.4.7", Text: "450 4.7.1 Access denied. IP name lookup failed [192.0.2.1]"}, RequirePTR, Soft, ActionFixSenderConfig},
	{"expired with timeout", Input{Expired: true, Enhanced: "4.4.1", Text: "connect to mx.example.com[192.0.2.4]:25: Connection timed out"}, Expired, Soft, ActionRetry},
	{"expired mailbox full code", Input{Expired: true, Enhanced: "4.2.2"}, MailboxFull, Soft, ActionRetry},
	{"expired 451 reply", Input{Expired: true, Enhanced: "4.0.0", Code: 451, Text: "451 Could not load configuration for domain"}, SystemError, Soft, ActionRetry},
	{"delayed no text", Input{Deferred: true, Enhanced: "4.4.0"}, Expired, Soft, ActionRetry},
	{"qmail queue too long", Input{Text: "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1) I'm not going to try again; this message has been in the queue too long."}, Expired, Soft, ActionRetry},

	// Provider tables beyond Google, Microsoft and Yahoo.
	{"tencent frequency", Input{Code: 550, RemoteMTA: "mx3.qq.com", Text: "550 Ip frequency limited [x]. http://service.mail.qq.com/cgi-bin/help"}, RateLimited, Soft, ActionRetry},
	{"orange blocked code", Input{Code: 550, RemoteMTA: "smtp-in.orange.fr", Text: "550 mwinf ME Adresse IP source bloquee. OFR006_102 [102]"}, Blocked, Soft, ActionContactPostmaster},
	{"orange retry code", Input{Code: 421, Enhanced: "4.2.0", RemoteMTA: "smtp-in.orange.fr", Text: "421 4.2.0 Service refuse. Veuillez essayer plus tard. OFR005_505 [505]"}, SystemError, Soft, ActionRetry},
	{"la poste policy code", Input{Code: 554, Enhanced: "5.7.1", RemoteMTA: "smtpz4.laposte.net", Text: "554 5.7.1 <h[192.0.2.1]>: Client host rejected: lpn LPN000_630"}, PolicyViolation, Soft, ActionFixContent},
	{"spectrum rate code", Input{Code: 550, Enhanced: "5.1.0", Text: "550 5.1.0 <b@example.com> sender rejected. Please see https://www.spectrum.net/support for more information. AUP#In-1310"}, RateLimited, Soft, ActionRetry},
	{"cox blocklist code", Input{Code: 550, Enhanced: "5.1.0", Text: "550 5.1.0 <b@example.com> sender rejected. Refer to https://www.cox.com/email-error-codes.html AUP#CDRBL"}, Blocked, Soft, ActionContactPostmaster},
	{"mimecast network", Input{Code: 554, RemoteMTA: "us-smtp-inbound-1.mimecast.com", Text: "554 Host network not allowed - https://community.mimecast.com/docs"}, PolicyViolation, Soft, ActionFixContent},
	{"messagelabs auth", Input{Code: 550, Text: "550-Please turn on SMTP Authentication in your mail client. 550-mail1.messagelabs.com [192.0.2.1]:1 is not permitted to 550 relay through this server without authentication."}, SecurityError, Soft, ActionFixSenderConfig},
	{"docomo filter", Input{Code: 550, Enhanced: "5.2.0", RemoteMTA: "mfsmax.docomo.ne.jp", Text: "550 Unknown user a@example.jp"}, Filtered, Soft, ActionInvestigate},
	{"docomo refusal", Input{Code: 550, RemoteMTA: "mfsmax.docomo.ne.jp", Text: "550 Unknown user a@example.jp"}, Rejected, Soft, ActionFixSenderConfig},
	// Second round: vendor codes, documented provider wording, stage rules.
	{"orange spam code", Input{Code: 550, Enhanced: "5.2.0", RemoteMTA: "smtp-in.orange.fr", Text: "550 5.2.0 Mail rejete. Mail rejected. ofr_506 [506]"}, SpamDetected, Soft, ActionFixContent},
	{"microsoft all recipients rejected", Input{Code: 550, Enhanced: "5.4.1", Text: "550 5.4.1 All recipient addresses rejected : Access denied [X.prod.protection.outlook.com]"}, Rejected, Soft, ActionFixSenderConfig},
	{"exchange 2003 unknown recipient", Input{Text: "The recipient name is not recognized MSEXCH:IMS:ORG:SITE:SRV 0 (000C05A6) Unknown Recipient"}, UserUnknown, Hard, ActionSuppress},
	{"exchange 2003 filtered code", Input{Text: "Delivery not authorized MSEXCH:IMS:ORG:SITE:SRV 0 (000C0595)"}, Filtered, Soft, ActionInvestigate},
	{"exchange 2003 network code", Input{Text: "Host unreachable MSEXCH:IMS:ORG:SITE:SRV 0 (00120270)"}, NetworkError, Soft, ActionRetry},
	{"exchange IMC recipient not found", Input{Text: "Recipient Not Found MSEXCH:IMC:ORG:SITE:SRV"}, Filtered, Soft, ActionInvestigate},
	{"gmail could not connect", Input{Text: "The recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720 [example.org 192.0.2.1: socket error]"}, Expired, Soft, ActionRetry},
	{"interscan address check", Input{Text: "Unable to deliver message to <a@example.jp> (and other recipients in the same domain). Please check if address is correct."}, UserUnknown, Hard, ActionSuppress},
	{"mailbox message count", Input{Text: "The number of messages in recipient's mailbox exceeded the local limit."}, MailboxFull, Soft, ActionRetry},
	{"google groups post refused", Input{Text: "Google Groups: the group you tried to contact may not exist, or you may not have permission to post messages to the group"}, Rejected, Soft, ActionFixSenderConfig},
	{"outlook SC-004", mail(550, "", "550 SC-004 (X-MC1-F1) Unfortunately, messages from 192.0.2.1 weren't sent. We recommend that you contact your Internet service provider."), Blocked, Soft, ActionContactPostmaster},
	{"no TLS support", Input{Code: 500, Text: "500 Remote server does not support TLS (state 6)."}, FailedSTARTTLS, Soft, ActionFixSenderConfig},
	{"qmail no mail exchanger", Input{Text: "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)"}, NotAccept, Hard, ActionSuppress},
	{"opensmtpd no MX", Input{Deferred: true, Enhanced: "4.0.0", Text: "No MX found for domain"}, NotAccept, Soft, ActionRetry},
	{"expired host not reachable", Input{Expired: true, Code: 421, Text: "421 Host not reachable."}, Expired, Soft, ActionRetry},
	{"expired name lookup", Input{Expired: true, Enhanced: "4.4.7", Text: "<a@example.org>... Deferred: Name server: example.org.: host name lookup failure"}, NetworkError, Soft, ActionRetry},
	{"delayed bare reply code", Input{Deferred: true, Code: 421, Enhanced: "4.5.0", Text: "421"}, Expired, Soft, ActionRetry},
	{"vpopmail locked", Input{Text: "vdelivermail: account is locked email bounced a@example.jp"}, Suspend, Soft, ActionRetry},
	{"unauthenticated at MAIL", mail(550, "", "550 Unauthenticated senders not allowed"), SecurityError, Soft, ActionFixSenderConfig},
	{"policy at MAIL", mail(554, "", "554 Mail from a@example.net rejected for policy reasons."), PolicyViolation, Soft, ActionFixContent},
	{"insecure relay", mail(550, "", "550 Insecure Mail Relay"), NoRelaying, Soft, ActionFixSenderConfig},
	{"address code at MAIL", mail(553, "5.1.0", "553 5.1.0 sender.example.com does not exist"), Rejected, Soft, ActionFixSenderConfig},
	{"rcpt wrapper alone", rcpt(550, "5.0.0", "550 5.0.0 <a@example.net>: Recipient address rejected: On hold"), OnHold, Soft, ActionInvestigate},
	{"user unknown after RCPT command", Input{Enhanced: "5.2.1", Text: "SMTP error from remote server after RCPT command: host: mx.example.jp 5.2.1 <a@example.jp>... User Unknown"}, UserUnknown, Hard, ActionSuppress},
	{"5.2.1 user unknown no stage", Input{Code: 550, Enhanced: "5.2.1", Text: "550 5.2.1 <a@example.jp>... User Unknown"}, Filtered, Soft, ActionInvestigate},
	{"microsoft 5.1.10 bare", Input{Enhanced: "5.1.10", Text: "see DSN 5.1.10 Errors in Exchange Online and Office 365"}, UserUnknown, Hard, ActionSuppress},
	{"gmail content security", Input{Code: 552, Enhanced: "5.7.0", RemoteMTA: "aspmx.l.google.com", Text: "552-5.7.0 This message was blocked because its content presents a potential"}, PolicyViolation, Soft, ActionFixContent},
	{"gmail auth info", Input{Code: 550, Enhanced: "5.7.1", RemoteMTA: "gmail-smtp-in.l.google.com", Text: "550-5.7.1 This message does not have authentication information or fails to pass"}, AuthFailure, Soft, ActionFixSenderConfig},
	{"access denied at MAIL", mail(550, "5.7.1", "550 5.7.1 Access denied"), Rejected, Soft, ActionFixSenderConfig},
	{"551 bad rdns", Input{Code: 551, Text: "551 Server access forbidden by invalid RDNS record of your mail server (192.0.2.1)."}, RequirePTR, Soft, ActionFixSenderConfig},
	{"t-online BL", Input{Code: 554, Enhanced: "5.5.0", Text: "554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help or to contact x to clarify.) (BL)"}, Blocked, Soft, ActionContactPostmaster},
	{"user unknown text with 5.1.1 at DATA", data(550, "5.1.1", "550 5.1.1 user unknown"), UserUnknown, Hard, ActionSuppress},
	{"552 storage", Input{Code: 552, Text: "552 Requested mail action aborted: exceeded storage allocation"}, MailboxFull, Soft, ActionRetry},
	{"explain X.1.1", Input{Enhanced: "X.1.1"}, UserUnknown, Hard, ActionSuppress},
}

func TestClassify(t *testing.T) {
	if len(classifyTests) < 60 {
		t.Fatalf("only %d rows", len(classifyTests))
	}
	for _, tt := range classifyTests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.in)
			if got.Reason != tt.reason || got.Class != tt.class || got.Action != tt.action {
				t.Errorf("Classify(%+v)\n got %v/%v/%v (by %s)\nwant %v/%v/%v",
					tt.in, got.Reason, got.Class, got.Action, got.MatchedBy, tt.reason, tt.class, tt.action)
			}
			if want := Describe(got.Reason).Side; got.Side != want {
				t.Errorf("Side = %v, want %v", got.Side, want)
			}
			if got.MatchedBy == "" {
				t.Error("MatchedBy is empty")
			}
		})
	}
}

// TestCoverage checks that the table reaches every reason.
func TestCoverage(t *testing.T) {
	seen := map[Reason]bool{}
	for _, tt := range classifyTests {
		seen[tt.reason] = true
	}
	for _, r := range Reasons() {
		if !seen[r] {
			t.Errorf("no TestClassify row for %v", r)
		}
	}
}

func TestForward(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want Result
	}{
		{"551 please try", Input{Code: 551, Enhanced: "5.1.6", Text: "User not local; please try <b@Y.Example>"},
			Result{Reason: HasMoved, Class: Hard, Action: ActionUpdateAddress, Side: SideRecipient,
				Enhanced: "5.1.6", Code: 551, MatchedBy: "structural", Forward: "b@y.example"}},
		{"251 will forward", Input{Code: 251, Text: "251 2.1.5 <old@example.com>... User not local; will forward to <Jane@Example.NET>", Delivered: true},
			Result{Reason: Forwarded, Class: None, Action: ActionUpdateAddress, Side: SideNone,
				Enhanced: "2.1.5", Code: 251, MatchedBy: "status", Forward: "Jane@example.net"}},
		{"given forward wins", Input{Code: 551, Text: "551 User not local; please try <a@b.example>", Forward: "c@d.example"},
			Result{Reason: HasMoved, Class: Hard, Action: ActionUpdateAddress, Side: SideRecipient,
				Code: 551, MatchedBy: "structural", Forward: "c@d.example"}},
		{"bare address", Input{Code: 551, Text: "551 5.1.6 The mailbox <old@example.com> has moved. Please try new@example.org"},
			Result{Reason: HasMoved, Class: Hard, Action: ActionUpdateAddress, Side: SideRecipient,
				Enhanced: "5.1.6", Code: 551, MatchedBy: "structural", Forward: "new@example.org"}},
		{"5.1.6 no address", Input{Code: 550, Enhanced: "5.1.6", Text: "550 5.1.6 Recipient no longer on server"},
			Result{Reason: HasMoved, Class: Hard, Action: ActionSuppress, Side: SideRecipient,
				Enhanced: "5.1.6", Code: 550, MatchedBy: "structural"}},
		{"5.7.17 never forwards", Input{Code: 550, Enhanced: "5.7.17", Text: "550 5.7.17 Mailbox owner has changed; please try <x@y.example>"},
			Result{Reason: HasMoved, Class: Hard, Action: ActionSuppress, Side: SideRecipient,
				Enhanced: "5.7.17", Code: 550, MatchedBy: "structural"}},
		{"no forward outside moved", Input{Code: 550, Enhanced: "5.1.1", Text: "550 5.1.1 No such user; please try <x@y.example>", Forward: "z@y.example", Command: "RCPT"},
			Result{Reason: HasMoved, Class: Hard, Action: ActionUpdateAddress, Side: SideRecipient,
				Enhanced: "5.1.1", Code: 550, MatchedBy: "structural", Forward: "z@y.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.in); got != tt.want {
				t.Errorf("Classify(%+v)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestReply(t *testing.T) {
	tests := []struct {
		name, enhanced, text string
		code                 int
		want                 Result
	}{
		{"unknown user", "5.1.1", "User unknown", 550,
			Result{Reason: UserUnknown, Class: Hard, Action: ActionSuppress, Side: SideRecipient, Enhanced: "5.1.1", Code: 550, MatchedBy: "text"}},
		{"full mailbox", "4.2.2", "Mailbox full", 452,
			Result{Reason: MailboxFull, Class: Soft, Action: ActionRetry, Side: SideRecipient, Enhanced: "4.2.2", Code: 452, MatchedBy: "text"}},
		{"moved", "5.1.6", "User not local; please try <b@y.example>", 551,
			Result{Reason: HasMoved, Class: Hard, Action: ActionUpdateAddress, Side: SideRecipient, Enhanced: "5.1.6", Code: 551, MatchedBy: "structural", Forward: "b@y.example"}},
		{"codes only", "", "", 551,
			Result{Reason: HasMoved, Class: Hard, Action: ActionSuppress, Side: SideRecipient, Code: 551, MatchedBy: "structural"}},
		{"forward", "", "", 251,
			Result{Reason: Forwarded, Class: None, Action: ActionUpdateAddress, Side: SideNone, Code: 251, MatchedBy: "status"}},
		{"temporary expiry", "4.4.7", "Message expired", 554,
			Result{Reason: Expired, Class: Soft, Action: ActionRetry, Side: SideTransient, Enhanced: "4.4.7", Code: 554, MatchedBy: "text"}},
		{"enhanced table", "5.7.25", "", 550,
			Result{Reason: RequirePTR, Class: Soft, Action: ActionFixSenderConfig, Side: SideSender, Enhanced: "5.7.25", Code: 550, MatchedBy: "enhanced"}},
		{"reply table", "", "", 535,
			Result{Reason: SecurityError, Class: Soft, Action: ActionInvestigate, Side: SideSender, Code: 535, MatchedBy: "reply"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Reply(tt.code, tt.enhanced, tt.text); got != tt.want {
				t.Errorf("Reply(%d, %q, %q)\n got %+v\nwant %+v", tt.code, tt.enhanced, tt.text, got, tt.want)
			}
		})
	}
}
