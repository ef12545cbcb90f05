package policy

import (
	"strings"
	"testing"
	"time"
)

func TestParsePolicy(t *testing.T) {
	file := `# our policy
soft-limit  = 3      # fewer expiries
soft-span   = 0
soft-window = 30d
mailboxfull-window=90d
weak-hard-span = 36h
incident-share = 12.5

auto-reply-window = 0
`
	p, err := ParsePolicy("ours.conf", []byte(file), Default())
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Soft = Rule{Limit: 3, Window: 30 * day}
	want.MailboxFull.Window = 90 * day
	want.WeakHard.Span = 36 * time.Hour
	want.IncidentShare = 12.5
	want.AutoReplyWindow = 0
	if p != want {
		t.Errorf("ParsePolicy =\n%+v\nwant\n%+v", p, want)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"soft-limit = 3\nsoft-limt = 4\n", `p.conf:2: unknown key "soft-limt"`},
		{"\n\nsoft-limit 3\n", `p.conf:3: want key = value, got "soft-limit 3"`},
		{"soft-limit = 3\nsoft-limit = 4\n", "p.conf:2: soft-limit set again (first on line 1)"},
		{"soft-limit = three\n", `p.conf:1: soft-limit = " three": want a whole number from 0 to 32`},
		{"soft-limit = 33\n", "p.conf:1: soft-limit"},
		{"soft-limit = -1\n", "p.conf:1: soft-limit"},
		{"suspend-span = 7 days\n", `p.conf:1: suspend-span = " 7 days": bad duration "7 days"`},
		{"suspend-span = -7d\n", "p.conf:1: suspend-span"},
		{"suspend-window = 1000000d\n", "p.conf:1: suspend-window"},
		{"incident-share = 120\n", "p.conf:1: incident-share"},
		{"incident-share = NaN\n", "p.conf:1: incident-share"},
		{"incident-min = x\n", "p.conf:1: incident-min"},
		{"suspend-window = 5d\n", "p.conf: suspend-span 7d is longer than suspend-window 5d"},
	} {
		_, err := ParsePolicy("p.conf", []byte(c.file), Default())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParsePolicy(%q) error %v, want %q", c.file, err, c.want)
		}
	}
}

func TestConfigRoundTrip(t *testing.T) {
	p := Default()
	p.Suspend = Rule{Limit: 3, Span: 90 * time.Minute, Window: 2 * day}
	p.IncidentShare = 33.3
	got, err := ParsePolicy("config", []byte(p.Config()), Policy{})
	if err != nil {
		t.Fatalf("%v\n%s", err, p.Config())
	}
	if got != p {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
	}
	// Every key is in Config, documented.
	for _, k := range Keys() {
		if !strings.Contains(p.Config(), "\n"+k.Name+" ") || k.Doc == "" {
			t.Errorf("key %s missing from Config or undocumented", k.Name)
		}
	}
}

func TestSetGet(t *testing.T) {
	p := Default()
	if err := p.Set("hard-limit", " 2 "); err != nil {
		t.Fatal(err)
	}
	if v, ok := p.Get("hard-limit"); !ok || v != "2" || p.Hard.Limit != 2 {
		t.Errorf("hard-limit = %q, %v; Hard %+v", v, ok, p.Hard)
	}
	if err := p.Set("hard", "1"); err == nil || !strings.Contains(err.Error(), `unknown setting "hard"`) {
		t.Errorf("Set(hard) error %v", err)
	}
	if _, ok := p.Get("nope"); ok {
		t.Error("Get(nope) ok")
	}
}

func TestDefaultIsValidAndTheTaxonomys(t *testing.T) {
	p := Default()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	// taxonomy.md 5.2, default rules, as policy file lines.
	for _, line := range []string{
		"hard-limit = 1", "weak-hard-limit = 2", "weak-hard-span = 1d",
		"suspend-limit = 2", "suspend-span = 7d", "suspend-window = 60d",
		"mailboxfull-limit = 3", "mailboxfull-span = 15d", "mailboxfull-window = 60d",
		"filtered-limit = 3", "filtered-window = 90d",
		"temp-unknown-limit = 3", "temp-unknown-window = 30d",
		"soft-limit = 5", "soft-span = 30d", "soft-window = 0",
		"onhold-limit = 3", "onhold-window = 60d",
		"incident-share = 20", "incident-min = 20",
	} {
		k, v, _ := strings.Cut(line, " = ")
		if got, _ := p.Get(k); got != v {
			t.Errorf("default %s = %s, want %s", k, got, v)
		}
	}
}

func TestDurations(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		out  string
	}{
		{"0", 0, "0"}, {"30d", 30 * day, "30d"}, {"2w", 14 * day, "14d"}, {"36h", 36 * time.Hour, "36h"},
		{"48h", 2 * day, "2d"}, {"90m", 90 * time.Minute, "90m"}, {"1h30m", 90 * time.Minute, "90m"},
		{"45s", 45 * time.Second, "45s"}, {" 7d ", 7 * day, "7d"},
	} {
		got, err := ParseDuration(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if s := FormatDuration(got); s != c.out {
			t.Errorf("FormatDuration(%v) = %q, want %q", got, s, c.out)
		}
	}
	for _, bad := range []string{"", "d", "-1d", "+1d", "1.5d", "30", "30 d", "-1h", "100001d", "99999999999999999999d", "1y"} {
		if d, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) = %v, no error", bad, d)
		}
	}
}
