package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

// Why a picture was not read. Errors from [New] and [Reader.Read] wrap
// one of them; test with errors.Is.
var (
	// ErrNoTesseract: the tesseract program, or its English data, is not
	// installed. Pictures cannot be read at all.
	ErrNoTesseract = errors.New("tesseract not found")
	// ErrBusy: every worker is reading and the queue is full. Nothing was
	// done; the picture may be tried again later.
	ErrBusy = errors.New("ocr busy")
	// ErrTooLarge: more bytes than Config.MaxBytes, or more pixels than
	// Config.MaxPixels (checked before decoding).
	ErrTooLarge = errors.New("picture too large")
	// ErrUnsupported: not a JPEG, PNG, GIF or WebP picture (HEIC
	// included).
	ErrUnsupported = errors.New("picture format not supported")
	// ErrUnreadable: the picture is damaged, or Tesseract failed on it.
	ErrUnreadable = errors.New("picture unreadable")
	// ErrTimeout: reading took longer than Config.Timeout; Tesseract was
	// stopped.
	ErrTimeout = errors.New("ocr timed out")
	// ErrNoText: the picture was read but holds no text worth keeping.
	ErrNoText = errors.New("no text in the picture")
)

// Config sets the bounds of a [Reader]. Zero values take the defaults.
type Config struct {
	// Tesseract is the program to run: a name looked up in PATH or a
	// path. Default "tesseract".
	Tesseract string
	// Workers is how many pictures are read at once. Default
	// runtime.GOMAXPROCS(0): Tesseract keeps one core busy per picture.
	Workers int
	// Queue is how many more pictures may wait for a worker; beyond it
	// Read fails at once with ErrBusy. Default 2 × Workers.
	Queue int
	// Timeout bounds one Read, from the call (queueing included) to the
	// text. Default 10 s.
	Timeout time.Duration
	// MaxBytes is the largest encoded picture accepted. Default 5 MB,
	// Twilio's limit for a message's media.
	MaxBytes int
	// MaxPixels is the largest decoded picture accepted, checked from the
	// header before decoding (a few kilobytes can claim gigapixels).
	// Default 40 million: a 48-megapixel phone photo is refused, a
	// 12-megapixel one or any screenshot is not.
	MaxPixels int
}

// Defaults of [Config].
const (
	DefaultTimeout   = 10 * time.Second
	DefaultMaxBytes  = 5 << 20
	DefaultMaxPixels = 40_000_000
)

// Reader reads the text in pictures of screens with Tesseract. It is
// safe for concurrent use; at most Config.Workers pictures are read at
// once.
type Reader struct {
	cfg     Config
	path    string // of tesseract
	version string
	slots   chan struct{}
	pending atomic.Int64 // reading or waiting
}

// New finds Tesseract and its English data and returns a Reader. Without
// them the error wraps [ErrNoTesseract] and says what to install; the
// server logs it once and answers pictures with words instead.
func New(cfg Config) (*Reader, error) {
	if cfg.Tesseract == "" {
		cfg.Tesseract = "tesseract"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Queue < 0 {
		return nil, fmt.Errorf("ocr: negative queue %d", cfg.Queue)
	}
	if cfg.Queue == 0 {
		cfg.Queue = 2 * cfg.Workers
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = DefaultMaxPixels
	}
	path, err := exec.LookPath(cfg.Tesseract)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w (%v): install tesseract-ocr and tesseract-ocr-eng", ErrNoTesseract, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := command(ctx, path, "--list-langs").Output()
	if err != nil {
		return nil, fmt.Errorf("ocr: %w: %s --list-langs: %v", ErrNoTesseract, path, err)
	}
	if !hasLine(string(out), "eng") {
		return nil, fmt.Errorf("ocr: %w: %s has no English data: install tesseract-ocr-eng", ErrNoTesseract, path)
	}
	v, _ := command(ctx, path, "--version").CombinedOutput()
	version, _, _ := strings.Cut(strings.TrimSpace(string(v)), "\n")
	return &Reader{cfg: cfg, path: path, version: version, slots: make(chan struct{}, cfg.Workers)}, nil
}

func hasLine(s, want string) bool {
	for line := range strings.Lines(s) {
		if strings.TrimSpace(line) == want {
			return true
		}
	}
	return false
}

// Version is Tesseract's own first line of --version, e.g. "tesseract 5.3.0".
func (r *Reader) Version() string { return r.version }

// Result is what was read in a picture.
type Result struct {
	// Text is the text read, cleaned by [Clean]: use it as if the person
	// had typed it.
	Text string
	// Summary is what to tell the person was read, from [Summarize]:
	// at most [MaxSummary] characters of printable ASCII.
	Summary string
}

// Read decodes a picture (JPEG, PNG, GIF or WebP), prepares it (grey,
// dark themes turned light, contrast, scale, skew) and reads its text
// with Tesseract. The picture goes to Tesseract through a pipe: it is
// never written to disk.
//
// Read returns ErrBusy at once when all workers are busy and the queue is
// full. It stops Tesseract and returns an error wrapping ErrTimeout after
// Config.Timeout, or ctx.Err() if ctx ends first. Other errors wrap
// ErrTooLarge, ErrUnsupported, ErrUnreadable or ErrNoText.
func (r *Reader) Read(ctx context.Context, picture []byte) (Result, error) {
	if len(picture) > r.cfg.MaxBytes {
		return Result{}, fmt.Errorf("ocr: %w: %d bytes, limit %d", ErrTooLarge, len(picture), r.cfg.MaxBytes)
	}
	if r.pending.Add(1) > int64(r.cfg.Workers+r.cfg.Queue) {
		r.pending.Add(-1)
		return Result{}, fmt.Errorf("ocr: %w: %d pictures in hand", ErrBusy, r.cfg.Workers+r.cfg.Queue)
	}
	defer r.pending.Add(-1)

	callCtx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	text, err := r.read(callCtx, picture)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return Result{}, fmt.Errorf("ocr: %w", ctx.Err())
	case callCtx.Err() != nil:
		return Result{}, fmt.Errorf("ocr: %w after %v", ErrTimeout, r.cfg.Timeout)
	default:
		return Result{}, fmt.Errorf("ocr: %w", err)
	}
	res := Result{Text: Clean(text)}
	if res.Text == "" {
		return Result{}, fmt.Errorf("ocr: %w", ErrNoText)
	}
	res.Summary = Summarize(res.Text)
	return res, nil
}

// read waits for a worker, then decodes, prepares and runs Tesseract.
func (r *Reader) read(ctx context.Context, picture []byte) (string, error) {
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-r.slots }()

	img, err := decode(picture, r.cfg.MaxPixels)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	page := prepare(img)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return r.tesseract(ctx, pgm(page.img))
}

// tesseractArgs read one page of English from stdin to stdout.
//
//   - --oem 1: the LSTM engine only (the legacy one is slower and worse
//     on screen fonts).
//   - --psm 6: the page is one block of text, read line by line across
//     its columns (a table's row stays one line). Tesseract's automatic
//     layout (--psm 3) took bold headings and text near dark shapes for
//     pictures and skipped them, and costs more time.
//   - --dpi 300: the pages are scaled so that text is the size of 10-pt
//     print at 300 dpi; saying so spares Tesseract its guess.
//   - tessedit_do_invert=0: the page is already dark on light, so
//     Tesseract need not try every line inverted (a large saving).
var tesseractArgs = []string{
	"stdin", "stdout",
	"-l", "eng", "--oem", "1", "--psm", "6", "--dpi", "300",
	"-c", "tessedit_do_invert=0",
}

// tesseract runs the program on a PGM page. The process is killed when
// ctx ends.
func (r *Reader) tesseract(ctx context.Context, page []byte) (string, error) {
	cmd := command(ctx, r.path, tesseractArgs...)
	cmd.Stdin = bytes.NewReader(page)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return "", fmt.Errorf("%w: tesseract: %v: %s", ErrUnreadable, err, msg)
	}
	return stdout.String(), nil
}

// command prepares a tesseract run: one thread (the Reader's workers are
// the parallelism), killed with ctx, and not waiting long for pipes after
// it is killed.
func command(ctx context.Context, path string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path, args...) //nolint:gosec // the tesseract found by LookPath or named by the operator
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.WaitDelay = time.Second
	return cmd
}
