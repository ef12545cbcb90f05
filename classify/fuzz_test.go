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

// TestFastDelivered checks that the fast path of deliveries gives what the
// full procedure gives, and is taken for the common case.
func TestFastDelivered(t *testing.T) {
	tests := []struct {
		in   Input
		fast bool
	}{
		{Input{Code: 250, Enhanced: "2.0.0", Delivered: true, Text: "250 2.0.0 Ok: queued as 4F2A1C0D3"}, true},
		{Input{Code: 250, Delivered: true, Text: "250 2.6.0 <id@example.com> [InternalId=1] Queued mail for delivery"}, true},
		{Input{Code: 250, Enhanced: "X.0.0", Delivered: true, Text: "250 OK id=1abc"}, true},
		{Input{Code: 250, Enhanced: "5.0.0", Delivered: true, Text: "250 2.1.5 Ok"}, true},
		{Input{Code: 250, Enhanced: "2.0.0", Delivered: true, Text: "delivered via dovecot service"}, true},
		{Input{Code: 251, Enhanced: "2.1.5", Delivered: true, Text: "251 2.1.5 User not local; will forward to <new@example.org>"}, false},
		{Input{Code: 250, Enhanced: "2.1.5", Delivered: true, Text: "250 2.1.5 Ok, Will  FORWARD to <new@example.org>"}, false},
		{Input{Code: 250, Enhanced: "2.1.5", Delivered: true, Text: "250 ok; will forward to <x@example.org>"}, false},
		{Input{Code: 250, Enhanced: "2.1.5", Delivered: true, Text: "250 ok; WiLl FoRwArD tO <x@example.org>"}, false},
		{Input{Code: 250, Enhanced: "2.1.5", Delivered: true, Text: "250 ok; will ｆorward to <x@example.org>"}, false},
		{Input{Code: 0, Delivered: true, Text: "delivered to maildir"}, false},
		{Input{Code: 550, Delivered: true, Text: "550 5.1.1 odd"}, false},
		{Input{Code: 250, Enhanced: "2.0.0", Delivered: true, Feedback: true}, false},
		{Input{Code: 250, Enhanced: "2.0.0", Delivered: true, AutoReply: true}, false},
		{Input{Code: 250, Enhanced: "2.0.0", Text: "250 ok"}, false},
	}
	for _, tt := range tests {
		fast, ok := fastDelivered(tt.in)
		if ok != tt.fast {
			t.Errorf("fastDelivered(%+v) taken = %v, want %v", tt.in, ok, tt.fast)
		}
		if full := classifyFull(tt.in); ok && fast != full {
			t.Errorf("fastDelivered(%+v) = %+v, full procedure %+v", tt.in, fast, full)
		}
	}
}

// FuzzFastDelivered checks the fast path against the full procedure on
// any delivery.
func FuzzFastDelivered(f *testing.F) {
	f.Add(250, "2.0.0", "250 2.0.0 Ok: queued as 4F2A1C0D3")
	f.Add(250, "", "250 2.1.5 <a@b> recipient ok")
	f.Add(299, "X.1.1", "x 4.1.1")
	f.Fuzz(func(t *testing.T, code int, enhanced, text string) {
		in := Input{Code: code, Enhanced: enhanced, Text: text, Delivered: true}
		if fast, ok := fastDelivered(in); ok {
			if full := classifyFull(in); fast != full {
				t.Fatalf("fastDelivered(%+v) = %+v, full procedure %+v", in, fast, full)
			}
		}
	})
}
