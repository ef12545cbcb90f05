package catalog

import (
	"bufio"
	"os"
	"regexp"
	"testing"
)

// reference is smtp-codes.md in the shared checkout next to the repository.
const reference = "../../../shared/reference/smtp-codes.md"

// TestEveryCodeOfTheReference checks that each code heading of the
// reference has an entry, in document order.
func TestEveryCodeOfTheReference(t *testing.T) {
	f, err := os.Open(reference)
	if err != nil {
		t.Skipf("reference not available: %v", err)
	}
	defer f.Close()
	heading := regexp.MustCompile(`^### (\d{3}|X\.\d{1,3}\.\d{1,3}|[245]\.\d{1,3}\.\d{1,3})$`)
	var codes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := heading.FindStringSubmatch(sc.Text()); m != nil {
			codes = append(codes, m[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	all := All()
	if len(all) != len(codes) {
		t.Errorf("catalog has %d entries, reference has %d codes", len(all), len(codes))
	}
	for i, c := range codes {
		e, ok := Lookup(c)
		if !ok || e.Code != c {
			t.Errorf("Lookup(%q) = %q, %v; want the entry itself", c, e.Code, ok)
		}
		if i < len(all) && all[i].Code != c {
			t.Errorf("All()[%d] = %s, want %s (document order)", i, all[i].Code, c)
		}
	}
}

func TestEntriesComplete(t *testing.T) {
	all := All()
	if len(all) < 140 {
		t.Fatalf("only %d entries", len(all))
	}
	for _, e := range all {
		if e.Title == "" || e.Meaning == "" || e.Fix == "" || e.Severity == "" || e.Action == "" {
			t.Errorf("%s: empty title, meaning, fix, severity or action: %+v", e.Code, e)
		}
		switch {
		case e.Kind == Basic && len(e.Code) == 3 && e.BasicCodes == "":
		case e.Kind == Enhanced && len(e.Code) >= 5 && e.BasicCodes != "":
		default:
			t.Errorf("%s: kind %q with basic-codes %q", e.Code, e.Kind, e.BasicCodes)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		in, want string // want is the entry's code, "" for no entry
	}{
		{"551", "551"},
		{" 550 ", "550"},
		{"251", "251"},
		{"523", "523"},
		{"5.1.6", "X.1.6"},
		{"4.1.6", "X.1.6"},
		{"X.1.6", "X.1.6"},
		{"x.1.6", "X.1.6"},
		{"5.01.06", "X.1.6"},
		{"5.1.10", "X.1.10"},
		{"2.0.0", "X.0.0"},
		{"4.7.30", "X.7.30"},
		{"5.7.515", "5.7.515"}, // vendor code, class-specific
		{"X.7.515", "5.7.515"},
		{"4.7.500", "4.7.500"},
		{"X.7.500", "4.7.500"},
		{"4.7.515", ""}, // only listed for class 5, and no X.7.515
		{"5.7.999", ""},
		{"599", ""},
		{"650", ""},
		{"55", ""},
		{"5.1", ""},
		{"3.1.1", ""},
		{"5.1.1.1", ""},
		{"5.1.1000", ""},
		{"", ""},
		{"abc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, ok := Lookup(tt.in)
			if ok != (tt.want != "") || e.Code != tt.want {
				t.Errorf("Lookup(%q) = %q, %v; want %q", tt.in, e.Code, ok, tt.want)
			}
		})
	}
}

func TestPerClass(t *testing.T) {
	e, ok := Lookup("5.1.6")
	if !ok {
		t.Fatal("no X.1.6")
	}
	tests := []struct {
		class         byte
		sever, action string
	}{
		{'5', "hard", "suppress"},
		{'4', "soft", "retry"},
		{'2', "", ""},
	}
	for _, tt := range tests {
		if got := e.SeverityFor(tt.class); got != tt.sever {
			t.Errorf("SeverityFor(%c) = %q, want %q", tt.class, got, tt.sever)
		}
		if got := e.ActionFor(tt.class); got != tt.action {
			t.Errorf("ActionFor(%c) = %q, want %q", tt.class, got, tt.action)
		}
	}
	b, _ := Lookup("551")
	if got := b.SeverityFor('5'); got != "hard" {
		t.Errorf("551 SeverityFor = %q, want hard", got)
	}
}

func TestAllIsACopy(t *testing.T) {
	a := All()
	a[0].Title = "changed"
	if All()[0].Title == "changed" {
		t.Error("All returns the shared slice")
	}
}
