package signin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCallback: whatever reaches the loopback listener, it never panics,
// and only a request carrying this sign-in's state is taken as the answer.
func FuzzCallback(f *testing.F) {
	const state = "the-state-of-this-sign-in"
	for _, seed := range []string{"/callback?code=abc&state=" + state, "/callback?state=" + state + "&error=access_denied&error_description=no",
		"/callback?code=abc&state=other", "/callback?state=" + state, "/?code=x&state=" + state, "/callback?%zz", "/callback?state=" + state + "&state=x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, target string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1"+target, nil)
		if err != nil {
			return
		}
		answers := make(chan callback, 1)
		rec := httptest.NewRecorder()
		callbackHandler(state, answers).ServeHTTP(rec, req)
		select {
		case <-answers:
			if req.URL.Query().Get("state") != state || req.URL.Path != CallbackPath {
				t.Fatalf("%q was taken as the answer", target)
			}
		default:
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("%q: turned away with %d", target, rec.Code)
			}
		}
	})
}
