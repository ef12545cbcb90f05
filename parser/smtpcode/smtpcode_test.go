package smtpcode

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in, enhanced, rest string
		code               int
	}{
		{"551", "", "", 551},
		{"5.1.6", "5.1.6", "", 0},
		{"X.1.6", "X.1.6", "", 0},
		{"551 5.1.6", "5.1.6", "", 551},
		{"  551-5.1.6 User not local; please try <x@y.org>", "5.1.6", "User not local; please try <x@y.org>", 551},
		{"550 User unknown", "", "User unknown", 550},
		{"5.01.006 text", "5.1.6", "text", 0},
		{"User unknown", "", "User unknown", 0},
		{"650 5.1.1", "", "650 5.1.1", 0},
		{"5501", "", "5501", 0},
		{"5.1", "", "5.1", 0},
		{"", "", "", 0},
	}
	for _, tt := range tests {
		code, enh, rest := Parse(tt.in)
		if code != tt.code || enh != tt.enhanced || rest != tt.rest {
			t.Errorf("Parse(%q) = %d, %q, %q; want %d, %q, %q", tt.in, code, enh, rest, tt.code, tt.enhanced, tt.rest)
		}
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		text     string
		reply    int
		enhanced string
	}{
		{"550 5.1.1 <x@example.com>: User unknown", 550, "5.1.1"},
		{"host mx.example.com[192.0.2.1] said: 450 4.2.0 Greylisted", 450, "4.2.0"},
		{"smtp; 550-5.7.26 unauthenticated", 550, "5.7.26"},
		{"try again in 300 seconds", 0, ""},
		{"connect to 10.5.1.1:25: Connection timed out", 0, ""},
		{"Recipient rejected (#5.1.1)", 0, "5.1.1"},
		{"client v2.1.5 said 421 4.7.0 busy", 421, "4.7.0"},
		{"554.30 mailbox disabled", 0, ""},
	}
	for _, tt := range tests {
		if got := FindReply(tt.text); got != tt.reply {
			t.Errorf("FindReply(%q) = %d, want %d", tt.text, got, tt.reply)
		}
		if got := FindEnhanced(tt.text, 0); got != tt.enhanced {
			t.Errorf("FindEnhanced(%q) = %q, want %q", tt.text, got, tt.enhanced)
		}
	}
}

func TestFindInPostfixTexts(t *testing.T) {
	tests := []struct {
		text     string
		code     int
		enhanced string
	}{
		{"host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: User unknown", 550, "5.1.1"},
		{"550-5.7.26 This mail is unauthenticated 550 5.7.26 more", 550, "5.7.26"},
		{"connect to mx.example.com[192.0.2.44]:25: Connection timed out", 0, ""},
		{"Remote host 10.5.1.1 version v2.1.5 said 421 4.7.0 Try again later", 421, "4.7.0"},
		{"smtp; 552 5.2.2 Mailbox full", 552, "5.2.2"},
		{"code 5501 and 5.1.1x are not codes", 0, ""},
	}
	for _, tt := range tests {
		if got := FindReply(tt.text); got != tt.code {
			t.Errorf("FindReply(%q) = %d, want %d", tt.text, got, tt.code)
		}
		if got := FindEnhanced(tt.text, 0); got != tt.enhanced {
			t.Errorf("FindEnhanced(%q) = %q, want %q", tt.text, got, tt.enhanced)
		}
	}
	if got := FindEnhanced("2.0.0 then 5.1.1", '5'); got != "5.1.1" {
		t.Errorf("EnhancedCode with class 5 = %q", got)
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"550 5.1.1 <x@example.com>: User unknown", "host mx[192.0.2.1] said: 450 4.2.0 Greylisted",
		"551-5.1.6 User not local; please try <x@y.org>", "try again in 300 seconds", "5.01.006 text", "X.1.6",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r := FindReply(s); r != 0 && (r < 200 || r > 599) {
			t.Fatalf("FindReply(%q) = %d", s, r)
		}
		for _, class := range []byte{0, '2', '4', '5'} {
			e := FindEnhanced(s, class)
			if e == "" {
				continue
			}
			if n, ok := Normalize(e); !ok || n != e {
				t.Fatalf("FindEnhanced(%q) = %q, not canonical (%q, %v)", s, e, n, ok)
			}
			if class != 0 && e[0] != class {
				t.Fatalf("FindEnhanced(%q, %c) = %q", s, class, e)
			}
		}
		code, enh, rest := Parse(s)
		if code != 0 && (code < 200 || code > 599) {
			t.Fatalf("Parse(%q) code %d", s, code)
		}
		if enh != "" {
			if n, ok := Normalize(enh); !ok || n != enh {
				t.Fatalf("Parse(%q) enhanced %q not canonical", s, enh)
			}
		}
		if len(rest) > len(s) {
			t.Fatalf("Parse(%q) rest %q longer than input", s, rest)
		}
	})
}
