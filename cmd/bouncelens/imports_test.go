package main

import (
	"os/exec"
	"strings"
	"testing"
)

// allowedImports lists, per package, the bouncelens packages it may import:
// data flows parser -> classify -> store -> report and imports point
// upstream. A package not listed may import no bouncelens package.
var allowedImports = map[string][]string{
	"bouncelens/parser/dsn":      {"bouncelens/parser", "bouncelens/parser/mbox", "bouncelens/parser/smtpcode"},
	"bouncelens/parser/postfix":  {"bouncelens/parser", "bouncelens/parser/smtpcode"},
	"bouncelens/classify":        {"bouncelens/parser/smtpcode"},
	"bouncelens/classify/policy": {"bouncelens/classify", "bouncelens/parser"},
	"bouncelens/store":           {"bouncelens/parser", "bouncelens/classify"},
	"bouncelens/report":          {"bouncelens/parser", "bouncelens/classify", "bouncelens/classify/catalog", "bouncelens/classify/policy", "bouncelens/store"},
	"bouncelens/cmd/bouncelens":  {"*"},
	"bouncelens/cmd/benchscan":   {"bouncelens/cmd/internal/benchutil"},
	"bouncelens/cmd/benchdecode": {"bouncelens/cmd/internal/benchutil"},
}

func TestImportDirections(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "bouncelens/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		allowed := map[string]bool{}
		for _, a := range allowedImports[pkg] {
			allowed[a] = true
		}
		if allowed["*"] {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if strings.HasPrefix(imp, "bouncelens/") && !allowed[imp] && !strings.HasPrefix(imp, pkg+"/") {
				t.Errorf("%s imports %s, which the layout does not allow", pkg, imp)
			}
		}
	}
}
