package bot

import "crypto/rand"

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// pageIDLen is the length of every page id: NewPageID's 13 base62
// characters for fix pages, "c" and 12 for check pages (flows.Flow.CheckID).
const pageIDLen = 13

// IsPageID reports whether id has the shape of a page id, so that
// anything else can be refused without a lookup.
func IsPageID(id string) bool {
	if len(id) != pageIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// NewPageID returns a random, URL-safe page id: 13 base62 characters,
// about 77 bits, short enough for an SMS and never sequential.
func NewPageID() string {
	out := make([]byte, 0, 13)
	var buf [32]byte
	for len(out) < cap(out) {
		rand.Read(buf[:]) // never returns an error (crypto/rand contract)
		for _, b := range buf {
			if b < 248 && len(out) < cap(out) { // 248 = 4*62: no modulo bias
				out = append(out, idAlphabet[b%62])
			}
		}
	}
	return string(out)
}
