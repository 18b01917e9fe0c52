package imapsync

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite testdata/xss/out (the sanitised documents the browser e2e suite renders)")

type xssVector struct {
	Name string `json:"name"`
	HTML string `json:"html"`
}

func loadXSSVectors(t testing.TB) []xssVector {
	b, err := os.ReadFile("testdata/xss/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v []xssVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v) < 50 {
		t.Fatalf("only %d XSS vectors; the corpus must hold at least 50", len(v))
	}
	return v
}

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

// TestXSSCorpus sanitises every vector and checks the result with a real
// HTML tokenizer: no dangerous element, no event handler, no javascript:,
// no remote URL anywhere but a link's href. With -update it writes each
// sanitised document (SrcDoc) to testdata/xss/out for the Chromium suite.
func TestXSSCorpus(t *testing.T) {
	vectors := loadXSSVectors(t)
	if *update {
		os.RemoveAll("testdata/xss/out")
		os.MkdirAll("testdata/xss/out", 0o755)
	}
	for i, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			clean := SanitizeHTML(v.HTML)
			assertInert(t, clean)
			doc := SrcDoc(clean)
			if !strings.Contains(doc, "default-src &#39;none&#39;") && !strings.Contains(doc, "default-src 'none'") {
				t.Errorf("srcdoc lacks the CSP")
			}
			if *update {
				name := fmt.Sprintf("%02d-%s.html", i+1, strings.Trim(slugChars.ReplaceAllString(strings.ToLower(v.Name), "-"), "-"))
				if err := os.WriteFile(filepath.Join("testdata/xss/out", name), []byte(doc), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	if got := SanitizeHTML(`<p>See <a href="https://acme.com/roadmap">our roadmap</a></p>`); !strings.Contains(got, `href="https://acme.com/roadmap"`) || !strings.Contains(got, `target="_blank"`) || !strings.Contains(got, `data-external="true"`) {
		t.Errorf("safe link not kept or not marked external: %s", got)
	}
	if got := SanitizeHTML(`<img alt="logo" src="cid:logo@acme">`); !strings.Contains(got, `src="cid:logo@acme"`) {
		t.Errorf("inline cid image dropped: %s", got)
	}
}

var forbiddenElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "form": true, "input": true, "button": true, "textarea": true, "select": true, "meta": true,
	"base": true, "link": true, "svg": true, "math": true, "video": true, "audio": true, "source": true,
	"picture": true, "template": true, "portal": true, "dialog": true, "area": true, "map": true, "image": true,
}

var remote = regexp.MustCompile(`(?i)(https?:|//|url\s*\(|@import|expression\s*\(|javascript:|vbscript:|data:text)`)

func assertInert(t *testing.T, s string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if forbiddenElements[tok.Data] || strings.Contains(tok.Data, ":") {
			t.Errorf("element <%s> survived in %s", tok.Data, s)
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			val := strings.ToLower(a.Val)
			switch {
			case strings.HasPrefix(key, "on"):
				t.Errorf("event handler %s survived in %s", key, s)
			case strings.Contains(val, "javascript:") || strings.Contains(val, "vbscript:"):
				t.Errorf("script URL in %s=%q", key, a.Val)
			case key == "href" && tok.Data == "a":
				if !regexp.MustCompile(`^(https?:|mailto:|cid:)`).MatchString(val) {
					t.Errorf("link href %q is not http(s)/mailto", a.Val)
				}
			case key == "srcset" || key == "background" || key == "poster" || key == "ping" || key == "formaction" || key == "xlink:href":
				t.Errorf("attribute %s survived in %s", key, s)
			case remote.MatchString(val):
				t.Errorf("remote or active content in %s=%q", key, a.Val)
			}
		}
	}
}

func TestSrcDocHasStrictCSP(t *testing.T) {
	doc := SrcDoc("<p>x</p>")
	for _, want := range []string{"Content-Security-Policy", "default-src &#39;none&#39;", "img-src data: cid:", "style-src &#39;unsafe-inline&#39;", `<base target="_blank">`} {
		if !strings.Contains(doc, want) {
			t.Errorf("srcdoc lacks %q: %s", want, doc)
		}
	}
	if !strings.Contains(TextSrcDoc("<b>&"), "&lt;b&gt;&amp;") {
		t.Errorf("plain text not escaped")
	}
}

func FuzzSanitizeHTML(f *testing.F) {
	for _, v := range loadXSSVectors(f) {
		f.Add(v.HTML)
	}
	f.Fuzz(func(t *testing.T, dirty string) {
		assertInert(t, SanitizeHTML(dirty))
	})
}
