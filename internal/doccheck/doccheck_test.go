// Package doccheck holds one test: every identifier of textfix that a doc
// names must exist. Docs drift when code moves (a comment describing a
// removed DB.Apply, a README naming a function that was renamed); this
// test catches the names, not the prose.
//
// It reads doc links in Go comments ([Name], [pkg.Name], [pkg.Type.Method],
// [*pkg.Type]) and backticked pkg.Name references in comments and in the
// Markdown files, for textfix's own packages, and checks each against the
// package's declarations (types, functions, methods, fields, constants and
// variables). Names of other modules (bolt.DB, echo.Context) are not
// checked.
package doccheck_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// root is the repository, two levels up from this package.
const root = "../.."

// decls are a package's names: "Name" for top-level declarations and
// "Type.Member" for methods and struct fields.
type decls map[string]bool

// skipDir reports directories that hold no textfix code to check.
func skipDir(rel string) bool {
	base := filepath.Base(rel)
	return strings.HasPrefix(base, ".") || base == "testdata" || base == "third_party" || base == "node_modules"
}

// load parses every Go file of the repository: per package name, its
// declarations (non-test files), and every comment of every file.
func load(t *testing.T) (map[string]decls, map[string]string, []*ast.CommentGroup, *token.FileSet, map[*ast.CommentGroup]string) {
	t.Helper()
	fset := token.NewFileSet()
	pkgs := map[string]decls{}
	dirPkg := map[string]string{} // dir → package name
	var comments []*ast.CommentGroup
	owner := map[*ast.CommentGroup]string{} // comment → its package name
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel != "." && skipDir(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(f.Name.Name, "_test")
		for _, cg := range f.Comments {
			comments = append(comments, cg)
			owner[cg] = name
		}
		if strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dirPkg[filepath.Dir(rel)] = name
		ds := pkgs[name]
		if ds == nil {
			ds = decls{}
			pkgs[name] = ds
		}
		collect(f, ds)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs, dirPkg, comments, fset, owner
}

// collect adds f's declarations to ds.
func collect(f *ast.File, ds decls) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) == 0 {
				ds[d.Name.Name] = true
				continue
			}
			ds[recvName(d.Recv.List[0].Type)+"."+d.Name.Name] = true
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					ds[s.Name.Name] = true
					members(s.Name.Name, s.Type, ds)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						ds[n.Name] = true
					}
				}
			}
		}
	}
}

// members adds the fields of a struct type and the methods of an
// interface type as "Type.Member".
func members(typ string, e ast.Expr, ds decls) {
	var list *ast.FieldList
	switch e := e.(type) {
	case *ast.StructType:
		list = e.Fields
	case *ast.InterfaceType:
		list = e.Methods
	default:
		return
	}
	for _, f := range list.List {
		for _, n := range f.Names {
			ds[typ+"."+n.Name] = true
		}
		if len(f.Names) == 0 { // embedded: its name is the type's
			ds[typ+"."+recvName(f.Type)] = true
		}
	}
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.Ident:
		return e.Name
	}
	return ""
}

var (
	// A doc link: [Name], [pkg.Name], [pkg.Type.Member], [*pkg.Type].
	docLink = regexp.MustCompile(`\[\*?([a-z][a-z0-9]*\.)?([A-Z][A-Za-z0-9_]*)(\.[A-Z][A-Za-z0-9_]*)?\]`)
	// A backticked reference to a package's name: `pkg.Name` or `pkg.Type.Member`.
	ticked = regexp.MustCompile("`\\*?([a-z][a-z0-9]*)\\.([A-Z][A-Za-z0-9_]*)(\\.[A-Z][A-Za-z0-9_]*)?")
)

// exists reports whether pkg declares name (and member, when not "").
// A member that is a method of an embedded type is not resolved; the type
// existing is enough then.
func exists(ds decls, name, member string) bool {
	if !ds[name] {
		return false
	}
	if member == "" || ds[name+"."+member] {
		return true
	}
	for k := range ds { // embedded types: accept a member the type may promote
		if typ, emb, ok := strings.Cut(k, "."); ok && typ == name && ds[emb] {
			if ds[emb+"."+member] {
				return true
			}
		}
	}
	return false
}

func TestDocsNameIdentifiersThatExist(t *testing.T) {
	pkgs, _, comments, fset, owner := load(t)
	var bad []string
	check := func(where, pkg, name, member string) {
		ds, ours := pkgs[pkg]
		if !ours {
			return // another module's package, or not a package
		}
		if !exists(ds, name, member) {
			ref := pkg + "." + name
			if member != "" {
				ref += "." + member
			}
			bad = append(bad, where+": "+ref)
		}
	}
	for _, cg := range comments {
		text := cg.Text()
		where := fset.Position(cg.Pos()).String()
		for _, m := range docLink.FindAllStringSubmatch(text, -1) {
			pkg := strings.TrimSuffix(m[1], ".")
			if pkg == "" {
				pkg = owner[cg]
			}
			check(where, pkg, m[2], strings.TrimPrefix(m[3], "."))
		}
		for _, m := range ticked.FindAllStringSubmatch(text, -1) {
			check(where, m[1], m[2], strings.TrimPrefix(m[3], "."))
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel != "." && skipDir(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".md") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range ticked.FindAllStringSubmatch(line, -1) {
				check(rel+":"+itoa(i+1), m[1], m[2], strings.TrimPrefix(m[3], "."))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("names an identifier that does not exist: %s", b)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
