package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/i18n"
)

// keyPattern finds dotted string literals in Go code and templates; those whose
// first part is a catalog prefix ("error.", "plan.", …) are translation keys.
var keyPattern = regexp.MustCompile(`"([a-z0-9]+\.[a-z0-9_.]+)"`)

// TestEveryUsedKeyIsTranslated fails when code or a template uses a key that
// either catalog lacks, so a missing translation never reaches a visitor.
func TestEveryUsedKeyIsTranslated(t *testing.T) {
	cat := i18n.MustLoad()
	prefixes := map[string]bool{}
	for _, k := range cat.Keys("sv") {
		p, _, _ := strings.Cut(k, ".")
		prefixes[p] = true
	}
	root := filepath.Join("..")
	seen := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "data") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".html")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range keyPattern.FindAllStringSubmatch(string(b), -1) {
			if p, _, _ := strings.Cut(m[1], "."); prefixes[p] {
				seen[m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 50 {
		t.Fatalf("found only %d keys; is the pattern broken?", len(seen))
	}
	for key, path := range seen {
		if strings.HasSuffix(key, ".") {
			continue // a prefix that code completes, such as "phase.desc."
		}
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, key) && !cat.IsPlural(lang, key) { // a counted message has its forms (i18n.N)
				t.Errorf("%s uses %q, missing in %s.json", path, key, lang)
			}
		}
	}
}
