package store

import (
	"bytes"
	"encoding/json"
	"sync"
)

// jsonEncoder is a reusable JSON encoder and its buffer.
type jsonEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonEncoders = sync.Pool{New: func() any {
	e := &jsonEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false) // stored, never embedded in HTML: keep <, > and & as they are
	return e
}}

// encodeJSON returns header followed by v as JSON, in one allocation of
// the size it needs.
func encodeJSON(header []byte, v any) ([]byte, error) {
	e := jsonEncoders.Get().(*jsonEncoder)
	defer func() {
		if e.buf.Cap() <= 64<<10 {
			jsonEncoders.Put(e)
		}
	}()
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	doc := bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
	return append(append(make([]byte, 0, len(header)+len(doc)), header...), doc...), nil
}
