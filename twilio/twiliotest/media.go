package twiliotest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cdnPath is where the fake's media URLs redirect to, standing in for
// Twilio's CDN (mms.twiliocdn.com): no basic auth needed there.
const cdnPath = "/cdn/"

// MediaFile is an attachment the fake serves at a media URL, and how that
// URL misbehaves. The zero value of each simulation field is Twilio's
// ordinary behaviour.
type MediaFile struct {
	ContentType string // sent as Content-Type, e.g. "image/png"
	Data        []byte

	// Redirects is how many 302s the media URL answers, through the
	// fake's own CDN path, before the content; Twilio's real media URLs
	// redirect once.
	Redirects int
	// RedirectTo, when set, is where the media URL redirects instead
	// (another host: a redirect textfix must refuse to follow).
	RedirectTo string
	// NotFound answers the first NotFound fetches with 404, as Twilio
	// does for media not yet in all its storage.
	NotFound int
	// Delay holds back every answer (a slow Twilio).
	Delay time.Duration
	// Length, when set, is the Content-Length sent: -1 sends none (a
	// chunked body, so the reader cannot know the size in advance); any
	// other value is declared whatever the body's real size (a server
	// that lies; the body is cut at that length when shorter).
	Length int64
}

type storedMedia struct {
	MediaFile
	messageSID string
	fetched    int
}

// MediaFetch is one GET the fake received for media: the media URL itself
// or a hop through its CDN path.
type MediaFetch struct {
	MediaSID string
	Path     string
	// Auth reports whether the request carried the fake's account SID and
	// auth token as basic auth.
	Auth bool
}

// AddMedia stores f as the media of a new inbound message and returns its
// Twilio-shaped URL (Server.URL + /2010-04-01/Accounts/{AccountSid}/
// Messages/MM…/Media/ME…), the value Twilio puts in MediaUrl0. Fetching
// it needs the fake's basic auth; [Server.DeletedMedia] lists it once the
// client has deleted it, after which it answers 404.
func (s *Server) AddMedia(f MediaFile) string {
	msg, sid := newSIDWith("MM"), newSIDWith("ME")
	s.mu.Lock()
	s.media[sid] = &storedMedia{MediaFile: f, messageSID: msg}
	s.mu.Unlock()
	return s.URL + "/2010-04-01/Accounts/" + s.accountSID + "/Messages/" + msg + "/Media/" + sid
}

// MediaFetches returns a copy of the media GETs received so far, in order.
func (s *Server) MediaFetches() []MediaFetch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]MediaFetch(nil), s.fetches...)
}

// DeletedMedia returns the SIDs of the media deleted through the REST API
// so far, in order.
func (s *Server) DeletedMedia() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	return ok && user == s.accountSID && pass == s.authToken
}

// getMedia is the media URL: Twilio answers with the content, after a
// redirect to its CDN.
func (s *Server) getMedia(w http.ResponseWriter, r *http.Request) {
	sid := r.PathValue("media")
	auth := s.authorized(r)
	s.mu.Lock()
	s.fetches = append(s.fetches, MediaFetch{MediaSID: sid, Path: r.URL.Path, Auth: auth})
	m := s.media[sid]
	var f MediaFile
	notFound := m == nil || m.messageSID != r.PathValue("msg")
	if !notFound {
		m.fetched++
		f = m.MediaFile
		notFound = m.fetched <= f.NotFound
	}
	s.mu.Unlock()

	if !sleep(r, f.Delay) {
		return
	}
	switch {
	case !auth:
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
	case r.PathValue("sid") != s.accountSID, notFound:
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	case f.RedirectTo != "":
		http.Redirect(w, r, f.RedirectTo, http.StatusFound)
	case f.Redirects > 0:
		http.Redirect(w, r, cdnPath+sid+"/1", http.StatusFound) //nolint:gosec // a fake: the path is its own
	default:
		serveMedia(w, f)
	}
}

// cdnMedia is hop N of a media's redirects.
func (s *Server) cdnMedia(w http.ResponseWriter, r *http.Request) {
	sid := r.PathValue("media")
	hop, _ := strconv.Atoi(r.PathValue("hop"))
	s.mu.Lock()
	s.fetches = append(s.fetches, MediaFetch{MediaSID: sid, Path: r.URL.Path, Auth: s.authorized(r)})
	m := s.media[sid]
	var f MediaFile
	if m != nil {
		f = m.MediaFile
	}
	s.mu.Unlock()
	switch {
	case m == nil:
		http.NotFound(w, r)
	case hop < f.Redirects:
		http.Redirect(w, r, cdnPath+sid+"/"+strconv.Itoa(hop+1), http.StatusFound) //nolint:gosec // a fake: the path is its own
	default:
		serveMedia(w, f)
	}
}

func serveMedia(w http.ResponseWriter, f MediaFile) {
	w.Header().Set("Content-Type", f.ContentType)
	body := f.Data
	switch {
	case f.Length < 0:
		// No Content-Length: net/http sends the body chunked once it
		// outgrows its buffer.
	case f.Length > 0:
		w.Header().Set("Content-Length", strconv.FormatInt(f.Length, 10))
		if int64(len(body)) > f.Length {
			body = body[:f.Length]
		}
	default:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // a client that hung up is the test's to notice
}

// deleteMedia is DELETE …/Media/{Sid}.json: 204, and the media is gone.
func (s *Server) deleteMedia(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	sid, ok := strings.CutSuffix(r.PathValue("media"), ".json")
	s.mu.Lock()
	m := s.media[sid]
	found := ok && r.PathValue("sid") == s.accountSID && m != nil && m.messageSID == r.PathValue("msg")
	if found {
		delete(s.media, sid)
		s.deleted = append(s.deleted, sid)
	}
	s.mu.Unlock()
	if !found {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// sleep waits d, or until the client goes away (then it reports false).
func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
