package dsn

import "testing"

func TestStatusComment(t *testing.T) {
	tests := []struct{ in, want string }{
		{"4.0.0 (cat.example.net: host name lookup failure)", "cat.example.net: host name lookup failure"},
		{"5.0.0 (permanent failure)", ""},
		{"4.4.0 (other or undefined network or routing status)", ""},
		{"5.1.1", ""},
		{"5.2.2 (mailbox   full", "mailbox full"},
	}
	for _, tt := range tests {
		if got := statusComment(tt.in); got != tt.want {
			t.Errorf("statusComment(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLineNaming(t *testing.T) {
	text := "To: bob@example.net\nThe following failed:\n  bob@example.net: mailbox full\n    try later\n\nbob@example.net; Action: failed\n"
	if got := lineNaming(text, "BOB@example.net"); got != "bob@example.net: mailbox full try later" {
		t.Errorf("lineNaming = %q", got)
	}
	if got := lineNaming(text, "ann@example.net"); got != "" {
		t.Errorf("lineNaming of an absent address = %q", got)
	}
}

func TestParagraphNaming(t *testing.T) {
	text := "The mail system\n\n<bob@example.net>: host mx said: 550 5.2.1\n<bob@example.net>... User Unknown (in reply to RCPT TO command)\n\nother paragraph"
	got := paragraphNaming(text, "bob@example.net")
	if got != "<bob@example.net>: host mx said: 550 5.2.1\n<bob@example.net>... User Unknown (in reply to RCPT TO command)" {
		t.Errorf("paragraphNaming = %q", got)
	}
	if paragraphNaming(text, "ann@example.net") != "" {
		t.Error("paragraph for an absent address")
	}
}
