package classify

import "testing"

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
