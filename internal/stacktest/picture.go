package stacktest

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/textfix/textfix/ocr"
)

// Tesseract returns an OCR reader on the installed tesseract. Without
// it the test is skipped with what to install, or fails under CI=true,
// where .ci/run installs it.
func Tesseract(t testing.TB) *ocr.Reader {
	t.Helper()
	r, err := ocr.New(ocr.Config{Timeout: time.Minute})
	if errors.Is(err, ocr.ErrNoTesseract) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("tesseract is not installed; CI must install it (.ci/run: apt-get install tesseract-ocr tesseract-ocr-eng): %v", err)
		}
		t.Skipf("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-eng to run the screenshot tests (%v)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Screenshot draws lines of text as a terminal screenshot: black on
// white in Go's built-in bitmap font, enlarged four times as a phone's
// screen shows it. PNG.
func Screenshot(t testing.TB, lines ...string) []byte {
	t.Helper()
	width := 0
	for _, l := range lines {
		width = max(width, len(l))
	}
	small := image.NewGray(image.Rect(0, 0, 7*width+20, 16*len(lines)+14))
	draw.Draw(small, small.Bounds(), image.White, image.Point{}, draw.Src)
	for i, l := range lines {
		d := font.Drawer{Dst: small, Src: image.Black, Face: basicfont.Face7x13, Dot: fixed.P(10, 20+16*i)}
		d.DrawString(l)
	}
	const k = 4
	big := image.NewGray(image.Rect(0, 0, k*small.Bounds().Dx(), k*small.Bounds().Dy()))
	for y := range big.Bounds().Dy() {
		for x := range big.Bounds().Dx() {
			big.Pix[y*big.Stride+x] = small.Pix[(y/k)*small.Stride+x/k]
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, big); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Picture is an inbound MMS form as Twilio sends it: Text with the
// attachments' URLs and content types (MediaUrlN, MediaContentTypeN).
func Picture(from, sid, body string, media ...Attachment) url.Values {
	f := Text(from, sid, body)
	f.Set("NumMedia", strconv.Itoa(len(media)))
	for i, m := range media {
		f.Set("MediaUrl"+strconv.Itoa(i), m.URL)
		f.Set("MediaContentType"+strconv.Itoa(i), m.ContentType)
	}
	return f
}

// Attachment is one MediaUrlN and its MediaContentTypeN.
type Attachment struct{ URL, ContentType string }
