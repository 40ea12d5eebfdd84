package main_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/internal/stacktest"
)

// chatDB writes a database with a conversation from each of n numbers
// through the textfix binary's chat, and returns its path.
func chatDB(t *testing.T, n int) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "textfix.db")
	for i := range n {
		cmd := exec.Command(textfixBinary(t), "chat", "--db", db, "--from", fmt.Sprintf("+1555555%04d", i))
		cmd.Stdin = strings.NewReader(fmt.Sprintf("claude code 403 zebra%04dkumquat\nI use an api key\ncurl says 403 too\nit said region not supported\n", i))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("chat: %v\n%s", err, out)
		}
	}
	return db
}

// A damaged database stops textfix serve at start with one line that
// says what is wrong and how to restore: no panic, no SIGBUS, exit 1.
// Truncated to 8 KiB and to half of its pages, an empty file, and 200
// flipped bits (refused, or, where the flips hit only values, served
// with the damaged texts failing alone).
func TestDamagedFileProcess(t *testing.T) {
	bin := textfixBinary(t)
	good := chatDB(t, 20)
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	used := usedBytes(t, good)
	flip := func(seed uint64) []byte {
		b := bytes.Clone(raw)
		r := rand.New(rand.NewPCG(seed, 7))
		for range 200 {
			i := r.IntN(int(used) * 8) // within the pages in use, not the room bbolt grew into
			b[i/8] ^= 1 << (i % 8)
		}
		return b
	}
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"8 KiB", "truncated: 8192 bytes", raw[:8<<10]},
		{"half", "truncated", raw[:used/2]},
		{"empty", "empty: 0 bytes", []byte{}},
		{"200 flipped bits", "", flip(1)},
		{"200 other flipped bits", "", flip(2)},
		{"200 more flipped bits", "", flip(3)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "textfix.db")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "serve")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TEXTFIX_ADDR=127.0.0.1:0", "TEXTFIX_DB=" + path}
			var stderr stacktest.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err := <-exited:
				lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
				last := lines[len(lines)-1]
				if cmd.ProcessState.ExitCode() != 1 || strings.Contains(stderr.String(), "panic") || strings.Contains(stderr.String(), "SIGBUS") ||
					!strings.HasPrefix(last, "textfix: store: "+path+" is damaged (") || !strings.Contains(last, tc.want) ||
					!strings.HasSuffix(last, "restore from backup with `textfix restore`") || strings.Contains(last, "2b313535") {
					t.Errorf("exit %v:\n%s", err, stderr.String())
				}
				t.Logf("refused: %s", last)
			case <-time.After(90 * time.Second):
				// Open's check is bounded at 20 s; a loaded CI machine
				// running -race has taken more than 30 s to start on a
				// flipped-bit file.
				_ = cmd.Process.Kill()
				t.Fatalf("still running after 90 s:\n%s", stderr.String())
			case <-waitListening(&stderr):
				if tc.want != "" {
					_ = cmd.Process.Kill()
					t.Fatalf("a damaged file was served:\n%s", stderr.String())
				}
				// Served: every text gets an answer, failing or not, and the
				// process lives on.
				addr := listenRE.FindStringSubmatch(stderr.String())[1]
				p := &proc{addr: addr}
				failed := 0
				for i := range 20 {
					code, err := p.text(fmt.Sprintf("+1555555%04d", i), fmt.Sprintf("SMflip%d", i), "back")
					if err != nil {
						t.Fatalf("text %d: %v (the process died?)\n%s", i, err, stderr.String())
					}
					if code != http.StatusOK {
						failed++
					}
				}
				resp, err := http.Get("http://" + addr + "/healthz")
				if err != nil {
					t.Fatalf("healthz: %v", err)
				}
				resp.Body.Close()
				t.Logf("served with flipped bits in values: %d of 20 texts failed, healthz %d", failed, resp.StatusCode)
				_ = cmd.Process.Kill()
				if err := <-exited; err == nil {
					t.Error("the killed server exited cleanly")
				}
			}
		})
	}
}

// waitListening closes its channel once stderr says the server listens.
func waitListening(stderr *stacktest.Buffer) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		for range 300 {
			if listenRE.MatchString(stderr.String()) {
				close(ch)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return ch
}

// usedBytes is how much of a closed bbolt file its pages use.
func usedBytes(t *testing.T, path string) int64 {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int64
	_ = b.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// A corrupt record found while serving fails that text with 500, not the
// process: the next number is answered, and /healthz says ok.
func TestCorruptRecordFailsOneTextProcess(t *testing.T) {
	path := chatDB(t, 2)
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("numbers")).Put([]byte("+15555550000\x00c"), []byte("\x01garbage that is no conversation"))
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	p := start(t, "TEXTFIX_DB="+path)
	if code, err := p.text("+15555550000", "SMbad1", "back"); err != nil || code != http.StatusInternalServerError {
		t.Errorf("the corrupt number's text: %d %v, want 500", code, err)
	}
	if code, err := p.text("+15555550001", "SMgood1", "back"); err != nil || code != http.StatusOK {
		t.Errorf("another number's text: %d %v, want 200", code, err)
	}
	resp, err := http.Get("http://" + p.addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("healthz after a corrupt record: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
}
