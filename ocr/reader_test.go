package ocr_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/textfix/textfix/ocr"
)

// missing skips the test when a tool it needs is not installed, or fails
// it under CI=true, where .ci/run installs them.
func missing(t testing.TB, what, install string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; CI must install it (.ci/run: apt-get install %s)", what, install)
	}
	t.Skipf("%s is not installed: apt-get install %s to run the picture tests", what, install)
}

// newReader returns a Reader, or skips (fails under CI) without tesseract.
func newReader(t testing.TB) *ocr.Reader {
	t.Helper()
	r, err := ocr.New(ocr.Config{Timeout: time.Minute})
	if errors.Is(err, ocr.ErrNoTesseract) {
		missing(t, "tesseract", "tesseract-ocr tesseract-ocr-eng")
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fakeTesseract writes a stand-in for the tesseract program: it lists
// langs (English unless told otherwise), prints a version, and for a
// reading checks that it was asked to read stdin to stdout and got a PGM
// there, then runs body.
func fakeTesseract(t *testing.T, langs, body string) string {
	t.Helper()
	script := `#!/bin/sh
case "$1" in
--list-langs) printf 'List of available languages in "/fake/" (2):\n` + langs + `\n'; exit 0;;
--version) echo "tesseract 9.9.9-fake"; echo " leptonica-0"; exit 0;;
esac
if [ "$1" != stdin ] || [ "$2" != stdout ]; then echo "usage: $*" >&2; exit 2; fi
magic=$(head -c 2)
` + body + `
`
	path := filepath.Join(t.TempDir(), "tesseract")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// readsAll consumes the page and checks it is a PGM, as tesseract would.
const readsAll = `cat >/dev/null
if [ "$magic" != P5 ]; then echo "not a PGM" >&2; exit 3; fi
`

// smallPicture is a PNG of a page with one bar of ink.
func smallPicture(t testing.TB) []byte {
	t.Helper()
	g := image.NewGray(image.Rect(0, 0, 200, 80))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	draw.Draw(g, image.Rect(20, 30, 180, 44), image.Black, image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustNew(t *testing.T, cfg ocr.Config) *ocr.Reader {
	t.Helper()
	r, err := ocr.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func TestNewWithoutTesseract(t *testing.T) {
	for name, cfg := range map[string]ocr.Config{
		"not installed": {Tesseract: filepath.Join(t.TempDir(), "tesseract")},
		"no English":    {Tesseract: fakeTesseract(t, "osd", readsAll)},
	} {
		_, err := ocr.New(cfg)
		if !errors.Is(err, ocr.ErrNoTesseract) {
			t.Errorf("%s: New: %v, want ErrNoTesseract", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "tesseract-ocr") {
			t.Errorf("%s: %q does not say what to install", name, err)
		}
	}
}

func TestRead(t *testing.T) {
	r := mustNew(t, ocr.Config{Tesseract: fakeTesseract(t, "eng\nosd", readsAll+`cat <<'EOF'
╭──────────────────────────╮
│ ✻ Welcome to Claude Code! │
╰──────────────────────────╯

> fix the tests

● API Error: 403 {"type":"error","error":{"type":"permission error","message":"Request not allowed"}}
EOF`)})
	if v := r.Version(); v != "tesseract 9.9.9-fake" {
		t.Errorf("Version = %q", v)
	}
	res, err := r.Read(context.Background(), smallPicture(t))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	wantText := "✻ Welcome to Claude Code!\nfix the tests\n" +
		`● API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Request not allowed"}}`
	if res.Text != wantText {
		t.Errorf("Text = %q\nwant %q", res.Text, wantText)
	}
	if want := `403 permission_error "Request not allowed"`; res.Summary != want {
		t.Errorf("Summary = %q, want %q", res.Summary, want)
	}
}

func TestReadRefuses(t *testing.T) {
	heic := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 100)...)
	cases := []struct {
		name    string
		script  string
		cfg     ocr.Config
		picture []byte
		want    error
	}{
		{"too many bytes", readsAll + "echo never", ocr.Config{MaxBytes: 100}, smallPicture(t), ocr.ErrTooLarge},
		{"too many pixels", readsAll + "echo never", ocr.Config{MaxPixels: 200*80 - 1}, smallPicture(t), ocr.ErrTooLarge},
		{"HEIC", readsAll + "echo never", ocr.Config{}, heic, ocr.ErrUnsupported},
		{"not a picture", readsAll + "echo never", ocr.Config{}, []byte("<html>"), ocr.ErrUnsupported},
		{"damaged", readsAll + "echo never", ocr.Config{}, smallPicture(t)[:50], ocr.ErrUnreadable},
		{"tesseract fails", readsAll + "echo 'Error in pixReadMem' >&2; exit 1", ocr.Config{}, smallPicture(t), ocr.ErrUnreadable},
		{"nothing worth reading", readsAll + "printf '|  ~\\n—— ——\\n'", ocr.Config{}, smallPicture(t), ocr.ErrNoText},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Tesseract = fakeTesseract(t, "eng", c.script)
			_, err := mustNew(t, c.cfg).Read(context.Background(), c.picture)
			if !errors.Is(err, c.want) {
				t.Errorf("Read: %v, want %v", err, c.want)
			}
		})
	}
}

// A reading that takes too long is stopped: the tesseract process is
// killed, not left behind.
func TestReadTimeoutKillsTesseract(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	r := mustNew(t, ocr.Config{
		Tesseract: fakeTesseract(t, "eng", `echo $$ > `+pidFile+`
exec sleep 30`),
		Timeout: 300 * time.Millisecond,
	})
	start := time.Now()
	_, err := r.Read(context.Background(), smallPicture(t))
	if !errors.Is(err, ocr.ErrTimeout) {
		t.Fatalf("Read: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Read returned after %v", d)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("tesseract (pid %d) still there: kill -0 says %v", pid, err)
	}
}

func TestReadCancelled(t *testing.T) {
	r := mustNew(t, ocr.Config{Tesseract: fakeTesseract(t, "eng", "exec sleep 30")})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := r.Read(ctx, smallPicture(t))
	if !errors.Is(err, context.Canceled) || errors.Is(err, ocr.ErrTimeout) {
		t.Errorf("Read: %v, want context.Canceled", err)
	}
}

// Beyond the workers and the queue, Read refuses at once.
func TestReadBusy(t *testing.T) {
	r := mustNew(t, ocr.Config{
		Tesseract: fakeTesseract(t, "eng", readsAll+"sleep 1; echo 'API Error: 529 Overloaded'"),
		Workers:   1, Queue: 1,
	})
	pic := smallPicture(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { _, errs[i] = r.Read(context.Background(), pic) })
	}
	time.Sleep(300 * time.Millisecond) // one reading, one waiting
	start := time.Now()
	_, err := r.Read(context.Background(), pic)
	if !errors.Is(err, ocr.ErrBusy) {
		t.Errorf("third Read: %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("ErrBusy took %v", d)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Read %d: %v", i, err)
		}
	}
	// Room again.
	if _, err := r.Read(context.Background(), pic); err != nil {
		t.Errorf("Read after the others: %v", err)
	}
}

// TestReadsText runs the real tesseract on a line drawn in Go's built-in
// bitmap font, enlarged: the whole path, without a browser.
func TestReadsText(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tesseract")
	}
	r := newReader(t)
	const line = `API Error: 403 {"type":"permission_error"}`
	small := image.NewGray(image.Rect(0, 0, 7*len(line)+20, 30))
	draw.Draw(small, small.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: small, Src: image.Black, Face: basicfont.Face7x13, Dot: fixed.P(10, 20)}
	d.DrawString(line)
	// Four times larger, as a screen at a phone's scale shows it.
	big := image.NewGray(image.Rect(0, 0, 4*small.Bounds().Dx(), 4*small.Bounds().Dy()))
	for y := range big.Bounds().Dy() {
		for x := range big.Bounds().Dx() {
			big.Pix[y*big.Stride+x] = small.Pix[(y/4)*small.Stride+x/4]
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, big); err != nil {
		t.Fatal(err)
	}
	res, err := r.Read(context.Background(), b.Bytes())
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	t.Logf("read %q, summary %q", res.Text, res.Summary)
	if !strings.Contains(res.Text, "403") || !strings.Contains(res.Text, "permission_error") {
		t.Errorf("read %q, want the 403 and permission_error", res.Text)
	}
}
