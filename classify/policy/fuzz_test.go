package policy

import (
	"strings"
	"testing"
)

// FuzzParsePolicy: any file either fails with an error naming it, or gives
// a valid policy that Config writes back to the same policy.
func FuzzParsePolicy(f *testing.F) {
	d := Default()
	f.Add([]byte(d.Config()))
	f.Add([]byte("soft-limit = 3\nsoft-span = 0\nsoft-window = 30d\n"))
	f.Add([]byte("# comment\n\nincident-share = 0.5 # x\n"))
	f.Add([]byte("suspend-window = 5d\n"))
	f.Add([]byte("hard-limit = = 1\r\n"))
	f.Add([]byte("weak-hard-span = 1h30m\nauto-reply-window = 2w\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy("fuzz.conf", data, Default())
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.conf") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("ParsePolicy accepted an invalid policy: %v", err)
		}
		again, err := ParsePolicy("config", []byte(p.Config()), Policy{})
		if err != nil {
			t.Fatalf("Config does not parse: %v\n%s", err, p.Config())
		}
		if again != p {
			t.Fatalf("round trip changed the policy:\n%+v\n%+v", p, again)
		}
	})
}
