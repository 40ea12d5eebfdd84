package bot

import "crypto/rand"

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

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
