// Package ocr reads the text in a screenshot, or a phone photo of a
// screen, so that a person can text a picture of an error instead of
// typing it. It knows nothing about flows or Twilio: it turns bytes of a
// picture into text and a one-line summary of the error in it.
//
// # Basics
//
// [New] finds the tesseract program and its English data and returns a
// [Reader]; without them it fails with [ErrNoTesseract], and the server
// carries on without reading pictures. [Reader.Read] takes the bytes of a
// JPEG, PNG, GIF or WebP picture and returns a [Result]: the text, cleaned
// by [Clean] to stand in for a typed message, and a [Summarize] line for
// the reply ("403 permission_error \"Request not allowed\"").
//
// Before Tesseract sees it, a picture is prepared in Go: decoded, made
// grey, inverted if it is a dark theme, evened out (a photo's glare and
// the dark bezel around the screen become white page), stretched to full
// contrast, rid of shapes far larger than a letter (frames, rules, the
// bezel's edge), cropped to its text, scaled so that a line of text is
// about 34 pixels tall (never beyond 2600 pixels on the long side), and
// turned level when it is skewed by up to 8°, the angle found from the
// projection profile of its text.
//
// Work is bounded: at most Config.Workers pictures (default: the number
// of cores) are read at once, at most Config.Queue more wait, and beyond
// that Read fails at once with [ErrBusy]. Each Read has a deadline
// (Config.Timeout, 10 s) that kills Tesseract; pictures over
// Config.MaxBytes (5 MB) or claiming more than Config.MaxPixels (40
// million, read from the header before decoding) are refused with
// [ErrTooLarge].
//
// # Why the tesseract program
//
// The Go bindings (gosseract) need cgo and libtesseract's headers at build
// time; textfix builds as a static, pure-Go binary (CGO_ENABLED=0) and
// stays that way. Running the tesseract command costs a process start
// (about 50 ms, small beside recognition) and buys isolation: a picture
// that crashes or hangs Tesseract kills one process, not the server, and
// a deadline can always stop it. The prepared page goes to tesseract's
// standard input as an uncompressed PGM and the text comes back on its
// standard output: the picture is never written to disk, not even to a
// temporary file. Each process runs one thread (OMP_THREAD_LIMIT=1); the
// Reader's workers are the parallelism.
//
// # Caveats
//
//   - HEIC/HEIF pictures are refused with [ErrUnsupported]: there is no
//     pure-Go decoder. iPhones send JPEG over MMS, so this is rare.
//   - Decoding runs in Go and cannot be interrupted; the pixel limit is
//     what bounds it. The deadline stops the wait for a worker and
//     Tesseract itself.
//   - Photos of screens read worse than screenshots: moiré, glare and a
//     strong perspective cost words. Only skew is corrected, not
//     perspective.
//   - The text can hold anything that was on the screen, keys and tokens
//     included: redact it (bot.Redact) before storing it, as typed text.
package ocr
