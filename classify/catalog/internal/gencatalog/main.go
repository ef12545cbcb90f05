// Command gencatalog turns the code blocks of smtp-codes.md into
// classify/catalog/codes.tsv. It is run by go generate in classify/catalog and
// is not needed to build or test bouncelens.
//
// Usage:
//
//	go run ./internal/gencatalog [-doc path/to/smtp-codes.md] [-o codes.tsv]
//
// A relative -doc is resolved against the repository root (the directory
// holding go.mod); -o is relative to the working directory.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// heading is the code heading pattern of smtp-codes.md section 0.
var heading = regexp.MustCompile(`^### (\d{3}|X\.\d{1,3}\.\d{1,3}|[245]\.\d{1,3}\.\d{1,3})$`)

// keys are the block keys in output order; basic-codes only occurs in
// enhanced blocks.
var keys = []string{"title", "class", "severity", "source", "basic-codes", "meaning", "when", "fix", "action", "related"}

// header is the first line of codes.tsv.
var header = "code\tkind\t" + strings.Join(keys, "\t")

func main() {
	doc := flag.String("doc", "../shared/reference/smtp-codes.md", "smtp-codes.md; relative paths start at the repository root")
	out := flag.String("o", "codes.tsv", "output file")
	flag.Parse()
	if err := run(*doc, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

func run(doc, out string) error {
	if !filepath.IsAbs(doc) {
		root, err := repoRoot()
		if err != nil {
			return err
		}
		doc = filepath.Join(root, doc)
	}
	f, err := os.Open(doc)
	if err != nil {
		return err
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := generate(&buf, f); err != nil {
		return fmt.Errorf("%s: %w", doc, err)
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// repoRoot returns the nearest directory at or above the working directory
// that holds a go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// generate reads smtp-codes.md from r and writes the TSV to w: a header line,
// then one line per code block in document order.
func generate(w io.Writer, r io.Reader) error {
	blocks, err := parse(r)
	if err != nil {
		return err
	}
	if len(blocks) == 0 {
		return errors.New("no code blocks found")
	}
	fmt.Fprintln(w, header)
	for _, b := range blocks {
		kind := "enhanced"
		if len(b.code) == 3 {
			kind = "basic"
		}
		fields := []string{b.code, kind}
		for _, k := range keys {
			fields = append(fields, clean(b.fields[k]))
		}
		fmt.Fprintln(w, strings.Join(fields, "\t"))
	}
	return nil
}

type block struct {
	code   string
	line   int
	fields map[string]string
}

// parse returns the code blocks of the document. A block is a code heading
// followed by "- key: value" lines; it ends at the next heading.
func parse(r io.Reader) ([]block, error) {
	var blocks []block
	var cur *block
	seen := map[string]int{}
	finish := func() error {
		if cur == nil {
			return nil
		}
		for _, k := range keys {
			if k == "basic-codes" && len(cur.code) == 3 {
				continue
			}
			if _, ok := cur.fields[k]; !ok {
				return fmt.Errorf("line %d: code %s has no %q", cur.line, cur.code, k)
			}
		}
		blocks = append(blocks, *cur)
		cur = nil
		return nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \r")
		if strings.HasPrefix(line, "#") {
			if err := finish(); err != nil {
				return nil, err
			}
			if m := heading.FindStringSubmatch(line); m != nil {
				if prev, dup := seen[m[1]]; dup {
					return nil, fmt.Errorf("line %d: code %s already defined on line %d", n, m[1], prev)
				}
				seen[m[1]] = n
				cur = &block{code: m[1], line: n, fields: map[string]string{}}
			}
			continue
		}
		if cur == nil || !strings.HasPrefix(line, "- ") {
			continue
		}
		k, v, ok := strings.Cut(line[2:], ":")
		if !ok {
			return nil, fmt.Errorf("line %d: %q is not a key: value line", n, line)
		}
		k = strings.TrimSpace(k)
		if !known(k) {
			return nil, fmt.Errorf("line %d: unknown key %q in code %s", n, k, cur.code)
		}
		if _, dup := cur.fields[k]; dup {
			return nil, fmt.Errorf("line %d: key %q repeated in code %s", n, k, cur.code)
		}
		cur.fields[k] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return blocks, nil
}

func known(k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// clean keeps a value on one TSV field: tabs and line breaks become spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
