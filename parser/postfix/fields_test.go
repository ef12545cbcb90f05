package postfix

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// refField is the field lookup scanDelivery replaced: the value of the
// first ", name" in head, up to the next ", ".
func refField(head []byte, name string) []byte {
	i := bytes.Index(head, []byte(name))
	if i < 0 {
		return nil
	}
	v := head[i+len(name):]
	if j := bytes.Index(v, []byte(", ")); j >= 0 {
		v = v[:j]
	}
	return v
}

// TestScanDeliveryFields compares scanDelivery's one-pass field scan with
// refField on lines made of random fragments: repeated, empty and
// misplaced fields, commas without spaces, "status=" inside values.
func TestScanDeliveryFields(t *testing.T) {
	frags := []string{", ", ",", " ", "orig_to=<O@x>", "relay=r.example[1.2.3.4]:25", "relay=none", "dsn=5.1.1", "dsn=",
		"delay=1", "delays=0/0/0/0", "status=sent (ok)", "status=deferred (a, b)", ", status=", "x", "-", ",,", ", ,", "orig_to=", "<a>"}
	rng := rand.New(rand.NewPCG(5, 7))
	r := NewReader(strings.NewReader(""), "f", Options{Year: 2026})
	for n := range 200000 {
		var b strings.Builder
		b.WriteString("to=<a@b>")
		for range rng.IntN(12) {
			b.WriteString(frags[rng.IntN(len(frags))])
		}
		if rng.IntN(4) > 0 {
			b.WriteString(", status=sent (ok)")
		}
		rest := []byte(b.String())
		var rec record
		err := r.scanDelivery(&rec, []byte("QID12"), rest)
		_, after := addrField(rest[len("to="):])
		si := bytes.Index(after, []byte(", status="))
		if si < 0 {
			if err == nil {
				t.Fatalf("%q: no error without status=", rest)
			}
			continue
		}
		if err != nil || rec.kind != recDelivery {
			continue // unknown status word: not about fields
		}
		head := after[:si+2]
		for _, f := range []struct {
			name      string
			got, want []byte
		}{
			{"orig_to", rec.orig, refField(head, ", orig_to=")},
			{"relay", rec.relay, refField(head, ", relay=")},
			{"dsn", rec.dsn, refField(head, ", dsn=")},
		} {
			if (f.got == nil) != (f.want == nil) || !bytes.Equal(f.got, f.want) {
				t.Fatalf("line %d %q: %s = %q, want %q", n, rest, f.name, f.got, f.want)
			}
		}
	}
}
