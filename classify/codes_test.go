package classify

import "testing"

func TestParseCodes(t *testing.T) {
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
		code, enh, rest := ParseCodes(tt.in)
		if code != tt.code || enh != tt.enhanced || rest != tt.rest {
			t.Errorf("ParseCodes(%q) = %d, %q, %q; want %d, %q, %q", tt.in, code, enh, rest, tt.code, tt.enhanced, tt.rest)
		}
	}
}

func TestFindCodes(t *testing.T) {
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
		if got := findReply(tt.text); got != tt.reply {
			t.Errorf("findReply(%q) = %d, want %d", tt.text, got, tt.reply)
		}
		if got := findEnhanced(tt.text, 0); got != tt.enhanced {
			t.Errorf("findEnhanced(%q) = %q, want %q", tt.text, got, tt.enhanced)
		}
	}
}

func TestPickEnhanced(t *testing.T) {
	tests := []struct {
		given, inText string
		reply         int
		want          string
	}{
		{"5.0.0", "5.1.1", 550, "5.1.1"}, // H20
		{"5.0.0", "", 550, ""},
		{"", "4.0.0", 450, ""},
		{"5.1.1", "5.7.1", 550, "5.1.1"},
		{"4.4.7", "4.4.2", 554, "4.4.2"},
		{"5.5.1", "5.1.1", 550, "5.1.1"},
		{"4.1.1", "5.1.1", 550, "5.1.1"}, // class of the reply code
		{"5.1.1", "", 0, "5.1.1"},
	}
	for _, tt := range tests {
		if got := pickEnhanced(tt.given, tt.inText, tt.reply); got != tt.want {
			t.Errorf("pickEnhanced(%q, %q, %d) = %q, want %q", tt.given, tt.inText, tt.reply, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  550-5.1.1 The email\r\n550-5.1.1  account   does\n550 5.1.1 not exist ", "the email account does 550 5.1.1 not exist"},
		{"User\tUnknown", "user unknown"},
		{"Boîte PLEINE", "boîte pleine"},
		{"call 555-1234", "call 555-1234"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCodeMatches(t *testing.T) {
	tests := []struct {
		code, pattern string
		want          bool
	}{
		{"5.2.1", "X.2.1", true},
		{"4.2.1", "5.2.1", false},
		{"5.7.620", "5.7.606-649", true},
		{"5.7.650", "5.7.606-649", false},
		{"5.7.61", "5.7.606-649", false},
		{"4.7.321", "X.7.321-325", true},
		{"", "X.1.1", false},
	}
	for _, tt := range tests {
		if got := codeMatches(tt.code, tt.pattern); got != tt.want {
			t.Errorf("codeMatches(%q, %q) = %v", tt.code, tt.pattern, got)
		}
	}
}
