package smtpcode

import "testing"

func TestStage(t *testing.T) {
	tests := []struct{ text, want string }{
		{"host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)", StageRCPT},
		{"host mx[192.0.2.1] said: 552 5.3.4 Message too big (in reply to end of DATA command)", StageDATA},
		{"host mx[192.0.2.1] said: 554 5.7.1 denied (in reply to MAIL FROM command)", StageMAIL},
		{"said: 502 unrecognized (in reply to EHLO command)", StageEHLO},
		{"said: 454 4.7.0 TLS not available (in reply to STARTTLS command)", StageSTARTTLS},
		{"SMTP error from remote mail server after RCPT TO:<a@example.com>: 550 no such user", StageRCPT},
		{"SMTP error from remote mail server after end of data: 550 rejected", StageDATA},
		{"SMTP error from remote mail server after initial connection: 554 go away", StageConn},
		{"host mx[192.0.2.1] refused to talk to me: 554 5.7.1 listed at a DNSBL", StageConn},
		{"lost connection with mx[192.0.2.1] while receiving the initial server greeting", StageConn},
		{"lost connection with mx[192.0.2.1] while sending RCPT TO", StageRCPT},
		{"conversation with mx[192.0.2.1] timed out while sending message body", StageDATA},
		{"lost connection with mx[192.0.2.1] while sending end of data -- message may be sent more than once", StageDATA},
		{"lost connection with mx[192.0.2.1] while performing the EHLO handshake", StageEHLO},
		{"lost connection with mx[192.0.2.1] while performing the HELO handshake", StageEHLO},
		{"TLS is required, but host mx[192.0.2.1] refused to start TLS: STARTTLS not offered", StageSTARTTLS},
		{"connect to mx.example.com[192.0.2.1]:25: Connection timed out", StageConn},
		{"delivery temporarily suspended: connect to mx[192.0.2.1]:25: Connection refused", StageConn},
		{"SMTP error from remote server after RCPT command: host: mx.example.net 5.1.1 <a@example.net>... User Unknown", StageRCPT},
		{"SMTP error from remote server for TEXT command, host: mx.example.net reason: 550 5.7.1 spam", StageDATA},
		{"SMTP error from remote server for MAIL FROM command, host: mx.example.net reason: 553 no", StageMAIL},
		{"a rule for data retention", ""},                                   // "for" not followed by a command
		{"please reconnect to the server", ""},                              // "connect to" inside a word
		{"retry timeout exceeded after 5 days", ""},                         // "after" not followed by a stage
		{"in reply to nothing; then after RCPT TO: 550 no", StageRCPT},      // the first recognised one
		{"after MAIL FROM: 550 x (in reply to RCPT TO command)", StageRCPT}, // "in reply to" outranks "after"
		{"250 2.0.0 Ok: queued as 4A1B2C3D4E", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Stage(tt.text); got != tt.want {
			t.Errorf("Stage(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func FuzzStage(f *testing.F) {
	f.Add("host x said: 550 5.1.1 nope (in reply to RCPT TO command)")
	f.Add("after end of data: 550")
	f.Fuzz(func(t *testing.T, text string) {
		switch Stage(text) {
		case "", StageConn, StageEHLO, StageSTARTTLS, StageMAIL, StageRCPT, StageDATA:
		default:
			t.Fatalf("Stage(%q) = %q", text, Stage(text))
		}
	})
}
