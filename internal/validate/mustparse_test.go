package validate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// testSupport are the packages that only tests and tools run: a panic there
// never reaches a user's plan.
var testSupport = []string{"internal/testbed", "internal/charttest", "internal/buildtest", "internal/z2jhtest", "internal/cmd", "tools"}

// TestNoMustParseOnInput: no code the provider runs calls a MustParse on
// anything but a literal, so a bad value from a configuration is a
// diagnostic, never a crash (quantities go through ParseQuantity in this package).
func TestNoMustParseOnInput(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			for _, skip := range testSupport {
				if rel == skip {
					return filepath.SkipDir
				}
			}
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !strings.HasPrefix(sel.Sel.Name, "MustParse") {
				return true
			}
			for _, arg := range call.Args {
				if _, literal := arg.(*ast.BasicLit); !literal {
					t.Errorf("%s: %s on a value that is not a literal panics on bad input; parse it and return a diagnostic",
						fset.Position(call.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("read only %d Go files under %s: the walk is broken", files, root)
	}
}
