package postfix

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPostfixFields checks the fast way through a delivery line's fields
// (postfixFields) against the general one (scanFields) on lines made of
// Postfix's fields in Postfix's order, with values that bend the format:
// commas, spaces, "status=" and field names inside them, missing and empty
// values.
func TestPostfixFields(t *testing.T) {
	values := []string{"", "1", "0.35", "0.2/0.04/0.35/0.75", "x", "1,2", "1, 2", "1 ,2", "status=sent", ", status=x",
		"mx.example.net[192.0.2.1]:25", "none", "local", "<a@b>", "<a, b@c>", "2.0.0", "5.1.1", ",", ", ", "dsn=1", "relay=r"}
	names := []string{"orig_to", "relay", "conn_use", "delay", "delays", "dsn"}
	rng := rand.New(rand.NewPCG(3, 9))
	fast := 0
	for n := range 300000 {
		var b strings.Builder
		for _, name := range names {
			if rng.IntN(8) == 0 && name != "relay" {
				continue
			}
			b.WriteString(", ")
			if rng.IntN(50) == 0 {
				b.WriteString(names[rng.IntN(len(names))]) // out of order
			} else {
				b.WriteString(name)
			}
			b.WriteString("=")
			if v := values[rng.IntN(len(values))]; rng.IntN(4) == 0 {
				b.WriteString(v)
			} else {
				b.WriteString(values[rng.IntN(4)]) // well-formed
			}
		}
		b.WriteString([]string{", status=sent (ok)", ", status=", ",status=sent", ", status", ""}[rng.IntN(5)])
		after := []byte(b.String())
		orig, relay, dsn, si, ok := postfixFields(after)
		if !ok {
			continue
		}
		fast++
		o, r, d, s := scanFields(after)
		for _, f := range []struct {
			name      string
			got, want []byte
		}{{"orig_to", orig, o}, {"relay", relay, r}, {"dsn", dsn, d}} {
			if (f.got == nil) != (f.want == nil) || !bytes.Equal(f.got, f.want) {
				t.Fatalf("%d %q: %s = %q, want %q", n, after, f.name, f.got, f.want)
			}
		}
		if si != s {
			t.Fatalf("%d %q: status at %d, want %d", n, after, si, s)
		}
	}
	if fast < 10000 {
		t.Errorf("only %d lines took the fast way", fast)
	}
}
