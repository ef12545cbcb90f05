package dsn

import (
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHeaderKeysCanonical checks that the decoders look header fields up by
// their canonical name: any other spelling costs an allocation per lookup,
// on every message that detection tries.
func TestHeaderKeysCanonical(t *testing.T) {
	keys := regexp.MustCompile(`\.(?:Has|Get|Values)\("([^"]+)"\)`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keys.FindAllStringSubmatch(string(src), -1) {
			if c := textproto.CanonicalMIMEHeaderKey(m[1]); c != m[1] {
				t.Errorf("%s: header field %q, canonically %q", f, m[1], c)
			}
		}
	}
	for _, h := range office365CloudHeaders {
		if c := textproto.CanonicalMIMEHeaderKey(h); c != h {
			t.Errorf("office365CloudHeaders: %q, canonically %q", h, c)
		}
	}
}
