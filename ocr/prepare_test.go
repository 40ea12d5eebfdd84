package ocr

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"testing"
)

// page draws lines of fake text (runs of small dark bars, like words) on
// a w×h page: ink on paper, lineH pixels per line.
func fakePage(w, h, lineH int, paper, ink uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = paper
	}
	glyph := lineH * 2 / 3
	for top := lineH; top+lineH < h-lineH; top += 2 * lineH {
		for x := lineH; x+glyph < w-lineH; x += glyph {
			if (x/glyph)%6 == 5 {
				continue // a space between words
			}
			for y := top; y < top+lineH; y++ {
				for dx := range glyph / 2 {
					g.Pix[y*g.Stride+x+dx] = ink
				}
			}
		}
	}
	return g
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tinyWebP is a 12×8 lossy WebP (VP8) made by chromium: white with a
// black left half.
func tinyWebP() []byte {
	vp8 := []byte("\x90\x01\x00\x9d\x01\x2a\x0c\x00\x08\x00\x01\x40\x26\x25\xa4\x00\x02\x9d\x39\xb2\xa0\x00\xfe\xff\x3a\xd7\xeb\xf7\xff\x82\x45\xbf\xf2\xb4\xf8\x00\x00\x00")
	var b bytes.Buffer
	b.WriteString("RIFF")
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(4+8+len(vp8))))
	b.WriteString("WEBPVP8 ")
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(vp8))))
	b.Write(vp8)
	return b.Bytes()
}

// pngClaiming is a valid PNG header that claims w×h pixels: a few dozen
// bytes that would decode into gigabytes.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	// IHDR data starts at byte 16: width, height; its CRC follows the
	// 13 bytes of data and covers the type and data.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestDecode(t *testing.T) {
	gray := fakePage(40, 30, 4, 255, 0)
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, gray, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, gray, nil); err != nil {
		t.Fatal(err)
	}
	heic := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...)
	cases := []struct {
		name    string
		data    []byte
		size    image.Point
		wantErr error
	}{
		{"png", encodePNG(t, gray), image.Pt(40, 30), nil},
		{"jpeg", jpg.Bytes(), image.Pt(40, 30), nil},
		{"gif", gf.Bytes(), image.Pt(40, 30), nil},
		{"webp", tinyWebP(), image.Pt(12, 8), nil},
		{"heic", heic, image.Point{}, ErrUnsupported},
		{"pdf", []byte("%PDF-1.7\n"), image.Point{}, ErrUnsupported},
		{"empty", nil, image.Point{}, ErrUnsupported},
		{"truncated png", encodePNG(t, gray)[:60], image.Point{}, ErrUnreadable},
		{"decompression bomb", pngClaiming(t, 100_000, 100_000), image.Point{}, ErrTooLarge},
		{"just over the limit", pngClaiming(t, 5000, 2001), image.Point{}, ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img, err := decode(c.data, 10_000_000)
			if !errors.Is(err, c.wantErr) || (err != nil) != (c.wantErr != nil) {
				t.Fatalf("decode: %v, want %v", err, c.wantErr)
			}
			if err == nil && img.Bounds().Size() != c.size {
				t.Errorf("size %v, want %v", img.Bounds().Size(), c.size)
			}
		})
	}
	// The WebP is black on the left, white on the right.
	img, err := decode(tinyWebP(), 100)
	if err != nil {
		t.Fatal(err)
	}
	g := grayscale(img)
	if l, r := g.GrayAt(1, 4).Y, g.GrayAt(10, 4).Y; l > 60 || r < 200 {
		t.Errorf("webp decoded wrong: left %d, right %d", l, r)
	}
}

func TestGrayscale(t *testing.T) {
	nrgba := image.NewNRGBA(image.Rect(0, 0, 3, 1))
	nrgba.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	nrgba.Set(1, 0, color.NRGBA{0, 0, 0, 0}) // transparent: shown as white
	nrgba.Set(2, 0, color.NRGBA{0, 0, 0, 255})
	g := grayscale(nrgba)
	if got := []uint8{g.Pix[0], g.Pix[1], g.Pix[2]}; got[0] != 76 || got[1] != 255 || got[2] != 0 {
		t.Errorf("NRGBA → %v, want [76 255 0]", got)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.White, color.Black})
	pal.SetColorIndex(1, 0, 1)
	if g := grayscale(pal); g.Pix[0] != 255 || g.Pix[1] != 0 {
		t.Errorf("paletted → %v", g.Pix)
	}
	ycc := image.NewYCbCr(image.Rect(0, 0, 2, 2), image.YCbCrSubsampleRatio420)
	ycc.Y[0], ycc.Y[3] = 10, 200
	if g := grayscale(ycc); g.Pix[0] != 10 || g.Pix[g.Stride+1] != 200 {
		t.Errorf("YCbCr → %v", g.Pix)
	}
}

func TestPrepareInvertsDarkThemes(t *testing.T) {
	for _, c := range []struct {
		name         string
		paper, ink   uint8
		wantInverted bool
	}{
		{"light", 250, 30, false},
		{"dark", 30, 220, true},
	} {
		p := prepare(fakePage(800, 600, 20, c.paper, c.ink))
		if p.inverted != c.wantInverted {
			t.Errorf("%s: inverted %v, want %v", c.name, p.inverted, c.wantInverted)
		}
		// Whatever the theme, the page comes out as dark ink on white.
		hist := histogram(p.img)
		if paper, ink := percentile(hist, 0.5), percentile(hist, 0.01); paper < 240 || ink > 40 {
			t.Errorf("%s: paper %d, ink %d after prepare", c.name, paper, ink)
		}
	}
}

func TestPrepareScales(t *testing.T) {
	cases := []struct {
		name       string
		w, h, line int
		wantScale  func(float64) bool
	}{
		{"small text is enlarged", 1280, 800, 10, func(s float64) bool { return s > 1.9 }},
		{"text of a good size is left alone", 1170, 2532, targetLine, func(s float64) bool { return s == 1 }},
		{"huge text is reduced", 1200, 1600, 90, func(s float64) bool { return s < 0.5 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := lineHeight(fakePage(c.w, c.h, c.line, 255, 0)); math.Abs(got-float64(c.line)) > 1 {
				t.Errorf("lineHeight = %v, want %d", got, c.line)
			}
			p := prepare(fakePage(c.w, c.h, c.line, 255, 0))
			if !c.wantScale(p.scale) {
				t.Errorf("scale %.2f", p.scale)
			}
			if b := p.img.Bounds(); max(b.Dx(), b.Dy()) > maxLongSide {
				t.Errorf("prepared page is %v, over %d pixels", b.Size(), maxLongSide)
			}
		})
	}
	// A 12-megapixel photo is brought within the cap first.
	if p := prepare(fakePage(4032, 3024, 40, 255, 0)); max(p.img.Bounds().Dx(), p.img.Bounds().Dy()) > maxLongSide {
		t.Errorf("12 MP photo prepared to %v", p.img.Bounds().Size())
	}
}

func TestSkew(t *testing.T) {
	level := fakePage(1000, 700, 14, 255, 0)
	if a := skewAngle(level); a != 0 {
		t.Errorf("level page: angle %v, want 0", a)
	}
	for _, deg := range []float64{-5, -2, 1.5, 3, 6} {
		// rotate turns counter-clockwise for positive degrees: the lines
		// then rise to the right, which skewAngle reports as positive.
		tilted := rotate(level, deg)
		a := skewAngle(tilted)
		if math.Abs(a-deg) > 0.35 {
			t.Errorf("page turned %v°: skewAngle %v", deg, a)
		}
		if back := skewAngle(rotate(tilted, -a)); math.Abs(back) > 0.35 {
			t.Errorf("page turned %v° and back: %v° left", deg, back)
		}
	}
}

func TestFlattenEvensOutLight(t *testing.T) {
	// Paper lit from the left: 250 down to 120 across the page, ink 40%
	// of the paper's brightness.
	g := fakePage(900, 600, 16, 255, 0)
	for y := range 600 {
		for x := range 900 {
			light := 250 - 130*float64(x)/900
			v := float64(g.Pix[y*g.Stride+x]) / 255
			g.Pix[y*g.Stride+x] = uint8(light * (0.4 + 0.6*v))
		}
	}
	flatten(g)
	var left, right int
	for y := range 600 {
		if g.Pix[y*g.Stride+5] >= 240 {
			left++
		}
		if g.Pix[y*g.Stride+890] >= 240 {
			right++
		}
	}
	if left < 590 || right < 590 {
		t.Errorf("paper after flatten: %d and %d of 600 margin pixels white at left and right", left, right)
	}
	// Ink stays ink on both sides.
	if l, r := g.Pix[16*g.Stride+20], g.Pix[16*g.Stride+860]; l > 140 || r > 140 {
		t.Errorf("ink after flatten: %d at left, %d at right", l, r)
	}
}

func TestDropBlobs(t *testing.T) {
	g := fakePage(600, 400, 12, 255, 0)
	// A black frame around the page, like a photo's bezel, and a rule.
	for x := range 600 {
		for y := range 6 {
			g.Pix[y*g.Stride+x] = 0
			g.Pix[(399-y)*g.Stride+x] = 0
		}
		g.Pix[200*g.Stride+x] = 0
	}
	ink := func() int {
		n := 0
		for _, v := range g.Pix {
			if v < 128 {
				n++
			}
		}
		return n
	}
	text := ink() - 2*6*600 - 600
	dropBlobs(g)
	if got := ink(); got != text {
		t.Errorf("%d ink pixels left, want the text's %d", got, text)
	}
}

func TestResize(t *testing.T) {
	g := fakePage(300, 200, 10, 255, 0)
	for _, size := range []image.Point{{600, 400}, {150, 100}, {301, 199}, {1, 1}} {
		if got := resize(g, size.X, size.Y).Bounds().Size(); got != size {
			t.Errorf("resize to %v: %v", size, got)
		}
	}
	// Shrinking by two averages: a checkerboard becomes grey.
	cb := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range cb.Pix {
		if (i/4+i%4)%2 == 0 {
			cb.Pix[i] = 255
		}
	}
	if v := resize(cb, 2, 2).Pix[0]; v < 120 || v > 135 {
		t.Errorf("checkerboard shrunk to %d, want mid-grey", v)
	}
}

func TestPGM(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(g.Pix, []uint8{1, 2, 3, 4, 5, 6})
	if got, want := pgm(g), "P5\n3 2\n255\n\x01\x02\x03\x04\x05\x06"; string(got) != want {
		t.Errorf("pgm = %q, want %q", got, want)
	}
}
