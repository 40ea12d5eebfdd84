package ocr_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

// photoOf turns a screenshot into what a phone camera makes of the
// screen showing it: the screen seen at an angle (a perspective warp)
// inside a dark bezel, moiré from the camera's sensor beating against the
// screen's pixel grid, uneven light, a little blur and sensor noise, and
// a JPEG at MMS quality. seed makes it repeatable.
func photoOf(tb testing.TB, screenshot []byte, seed uint64) []byte {
	tb.Helper()
	src, err := png.Decode(bytes.NewReader(screenshot))
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	// Each photo is taken differently: how far off square, how strong the
	// moiré, how soft the focus, how noisy the sensor.
	tilt := 0.02 + rng.Float64()*0.04
	jitter := func(v float64) float64 { return v + (rng.Float64()*2-1)*tilt }
	moire := 0.06 + rng.Float64()*0.10
	noiseLevel := 4 + rng.Float64()*5
	blurs := 1 + rng.IntN(2)

	sb := src.Bounds()
	sw, sh := float64(sb.Dx()), float64(sb.Dy())
	// The photo: long side 1600 pixels, the screen's orientation.
	W, H := 1600, 1200
	if sh > sw {
		W, H = 1200, 1600
	}
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	fw, fh := float64(W), float64(H)
	// Where the screen's corners land: one side nearer the camera.
	quad := [4][2]float64{
		{jitter(0.07) * fw, jitter(0.09) * fh}, // top left
		{jitter(0.94) * fw, jitter(0.05) * fh}, // top right
		{jitter(0.96) * fw, jitter(0.93) * fh}, // bottom right
		{jitter(0.05) * fw, jitter(0.96) * fh}, // bottom left
	}
	rect := [4][2]float64{{0, 0}, {sw, 0}, {sw, sh}, {0, sh}}
	hm := homography(quad, rect) // photo → screenshot

	// Sample the screenshot through the homography (bilinear), or draw
	// the bezel and desk.
	// Screenshots are opaque: the colour channels are the colours.
	flat := image.NewRGBA(image.Rect(0, 0, sb.Dx(), sb.Dy()))
	draw.Draw(flat, flat.Bounds(), src, sb.Min, draw.Src)
	rgba := func(x, y int) (float64, float64, float64) {
		i := y*flat.Stride + 4*x
		return float64(flat.Pix[i]), float64(flat.Pix[i+1]), float64(flat.Pix[i+2])
	}
	theta := (rng.Float64()*2 - 1) * 0.35
	period := 3.1 + rng.Float64()*1.5
	cosT, sinT := math.Cos(theta), math.Sin(theta)
	glareX, glareY := (0.3+rng.Float64()*0.4)*fw, (0.2+rng.Float64()*0.3)*fh
	for y := range H {
		for x := range W {
			px, py := float64(x)+0.5, float64(y)+0.5
			d := hm[6]*px + hm[7]*py + hm[8]
			sx := (hm[0]*px + hm[1]*py + hm[2]) / d
			sy := (hm[3]*px + hm[4]*py + hm[5]) / d
			var r, g, b float64
			if sx < 0 || sy < 0 || sx >= sw-1 || sy >= sh-1 {
				v := 28 + 10*rng.Float64()
				r, g, b = v, v, v+4
			} else {
				x0, y0 := int(sx), int(sy)
				ax, ay := sx-float64(x0), sy-float64(y0)
				r00, g00, b00 := rgba(x0, y0)
				r10, g10, b10 := rgba(x0+1, y0)
				r01, g01, b01 := rgba(x0, y0+1)
				r11, g11, b11 := rgba(x0+1, y0+1)
				mix := func(a, b, c, d float64) float64 {
					return (a*(1-ax)+b*ax)*(1-ay) + (c*(1-ax)+d*ax)*ay
				}
				r, g, b = mix(r00, r10, r01, r11), mix(g00, g10, g01, g11), mix(b00, b10, b01, b11)
				// A screen glows a little: its black is not black.
				r, g, b = 18+r*0.9, 18+g*0.9, 22+b*0.9
				// Moiré: two beating gratings, a little out of phase per
				// colour, as a Bayer sensor sees a pixel grid.
				u := (px*cosT + py*sinT) / period
				v := (-px*sinT + py*cosT) / (period * 1.07)
				m := math.Sin(2*math.Pi*u) * math.Sin(2*math.Pi*v)
				r *= 1 + moire*m
				g *= 1 + moire*math.Sin(2*math.Pi*(u+0.33))*math.Sin(2*math.Pi*v)
				b *= 1 + moire*math.Sin(2*math.Pi*(u+0.66))*math.Sin(2*math.Pi*v)
			}
			// Uneven light: a soft glare and darker corners.
			dx, dy := (px-glareX)/fw, (py-glareY)/fh
			light := 0.82 + 0.28*math.Exp(-(dx*dx+dy*dy)*6)
			cx, cy := px/fw-0.5, py/fh-0.5
			light *= 1 - 0.35*(cx*cx+cy*cy)
			noise := rng.NormFloat64() * noiseLevel
			out.SetRGBA(x, y, color.RGBA{clamp(r*light + noise), clamp(g*light + noise), clamp(b*light + noise), 255})
		}
	}
	for range blurs {
		blur(out)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 55 + rng.IntN(20)}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func clamp(v float64) uint8 { return uint8(max(0, min(255, v+0.5))) }

// blur is a 3×3 binomial blur (σ ≈ 0.85 px), the softness of a phone
// lens focused on a screen.
func blur(img *image.RGBA) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	src := append([]uint8(nil), img.Pix...)
	k := [3]int{1, 2, 1}
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			for c := range 3 {
				sum := 0
				for j := -1; j <= 1; j++ {
					for i := -1; i <= 1; i++ {
						sum += k[i+1] * k[j+1] * int(src[(y+j)*img.Stride+(x+i)*4+c])
					}
				}
				img.Pix[y*img.Stride+x*4+c] = uint8(sum / 16)
			}
		}
	}
}

// homography returns the 3×3 matrix (row-major) that maps the points from
// onto the points to.
func homography(from, to [4][2]float64) [9]float64 {
	// Eight equations in eight unknowns (h22 = 1), by Gaussian elimination.
	var a [8][9]float64
	for i := range 4 {
		x, y := from[i][0], from[i][1]
		u, v := to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := range 8 {
			if r != c {
				f := a[r][c] / a[c][c]
				for k := c; k < 9; k++ {
					a[r][k] -= f * a[c][k]
				}
			}
		}
	}
	var h [9]float64
	for i := range 8 {
		h[i] = a[i][8] / a[i][i]
	}
	h[8] = 1
	return h
}
