package imapsync

import (
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// CSP is the Content-Security-Policy of the document an email is shown in:
// nothing may load or run except inline styles and images carried in the
// message itself (data: and cid:).
const CSP = "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'"

var (
	policyOnce sync.Once
	policy     *bluemonday.Policy
	textPolicy = bluemonday.StrictPolicy()
)

// Which inline styles survive: layout and typography only. Values that
// could fetch (url(), image-set(), @import) or run (expression()) are
// refused whatever the property.
var (
	safeStyleProperties = []string{
		"color", "background-color", "font-family", "font-size", "font-weight", "font-style",
		"text-align", "text-decoration", "line-height", "letter-spacing", "white-space",
		"margin", "margin-top", "margin-bottom", "margin-left", "margin-right",
		"padding", "padding-top", "padding-bottom", "padding-left", "padding-right",
		"border", "border-top", "border-bottom", "border-left", "border-right", "border-color",
		"border-collapse", "border-radius", "width", "max-width", "height", "vertical-align", "display",
	}
	fetchingCSS = regexp.MustCompile(`(?i)url\s*\(|image-set|@import|expression\s*\(|javascript:|behavior|-moz-binding|\\`)
	// Images may come only from the message itself.
	inlineImage = regexp.MustCompile(`^(?i:cid:[^\s"'<>]+|data:image/(?:png|gif|jpeg|jpg|webp);base64,[A-Za-z0-9+/=\s]+)$`)
)

func emailPolicy() *bluemonday.Policy {
	policyOnce.Do(func() {
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "br", "div", "span", "b", "i", "u", "s", "strong", "em", "small", "big", "sub", "sup",
			"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code",
			"hr", "center", "font", "abbr", "cite", "q", "del", "ins", "mark", "address",
			"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "col", "colgroup")
		p.AllowAttrs("align", "valign", "width", "height", "colspan", "rowspan", "cellpadding",
			"cellspacing", "border", "dir", "title", "lang").Globally()
		p.AllowAttrs("color", "face", "size").OnElements("font")
		p.AllowAttrs("bgcolor").Matching(regexp.MustCompile(`^#?[0-9A-Za-z]{1,20}$`)).Globally()
		p.AllowStyles(safeStyleProperties...).MatchingHandler(func(v string) bool {
			return !fetchingCSS.MatchString(v)
		}).Globally()
		// Links stay, open outside the app (target=_blank, rel=noopener
		// noreferrer nofollow), and only for web and mail addresses.
		p.AllowAttrs("href").OnElements("a")
		p.AllowURLSchemes("http", "https", "mailto", "cid")
		p.RequireParseableURLs(true)
		p.RequireNoFollowOnLinks(true)
		p.RequireNoReferrerOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		// Images only from the message itself; remote ones are dropped so
		// opening an email never tells a sender it was read.
		p.AllowAttrs("src").Matching(inlineImage).OnElements("img")
		p.AllowAttrs("alt", "width", "height").OnElements("img")
		p.AllowDataURIImages()
		policy = p
	})
	return policy
}

// SanitizeHTML returns email HTML with nothing that runs or fetches: no
// script, event handlers, forms, frames, objects, style sheets, remote images
// or CSS url()s. Links are kept and marked to open externally.
func SanitizeHTML(dirty string) string {
	clean := emailPolicy().Sanitize(dirty)
	return markExternalLinks(clean)
}

var anchorOpen = regexp.MustCompile(`<a\s`)

// markExternalLinks tags every link so the reading view (and the iframe's
// <base target>) hands it to the system browser.
func markExternalLinks(s string) string {
	return anchorOpen.ReplaceAllString(s, `<a data-external="true" `)
}

// SrcDoc wraps sanitised HTML into the complete document for the reading
// view's <iframe sandbox srcdoc=…>: a strict CSP meta (default-src 'none'),
// links targeted at a new browsing context, readable default styles.
func SrcDoc(sanitized string) string {
	var b strings.Builder
	b.Grow(len(sanitized) + 600)
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8">`)
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="` + html.EscapeString(CSP) + `">`)
	b.WriteString(`<meta name="referrer" content="no-referrer"><base target="_blank">`)
	b.WriteString(`<style>body{font:14px/1.45 system-ui,sans-serif;margin:12px;overflow-wrap:anywhere}img{max-width:100%;height:auto}blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:10px;color:#555}</style>`)
	b.WriteString(`</head><body>`)
	b.WriteString(sanitized)
	b.WriteString(`</body></html>`)
	return b.String()
}

// TextSrcDoc is SrcDoc for a plain-text message (the fallback when there is
// no HTML part): escaped, pre-wrapped.
func TextSrcDoc(text string) string {
	return SrcDoc(`<pre style="white-space: pre-wrap">` + html.EscapeString(text) + `</pre>`)
}

var blockEnd = regexp.MustCompile(`(?i)</(p|div|tr|li|h[1-6]|blockquote|table)>|<br\s*/?>`)

// HTMLToText turns (sanitised) HTML into plain text for excerpts and
// search: block ends become new lines, tags go, entities are decoded.
func HTMLToText(s string) string {
	s = blockEnd.ReplaceAllString(s, "\n")
	s = textPolicy.Sanitize(s)
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
