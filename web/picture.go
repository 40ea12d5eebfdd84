package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/ocr"
	"github.com/textfix/textfix/twilio"
)

// Screenshots reads the pictures people text (MMS): it fetches the first
// image from Twilio and reads it with Tesseract, before the store's
// transaction, under the sender's number lock. After the text is stored,
// every attachment of the message is deleted from Twilio.
type Screenshots struct {
	// Media fetches and deletes attachments; nil (sandbox mode, no
	// credentials) fetches and deletes nothing, and pictures get
	// bot.UnreadPicture.
	Media *twilio.MediaClient
	// OCR reads a fetched picture; nil (tesseract not installed) reads
	// nothing, and pictures get bot.UnreadPicture.
	OCR *ocr.Reader
	// Wait is how long the webhook waits for a picture to be read before
	// it answers bot.ReadingPicture and sends the reply through the
	// outbox once read. 0 means DefaultPictureWait.
	Wait time.Duration
	// NoTesseract says OCR is nil because tesseract is not installed: the
	// console says so on every page.
	NoTesseract bool
}

// DefaultPictureWait keeps the webhook's answer within 10 s (Twilio gives
// up at 15 s): 8 s of fetching and reading, then the store's write.
const DefaultPictureWait = 8 * time.Second

// On reports whether pictures are read at all.
func (p Screenshots) On() bool { return p.Media != nil && p.OCR != nil }

// read fetches the first image among refs and reads it. The result is
// nil when there is none or nothing could be read; why is a short reason
// for the log ("" when a picture was read), never the text.
func (p Screenshots) read(ctx context.Context, refs []twilio.MediaRef) (pic *bot.Picture, why string) {
	if !p.On() {
		return nil, "screenshots off"
	}
	var ref *twilio.MediaRef
	for i := range refs {
		if refs[i].IsImage() {
			ref = &refs[i]
			break
		}
	}
	if ref == nil {
		return nil, twilio.ErrNotImage.Error()
	}
	m, err := p.Media.Fetch(ctx, ref.URL)
	if err != nil {
		return nil, reason(err, twilio.ErrNotImage, twilio.ErrMediaTooBig, twilio.ErrMediaNotFound,
			twilio.ErrMediaTimeout, twilio.ErrForeignHost, twilio.ErrMediaUnreadable)
	}
	res, err := p.OCR.Read(ctx, m.Data)
	if err != nil {
		return nil, reason(err, ocr.ErrBusy, ocr.ErrTooLarge, ocr.ErrUnsupported, ocr.ErrUnreadable, ocr.ErrTimeout, ocr.ErrNoText)
	}
	return &bot.Picture{Text: res.Text, Summary: res.Summary}, ""
}

// reason is the sentinel err wraps, as a short text free of URLs.
func reason(err error, sentinels ...error) string {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "cancelled"
	}
	return "failed"
}

// pictureWork tracks what outlives a webhook: late readings and media
// deletes. Server.Wait waits for it.
type pictureWork struct{ wg sync.WaitGroup }

// startReading reads the message's picture in its own goroutine, detached
// from the request (whose answer may go first). It returns nil when the
// message has no attachment, or pictures are not read.
func (s *Server) startReading(ctx context.Context, from string, refs []twilio.MediaRef) <-chan *bot.Picture {
	if len(refs) == 0 || !s.cfg.Screenshots.On() {
		return nil
	}
	done := make(chan *bot.Picture, 1)
	ctx = context.WithoutCancel(ctx)
	s.pictures.wg.Go(func() {
		start := time.Now()
		pic, why := s.cfg.Screenshots.read(ctx, refs)
		ms := time.Since(start).Milliseconds()
		if pic != nil {
			s.metrics.picturesRead.Add(1)
			s.cfg.Log.Info("screenshot read", "from", bot.Mask(from), "ms", ms, "chars", len(pic.Text))
		} else {
			s.metrics.picturesUnread.Add(1)
			s.cfg.Log.Info("screenshot not read", "from", bot.Mask(from), "ms", ms, "why", why)
		}
		done <- pic
	})
	return done
}

// answerLater handles a text whose webhook was answered bot.ReadingPicture:
// once its picture is read it runs bot.Desk.HandleLater in its own
// transaction (the replies go through the outbox), then deletes the
// media and calls unlock, the sender's number lock the webhook handed
// over, so the number's next text waits for this one.
func (s *Server) answerLater(in bot.Inbound, reading <-chan *bot.Picture, refs []twilio.MediaRef, unlock func()) {
	s.pictures.wg.Go(func() {
		defer unlock()
		in.Picture = <-reading
		engine := s.engine.Load()
		now := s.cfg.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := s.cfg.Store.Update(ctx, in.From, func(t bot.Tx) error {
			return s.cfg.Desk.HandleLater(t, engine, in, now)
		})
		if err != nil {
			if !s.ReportPanic("late screenshot reply", err) {
				s.cfg.Log.Error("screenshot: late reply failed", "from", bot.Mask(in.From), "err", err)
			}
			return
		}
		s.cfg.Wake()
		s.deleteMedia(in.From, refs)
	})
}

// deleteMedia deletes a message's attachments from Twilio in the
// background, once the text they came with is stored: the person's
// picture does not stay in the account. A failure is logged; Twilio
// keeps the media then.
func (s *Server) deleteMedia(from string, refs []twilio.MediaRef) {
	media := s.cfg.Screenshots.Media
	if media == nil || len(refs) == 0 {
		return
	}
	s.pictures.wg.Go(func() {
		for _, r := range refs {
			if r.MediaSID == "" {
				continue
			}
			if err := media.Delete(context.Background(), r.MessageSID, r.MediaSID); err != nil {
				s.cfg.Log.Warn("screenshot: media not deleted from Twilio", "from", bot.Mask(from), "media", r.MediaSID, "err", err)
				continue
			}
			s.metrics.mediaDeleted.Add(1)
		}
	})
}

// Wait waits for the work that outlives a webhook (pictures read after
// their webhook answered, media deletes) to finish. Call it after the
// HTTP server has shut down and before the store closes.
func (s *Server) Wait() { s.pictures.wg.Wait() }
