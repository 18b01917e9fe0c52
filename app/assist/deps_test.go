package assist

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportsOnlyNotebook enforces architecture.md rule 1: of our own
// packages, assist imports only app/notebook (never app/store), and it is
// the one place go-openai is used.
func TestImportsOnlyNotebook(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(path, "fieldnotes/") && path != "fieldnotes/app/notebook" {
				t.Errorf("%s imports %s; assist may import only app/notebook of ours", name, path)
			}
		}
	}
}
