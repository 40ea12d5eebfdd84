package ocr

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"slices"
	"strconv"

	"golang.org/x/image/webp"
)

// Sizes the pre-processing aims at. Tesseract reads best when a line of
// text is roughly 25 to 45 pixels tall; a page larger than that only costs
// time.
const (
	targetLine  = 34   // pixels from the top of a line's letters to the bottom of its descenders
	maxLongSide = 2600 // pixels; larger pictures are scaled down
	// deskew searches ±maxSkew degrees.
	maxSkew = 8.0
)

// format is a picture format recognised by its first bytes.
type format int

const (
	unknownFormat format = iota
	pngFormat
	jpegFormat
	gifFormat
	webpFormat
	heifFormat // HEIC, HEIF or AVIF: no pure-Go decoder
)

func sniff(b []byte) format {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return pngFormat
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return jpegFormat
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return gifFormat
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return webpFormat
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "heif", "avif", "avis":
			return heifFormat
		}
	}
	return unknownFormat
}

// decode reads a picture, refusing more than maxPixels before decoding.
func decode(data []byte, maxPixels int) (image.Image, error) {
	var decodeConfig func(io.Reader) (image.Config, error)
	var decodeImage func(io.Reader) (image.Image, error)
	switch sniff(data) {
	case pngFormat:
		decodeConfig, decodeImage = png.DecodeConfig, png.Decode
	case jpegFormat:
		decodeConfig, decodeImage = jpeg.DecodeConfig, jpeg.Decode
	case gifFormat:
		decodeConfig, decodeImage = gif.DecodeConfig, gif.Decode
	case webpFormat:
		decodeConfig, decodeImage = webp.DecodeConfig, webp.Decode
	case heifFormat:
		return nil, fmt.Errorf("%w: HEIC/HEIF pictures are not supported", ErrUnsupported)
	default:
		return nil, fmt.Errorf("%w: not a JPEG, PNG, GIF or WebP picture", ErrUnsupported)
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: empty picture", ErrUnreadable)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > int64(maxPixels) {
		return nil, fmt.Errorf("%w: %d×%d pixels, limit %d", ErrTooLarge, cfg.Width, cfg.Height, maxPixels)
	}
	img, err := decodeImage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	return img, nil
}

// grayscale converts img to 8-bit luminance, with fast paths for what
// the decoders return.
func grayscale(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := image.NewGray(image.Rect(0, 0, w, h))
	switch src := img.(type) {
	case *image.YCbCr:
		for y := range h {
			copy(g.Pix[y*g.Stride:y*g.Stride+w], src.Y[src.YOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.Gray:
		for y := range h {
			copy(g.Pix[y*g.Stride:y*g.Stride+w], src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.NRGBA:
		for y := range h {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			out := g.Pix[y*g.Stride:]
			for x := range w {
				p := row[4*x : 4*x+4]
				// Transparent pixels count as white, as a viewer shows them.
				out[x] = luma(p[0], p[1], p[2], p[3])
			}
		}
	case *image.RGBA:
		for y := range h {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			out := g.Pix[y*g.Stride:]
			for x := range w {
				p := row[4*x : 4*x+4]
				out[x] = lumaPremultiplied(p[0], p[1], p[2], p[3])
			}
		}
	case *image.Paletted:
		lut := make([]uint8, 256)
		for i, c := range src.Palette {
			r, gg, bb, a := c.RGBA()
			lut[i] = lumaPremultiplied(uint8(r>>8), uint8(gg>>8), uint8(bb>>8), uint8(a>>8))
		}
		for y := range h {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			out := g.Pix[y*g.Stride:]
			for x := range w {
				out[x] = lut[row[x]]
			}
		}
	default:
		for y := range h {
			out := g.Pix[y*g.Stride:]
			for x := range w {
				r, gg, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				out[x] = lumaPremultiplied(uint8(r>>8), uint8(gg>>8), uint8(bb>>8), uint8(a>>8))
			}
		}
	}
	return g
}

// luma is Rec. 601 luminance of a non-premultiplied colour over white.
func luma(r, g, b, a uint8) uint8 {
	y := (299*int(r) + 587*int(g) + 114*int(b)) / 1000
	if a != 255 {
		y = (y*int(a) + 255*(255-int(a))) / 255
	}
	return uint8(y)
}

// lumaPremultiplied is luma of a premultiplied colour over white.
func lumaPremultiplied(r, g, b, a uint8) uint8 {
	y := (299*int(r) + 587*int(g) + 114*int(b)) / 1000
	return uint8(min(255, y+255-int(a)))
}

// prepared is a page ready for Tesseract, and what was done to it.
type prepared struct {
	img      *image.Gray
	inverted bool    // a dark theme, turned light
	scale    float64 // output size / input size
	skew     float64 // degrees the page was turned back
}

// prepare turns a decoded picture into a light, evenly lit, contrasty,
// level page of a size Tesseract reads well.
func prepare(img image.Image) prepared {
	g := grayscale(img)
	p := prepared{scale: 1}
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	if long := max(w, h); long > maxLongSide {
		// A camera's 12 megapixels: shrink first, everything after is
		// cheaper and the text stays large enough.
		p.scale = maxLongSide / float64(long)
		w, h = int(math.Round(float64(w)*p.scale)), int(math.Round(float64(h)*p.scale))
		g = resize(g, w, h)
	}

	hist := histogram(g)
	// A dark theme: most of the picture is dark. Tesseract expects dark
	// text on a light page.
	if percentile(hist, 0.5) < 110 {
		invert(g)
		p.inverted = true
	}
	// A photo's glare, shadows and the screen's bezel become white page;
	// on a screenshot this changes next to nothing.
	flatten(g)
	// Full contrast, but never stretching a page of sparse text so far
	// that a photo's noise turns into specks.
	hist = histogram(g)
	stretch(g, min(percentile(hist, 0.005), 100), max(percentile(hist, 0.995), 160))
	dropBlobs(g)
	// Margins cost Tesseract time and, under the size cap, the scale the
	// text could have had.
	if r := inkBounds(g); r != g.Bounds() {
		g = crop(g, r)
		w, h = r.Dx(), r.Dy()
		dropBlobs(g) // what the crop cut now touches the edge
	}

	s := 1.0
	if line := lineHeight(g); line > 0 {
		s = targetLine / line
	}
	// Scale only when it matters, and keep the page within bounds.
	if s > 0.8 && s < 1.25 {
		s = 1
	}
	s = min(s, 3)
	if long := float64(max(w, h)); long*s > maxLongSide {
		s = maxLongSide / long
	}
	if s != 1 {
		g = resize(g, int(math.Round(float64(w)*s)), int(math.Round(float64(h)*s)))
		p.scale *= s
	}
	if s > 1 {
		sharpen(g) // enlarging, like a camera's focus, softens strokes
	}

	if a := skewAngle(g); math.Abs(a) >= 0.3 {
		g = rotate(g, -a)
		p.skew = a
	}
	p.img = g
	return p
}

// flatten divides each pixel by the brightness of the page around it, so
// that an unevenly lit page (a photo: glare, vignette, the dark bezel
// around the screen) becomes evenly white while the text stays dark. The
// page's brightness is a high percentile of each block, interpolated
// between blocks. Blocks are large enough that text never fills one.
func flatten(g *image.Gray) {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	block := max(24, max(w, h)/48)
	bw, bh := (w+block-1)/block, (h+block-1)/block
	// The page's brightness in a block: its 90th percentile, not its
	// maximum, which a photo's noise pushes up.
	peak := make([]int, bw*bh)
	hists := make([][256]int32, bw)
	for by := range bh {
		clear(hists)
		for y := by * block; y < min(h, (by+1)*block); y++ {
			row := g.Pix[y*g.Stride : y*g.Stride+w]
			for x, v := range row {
				hists[x/block][v]++
			}
		}
		for bx := range bw {
			n := int32(0)
			for _, c := range hists[bx] {
				n += c
			}
			want, sum := n*9/10, int32(0)
			for v, c := range hists[bx] {
				sum += c
				if sum > want {
					peak[by*bw+bx] = v
					break
				}
			}
		}
	}
	// Blocks far darker than the page are not page: a photo's bezel, the
	// desk. They become white, with the dark pixels joined to them; the
	// page next to them is divided by the page's brightness, not theirs.
	page := float64(percentileOf(peak, 0.9))
	offPage := make([]bool, len(peak))
	bg := make([]float64, len(peak))
	for i, v := range peak {
		bg[i] = float64(max(32, v))
		if float64(v) < page/2 {
			offPage[i] = true
			bg[i] = page
		}
	}
	// The bezel reaches into the blocks along the screen's edge: follow
	// its dark pixels from the blocks that are all bezel.
	bezel := make([]bool, w*h)
	var stack []int32
	dark := uint8(page / 2)
	for y := range h {
		off := offPage[(y/block)*bw:]
		row := g.Pix[y*g.Stride:]
		for x := range w {
			if off[x/block] && row[x] < dark {
				bezel[y*w+x] = true
				stack = append(stack, int32(y*w+x))
			}
		}
	}
	for len(stack) > 0 {
		i := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		x := i % w
		for _, n := range [4]int{i - 1, i + 1, i - w, i + w} {
			switch {
			case n < 0 || n >= len(bezel) || bezel[n]:
			case n == i-1 && x == 0, n == i+1 && x == w-1:
			case g.Pix[(n/w)*g.Stride+n%w] < dark:
				bezel[n] = true
				stack = append(stack, int32(n))
			}
		}
	}

	// Bilinear between block centres; each row's weights are computed once.
	x0s, x1s, wxs := make([]int, w), make([]int, w), make([]float64, w)
	for x := range w {
		fx := max(0, min(float64(bw-1), (float64(x)+0.5)/float64(block)-0.5))
		x0s[x] = int(fx)
		x1s[x] = min(x0s[x]+1, bw-1)
		wxs[x] = fx - float64(x0s[x])
	}
	for y := range h {
		fy := max(0, min(float64(bh-1), (float64(y)+0.5)/float64(block)-0.5))
		y0 := int(fy)
		y1 := min(y0+1, bh-1)
		wy := fy - float64(y0)
		r0, r1 := bg[y0*bw:], bg[y1*bw:]
		off := offPage[(y/block)*bw:]
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			if off[x/block] || bezel[y*w+x] {
				row[x] = 255
				continue
			}
			a, b := x0s[x], x1s[x]
			wx := wxs[x]
			top := r0[a]*(1-wx) + r0[b]*wx
			bot := r1[a]*(1-wx) + r1[b]*wx
			light := top*(1-wy) + bot*wy
			row[x] = uint8(min(255, float64(v)*255/light))
		}
	}
}

// dropBlobs whitens dark shapes far larger than a character: the edge
// of a photo's bezel, frames, rules and table borders, and large shapes
// cut by the picture's edge. Tesseract takes a page framed in black for a
// picture and skips the text inside; text itself is never one shape that
// large.
func dropBlobs(g *image.Gray) {
	const dark = 150
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	seen := make([]bool, w*h)
	var stack, blob []int32
	for start := range seen {
		if seen[start] || g.Pix[(start/w)*g.Stride+start%w] >= dark {
			continue
		}
		// Flood fill one shape (4-connected), remembering its pixels.
		blob = blob[:0]
		stack = append(stack[:0], int32(start))
		seen[start] = true
		x0, y0, x1, y1 := w, h, 0, 0
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			blob = append(blob, int32(i))
			x, y := i%w, i/w
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			for _, n := range [4]int{i - 1, i + 1, i - w, i + w} {
				switch {
				case n < 0 || n >= len(seen) || seen[n]:
				case n == i-1 && x == 0, n == i+1 && x == w-1:
				case g.Pix[(n/w)*g.Stride+n%w] < dark:
					seen[n] = true
					stack = append(stack, int32(n))
				}
			}
		}
		// Large: a quarter of the page and more than any glyph (a strip
		// of one line of big text is no frame), or cut by the edge.
		bw, bh := x1-x0+1, y1-y0+1
		edge := x0 == 0 || y0 == 0 || x1 == w-1 || y1 == h-1
		if bw > max(w/4, 100) || bh > max(h/4, 100) || edge && (bw > max(w/20, 30) || bh > max(h/20, 30)) {
			for _, i := range blob {
				g.Pix[(int(i)/w)*g.Stride+int(i)%w] = 255
			}
		}
	}
}

// inkBounds is the rectangle that holds the page's ink, with a margin; the
// whole page when there is little ink.
func inkBounds(g *image.Gray) image.Rectangle {
	m := inkMap(g, 700)
	if m.pixels < 50 {
		return g.Bounds()
	}
	rows, cols := make([]int, m.h), make([]int, m.w)
	for y := range m.h {
		for x := range m.w {
			if m.on[y*m.w+x] {
				rows[y]++
				cols[x]++
			}
		}
	}
	// A row or column needs two cells of ink: a lone speck is noise.
	first := func(c []int) int {
		for i, n := range c {
			if n >= 2 {
				return i
			}
		}
		return 0
	}
	last := func(c []int) int {
		for i := len(c) - 1; i >= 0; i-- {
			if c[i] >= 2 {
				return i
			}
		}
		return len(c) - 1
	}
	margin := 2*m.step + 20 // Tesseract wants white around the text
	r := image.Rect(first(cols)*m.step-margin, first(rows)*m.step-margin,
		(last(cols)+1)*m.step+margin, (last(rows)+1)*m.step+margin).Intersect(g.Bounds())
	if r.Dx() < 32 || r.Dy() < 16 {
		return g.Bounds()
	}
	return r
}

// crop copies r out of g.
func crop(g *image.Gray, r image.Rectangle) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := range r.Dy() {
		copy(out.Pix[y*out.Stride:y*out.Stride+r.Dx()], g.Pix[(r.Min.Y+y)*g.Stride+r.Min.X:])
	}
	return out
}

func histogram(g *image.Gray) *[256]int {
	var h [256]int
	b := g.Bounds()
	for y := range b.Dy() {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+b.Dx()] {
			h[v]++
		}
	}
	return &h
}

// percentile is the grey level below which a share q of the pixels lie.
func percentile(h *[256]int, q float64) uint8 {
	total := 0
	for _, n := range h {
		total += n
	}
	want := int(q * float64(total))
	sum := 0
	for i, n := range h {
		sum += n
		if sum > want {
			return uint8(i)
		}
	}
	return 255
}

func invert(g *image.Gray) {
	for i, v := range g.Pix {
		g.Pix[i] = 255 - v
	}
}

// stretch maps lo..hi onto 0..255.
func stretch(g *image.Gray, lo, hi uint8) {
	if hi <= lo || lo == 0 && hi == 255 {
		return
	}
	var lut [256]uint8
	for i := range lut {
		switch {
		case i <= int(lo):
			lut[i] = 0
		case i >= int(hi):
			lut[i] = 255
		default:
			lut[i] = uint8((i - int(lo)) * 255 / (int(hi) - int(lo)))
		}
	}
	for i, v := range g.Pix {
		g.Pix[i] = lut[v]
	}
}

// otsu is the grey level that best splits the histogram in two.
func otsu(h *[256]int) uint8 {
	total, sumAll := 0, 0.0
	for i, n := range h {
		total += n
		sumAll += float64(i * n)
	}
	var best float64
	var at uint8
	wB, sumB := 0, 0.0
	for i, n := range h {
		wB += n
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(i * n)
		mB, mF := sumB/float64(wB), (sumAll-sumB)/float64(wF)
		if v := float64(wB) * float64(wF) * (mB - mF) * (mB - mF); v > best {
			best, at = v, uint8(i)
		}
	}
	return at
}

// ink marks the dark (text) pixels of a page reduced by an integer factor
// so that its long side is about size pixels: for measuring, not reading.
type ink struct {
	w, h   int
	step   int // pixels of the page per cell
	on     []bool
	pixels int // cells that are ink
}

func inkMap(g *image.Gray, size int) ink {
	b := g.Bounds()
	step := max(1, max(b.Dx(), b.Dy())/size)
	m := ink{w: b.Dx() / step, h: b.Dy() / step, step: step}
	if m.w == 0 || m.h == 0 {
		return m
	}
	small := make([]uint8, m.w*m.h)
	var hist [256]int
	for y := range m.h {
		for x := range m.w {
			// The darkest pixel of the cell keeps thin strokes.
			v := uint8(255)
			for dy := range step {
				row := g.Pix[(y*step+dy)*g.Stride+x*step:]
				for dx := range step {
					v = min(v, row[dx])
				}
			}
			small[y*m.w+x] = v
			hist[v]++
		}
	}
	t := otsu(&hist)
	m.on = make([]bool, len(small))
	for i, v := range small {
		if v <= t {
			m.on[i] = true
			m.pixels++
		}
	}
	return m
}

// lineHeight estimates the height of a text line in pixels: the median
// height of the bands of rows that hold ink, measured in vertical strips
// (so that a photo's bezel, or a sidebar, does not join every row into
// one band), or 0 when there are too few.
func lineHeight(g *image.Gray) float64 {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	const strips = 6
	xstep := max(1, w/(strips*120))
	var hist [256]int
	for y := 0; y < h; y += 2 {
		row := g.Pix[y*g.Stride:]
		for x := 0; x < w; x += xstep {
			hist[row[x]]++
		}
	}
	t := otsu(&hist)
	var bands []int
	counts := make([]int, h)
	for s := range strips {
		x0, x1 := s*w/strips, (s+1)*w/strips
		cols := 0
		for x := x0; x < x1; x += xstep {
			cols++
		}
		for y := range h {
			row := g.Pix[y*g.Stride:]
			n := 0
			for x := x0; x < x1; x += xstep {
				if row[x] <= t {
					n++
				}
			}
			counts[y] = n
		}
		// A row is text when it holds a little ink but is not a rule or a
		// filled bar; a band taller than an eighth of the page is not a line.
		run := 0
		for y := range h + 1 {
			if y < h && counts[y] > 0 && counts[y] < cols*7/10 {
				run++
				continue
			}
			if run >= 4 && run <= h/8 { // thinner bands are rules or specks
				bands = append(bands, run)
			}
			run = 0
		}
	}
	if len(bands) < 3 {
		return 0
	}
	return float64(median(bands))
}

// percentileOf is the value below which a share q of v lies.
func percentileOf(v []int, q float64) int {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func median(v []int) int {
	s := append([]int(nil), v...)
	for i := 1; i < len(s); i++ { // small slices: insertion sort
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}

// resize scales g to w×h: area averaging when shrinking, bilinear when
// enlarging.
func resize(g *image.Gray, w, h int) *image.Gray {
	sw, sh := g.Bounds().Dx(), g.Bounds().Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	if w <= sw && h <= sh {
		// Box filter over the source pixels each output pixel covers.
		fx, fy := float64(sw)/float64(w), float64(sh)/float64(h)
		x0s, x1s := make([]int, w), make([]int, w)
		for x := range w {
			x0s[x] = int(float64(x) * fx)
			x1s[x] = max(x0s[x]+1, min(sw, int(float64(x+1)*fx)))
		}
		sums := make([]int, w)
		for y := range h {
			y0 := int(float64(y) * fy)
			y1 := max(y0+1, min(sh, int(float64(y+1)*fy)))
			clear(sums)
			for sy := y0; sy < y1; sy++ {
				row := g.Pix[sy*g.Stride:]
				for x := range w {
					for sx := x0s[x]; sx < x1s[x]; sx++ {
						sums[x] += int(row[sx])
					}
				}
			}
			o := out.Pix[y*out.Stride:]
			for x := range w {
				o[x] = uint8(sums[x] / ((x1s[x] - x0s[x]) * (y1 - y0)))
			}
		}
		return out
	}
	fx, fy := float64(sw)/float64(w), float64(sh)/float64(h)
	xs, xw := make([]int, w), make([]int, w)
	for x := range w {
		sx := (float64(x)+0.5)*fx - 0.5
		sx = max(0, min(sx, float64(sw-1)))
		x0 := min(int(sx), sw-2)
		if sw == 1 {
			x0 = 0
		}
		xs[x], xw[x] = x0, int((sx-float64(x0))*256)
	}
	for y := range h {
		sy := (float64(y)+0.5)*fy - 0.5
		sy = max(0, min(sy, float64(sh-1)))
		y0 := min(int(sy), max(0, sh-2))
		wy := int((sy - float64(y0)) * 256)
		r0 := g.Pix[y0*g.Stride:]
		r1 := r0
		if y0+1 < sh {
			r1 = g.Pix[(y0+1)*g.Stride:]
		}
		o := out.Pix[y*out.Stride:]
		for x := range w {
			x0, wx := xs[x], xw[x]
			x1 := min(x0+1, sw-1)
			top := int(r0[x0])*(256-wx) + int(r0[x1])*wx
			bot := int(r1[x0])*(256-wx) + int(r1[x1])*wx
			o[x] = uint8((top*(256-wy) + bot*wy) >> 16)
		}
	}
	return out
}

// skewAngle finds the angle in degrees (positive: text rising to the
// right) at which the ink's rows line up best, by the projection profile:
// the sum of squared row counts peaks when lines are level.
func skewAngle(g *image.Gray) float64 {
	m := inkMap(g, 700)
	if m.pixels < 200 || m.pixels > len(m.on)/2 {
		return 0
	}
	xs, ys := make([]float64, 0, m.pixels), make([]float64, 0, m.pixels)
	for y := range m.h {
		for x := range m.w {
			if m.on[y*m.w+x] {
				xs = append(xs, float64(x))
				ys = append(ys, float64(y))
			}
		}
	}
	counts := make([]int, 0, 2*(m.h+m.w))
	score := func(deg float64) float64 {
		t := math.Tan(deg * math.Pi / 180)
		// Row of a point once the page is turned by -deg, offset so that
		// it is never negative.
		off := float64(m.w) * math.Abs(t)
		n := m.h + int(2*off) + 2
		counts = counts[:0]
		for range n {
			counts = append(counts, 0)
		}
		for i := range xs {
			counts[int(ys[i]+xs[i]*t+off)]++
		}
		var s float64
		for _, c := range counts {
			s += float64(c) * float64(c)
		}
		return s
	}
	best, at := score(0), 0.0
	level := best
	for deg := -maxSkew; deg <= maxSkew; deg += 0.5 {
		if s := score(deg); s > best {
			best, at = s, deg
		}
	}
	for deg := at - 0.4; deg <= at+0.4; deg += 0.1 {
		if s := score(deg); s > best {
			best, at = s, deg
		}
	}
	// A flat profile (no lines of text) has no angle worth turning for.
	if best < level*1.05 {
		return 0
	}
	return at
}

// rotate turns g by deg degrees around its centre (positive:
// counter-clockwise on screen), filling the corners with white.
func rotate(g *image.Gray, deg float64) *image.Gray {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	for y := range h {
		o := out.Pix[y*out.Stride:]
		dy := float64(y) - cy
		for x := range w {
			dx := float64(x) - cx
			// The source point that lands on (x, y).
			sx := cos*dx - sin*dy + cx
			sy := sin*dx + cos*dy + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			if x0 < 0 || y0 < 0 || x0+1 >= w || y0+1 >= h {
				o[x] = 255
				continue
			}
			fx, fy := sx-float64(x0), sy-float64(y0)
			i := y0*g.Stride + x0
			top := float64(g.Pix[i])*(1-fx) + float64(g.Pix[i+1])*fx
			bot := float64(g.Pix[i+g.Stride])*(1-fx) + float64(g.Pix[i+g.Stride+1])*fx
			o[x] = uint8(top*(1-fy) + bot*fy + 0.5)
		}
	}
	return out
}

// sharpen is an unsharp mask: each pixel moves away from the mean of its
// 3×3 neighbourhood, so soft edges of strokes become crisp again.
func sharpen(g *image.Gray) {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	if w < 3 || h < 3 {
		return
	}
	src := make([]uint8, w*h)
	for y := range h {
		copy(src[y*w:(y+1)*w], g.Pix[y*g.Stride:])
	}
	for y := 1; y < h-1; y++ {
		o := g.Pix[y*g.Stride:]
		for x := 1; x < w-1; x++ {
			i := y*w + x
			sum := int(src[i-w-1]) + int(src[i-w]) + int(src[i-w+1]) +
				int(src[i-1]) + int(src[i]) + int(src[i+1]) +
				int(src[i+w-1]) + int(src[i+w]) + int(src[i+w+1])
			v := int(src[i]) + (9*int(src[i])-sum)/9
			o[x] = uint8(max(0, min(255, v)))
		}
	}
}

// pgm encodes g as a binary PGM (P5): Tesseract's image library reads it
// from memory and it costs nothing to write.
func pgm(g *image.Gray) []byte {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	header := "P5\n" + strconv.Itoa(w) + " " + strconv.Itoa(h) + "\n255\n"
	buf := make([]byte, 0, len(header)+w*h)
	buf = append(buf, header...)
	for y := range h {
		buf = append(buf, g.Pix[y*g.Stride:y*g.Stride+w]...)
	}
	return buf
}
