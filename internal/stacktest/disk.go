package stacktest

import (
	"os"
	"path/filepath"
	"testing"
)

// FillDisk writes a file into dir until the file system holding it is
// full, and returns the file's path: removing it frees the space again.
func FillDisk(t testing.TB, dir string) string {
	t.Helper()
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filepath.Clean(filler))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	_ = f.Close() // the disk is full: its last write failed anyway
	return filler
}
