package classify

import "testing"

func FuzzClassify(f *testing.F) {
	for _, tt := range classifyTests {
		in := tt.in
		f.Add(in.Code, in.Enhanced, in.Text, in.Command, in.RemoteMTA, in.Deferred, in.Expired)
	}
	f.Add(0, "x.0.0", "550-", "rcpt to", "", false, false)
	f.Add(551, "5.7.17", "please try <@>", "", "", false, false)
	f.Fuzz(func(t *testing.T, code int, enhanced, text, cmd, rhost string, deferred, expired bool) {
		in := Input{Code: code, Enhanced: enhanced, Text: text, Command: cmd, RemoteMTA: rhost,
			Deferred: deferred, Expired: expired}
		got := Classify(in)
		if got.Reason >= numReasons {
			t.Fatalf("Classify(%+v).Reason = %d", in, got.Reason)
		}
		if got.Class > Hard || int(got.Action) >= len(actionNames) || int(got.Side) >= len(sideNames) {
			t.Fatalf("Classify(%+v) = %+v: invalid class, action or side", in, got)
		}
		if got.Class == Hard && (got.Reason != UserUnknown && got.Reason != HostUnknown &&
			got.Reason != HasMoved && got.Reason != NotAccept) {
			t.Fatalf("Classify(%+v): hard %v", in, got.Reason)
		}
		if got.Class == Hard && got.Enhanced != "" && got.Enhanced[0] == '4' {
			t.Fatalf("Classify(%+v): hard with %s", in, got.Enhanced)
		}
		if got.Forward != "" && got.Reason != HasMoved && got.Reason != Forwarded {
			t.Fatalf("Classify(%+v): forward %q with %v", in, got.Forward, got.Reason)
		}
		if got.MatchedBy == "" {
			t.Fatalf("Classify(%+v): no MatchedBy", in)
		}
		if again := Classify(in); again != got {
			t.Fatalf("Classify(%+v) not deterministic: %+v then %+v", in, got, again)
		}
	})
}

// benchInputs is a realistic mix: mostly Postfix bounces and deferrals.
var benchInputs = []Input{
	rcpt(550, "5.1.1", "host mx.example.com[192.0.2.1] said: 550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"),
	{Code: 550, Enhanced: "5.1.1", RemoteMTA: "gmail-smtp-in.l.google.com", Command: "RCPT", Text: "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser x12si - gsmtp"},
	{Enhanced: "4.4.1", Deferred: true, Text: "connect to mx.example.com[192.0.2.4]:25: Connection timed out"},
	{Enhanced: "4.4.3", Deferred: true, Text: "Host or domain name not found. Name service error for name=example.com type=MX: Host not found, try again"},
	{Enhanced: "5.4.4", Text: "Host or domain name not found. Name service error for name=exmaple.com type=MX: Host not found"},
	rcpt(452, "4.2.2", "host mx.example.net[192.0.2.2] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)"),
	rcpt(450, "4.2.0", "450 4.2.0 <x@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html"),
	rcpt(554, "5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"),
	data(550, "5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering"),
	{Code: 550, Enhanced: "5.7.26", RemoteMTA: "mx.google.com", Command: "DATA", Text: "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM."},
	{Code: 550, Enhanced: "5.4.1", RemoteMTA: "example-com.mail.protection.outlook.com", Command: "RCPT", Text: "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5EUR03FT.eop-EUR03.prod.protection.outlook.com]"},
	{Code: 451, Enhanced: "4.7.650", RemoteMTA: "mx.hotmail.com", Text: "451 4.7.650 The mail server [192.0.2.5] has been temporarily rate limited due to IP reputation."},
	conn(421, "4.7.0", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"),
	rcpt(551, "5.1.6", "551 5.1.6 User not local; please try <jane@new.example>"),
	{Code: 250, Enhanced: "2.0.0", Delivered: true, Text: "250 2.0.0 Ok: queued as 4F2A1C0D3"},
	{Expired: true},
	data(552, "5.3.4", "552 5.3.4 Message size exceeds fixed maximum message size"),
	rcpt(550, "5.2.1", "550 5.2.1 The email account that you tried to reach is disabled."),
	{Code: 554, Enhanced: "4.4.7", Text: "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>"},
	rcpt(550, "", "550 Requested action not taken: mailbox unavailable"),
}

func BenchmarkClassify(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range benchInputs {
			Classify(in)
		}
	}
}

// BenchmarkClassifySent is the most common input of a log: a delivery.
func BenchmarkClassifySent(b *testing.B) {
	in := Input{Code: 250, Enhanced: "2.0.0", Delivered: true, RemoteMTA: "mx1.example.net", Text: "250 2.0.0 Ok: queued as 4F2A1C0D3 (mx1.example.net)"}
	b.ReportAllocs()
	for b.Loop() {
		Classify(in)
	}
}
