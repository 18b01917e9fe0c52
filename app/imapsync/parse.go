package imapsync

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // registers every charset x/text knows with go-message
	gomail "github.com/emersion/go-message/mail"
)

// Limits that keep one hostile message from eating the laptop's memory.
const (
	maxTextBytes   = 1 << 20 // text or HTML kept per message
	excerptRunes   = 600     // the record's excerpt, the quote evidence starts from
	maxHeaderBytes = 256 << 10
)

// Attachment is what we keep of an attachment: metadata only. The content
// is fetched on demand (FetchAttachment) when the rep opens it.
type Attachment struct {
	Index       int    `json:"index"` // n-th leaf part of the message, from 1 (FetchAttachment)
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Inline      bool   `json:"inline,omitempty"`
	ContentID   string `json:"content_id,omitempty"`
}

// Parsed is a message turned into readable parts. Every string is valid
// UTF-8, whatever the message was.
type Parsed struct {
	MessageID   string       `json:"message_id"`
	Subject     string       `json:"subject"`
	From        []string     `json:"from"`      // addresses, lower-case
	FromName    string       `json:"from_name"` // display name of the first sender, for the inbox list
	To          []string     `json:"to"`
	Cc          []string     `json:"cc"`
	Bcc         []string     `json:"bcc"` // only in the rep's own sent copies
	Date        time.Time    `json:"date"`
	Text        string       `json:"text"`        // plain text (or text derived from HTML)
	HTML        string       `json:"html"`        // sanitised HTML; "" when the message had none
	Attachments []Attachment `json:"attachments"` //
	Problems    []string     `json:"problems"`    // what was malformed and degraded, for support
	Truncated   bool         `json:"truncated"`   // text or HTML was longer than we keep

	src     *source       // the stream being parsed, to tell its failures from malformed MIME
	rawBody *cappedBuffer // the start of the raw body, shown when the MIME structure yields nothing
}

// maxRawFallback is how much raw body is kept for a message whose MIME
// structure is too broken to yield any text.
const maxRawFallback = 256 << 10

// cappedBuffer keeps the first max bytes written to it and drops the rest.
type cappedBuffer struct {
	buf bytes.Buffer
	max int
}

func (c *cappedBuffer) Write(b []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(b[:min(room, len(b))])
	}
	return len(b), nil
}

// source remembers the first failure of the underlying stream (a dropped
// connection), as opposed to errors the MIME parser makes up for malformed
// input, which only degrade the result.
type source struct {
	r   io.Reader
	err error
}

func (s *source) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// ioError returns the stream's own failure, if any; parse errors are nil.
func (p *Parsed) ioError(error) error {
	if p.src != nil {
		return p.src.err
	}
	return nil
}

// addresses is every sender and recipient address of the message.
func (p Parsed) addresses() []string {
	return append(append(append(append([]string{}, p.From...), p.To...), p.Cc...), p.Bcc...)
}

// Excerpt is the start of the message's own words (quoted replies and
// signatures cut), collapsed to one paragraph.
func (p Parsed) Excerpt() string { return excerpt(p.Text, excerptRunes) }

// ParseMessage reads one RFC 5322 message from r, streaming: attachments are
// counted, not kept. It never fails on malformed input — headers that do not
// parse are read leniently, bad charsets become best-effort UTF-8, a broken
// MIME structure keeps what was read so far — and reports what degraded in
// Parsed.Problems. An error is returned only when r itself fails.
func ParseMessage(r io.Reader) (p Parsed, err error) {
	defer func() { // last line of defence: hostile input must never crash the puller
		if v := recover(); v != nil {
			p.Problems = append(p.Problems, fmt.Sprintf("parser panic: %v", v))
			err = nil
		}
		p = p.finish()
		if p.src != nil && p.src.err != nil {
			err = p.src.err
		}
		p.src, p.rawBody = nil, nil
	}()
	p.src = &source{r: r}
	br := bufio.NewReaderSize(p.src, 32<<10)
	header, rest, problems, rerr := readHeaderBlock(br)
	p.Problems = append(p.Problems, problems...)
	if rerr != nil {
		return p, p.ioError(rerr)
	}
	p.rawBody = &cappedBuffer{max: maxRawFallback}
	body := io.TeeReader(io.MultiReader(bytes.NewReader(rest), br), p.rawBody)
	entity, herr := message.Read(io.MultiReader(bytes.NewReader(header), body))
	if entity == nil {
		p.Problems = append(p.Problems, "unreadable header: "+errString(herr))
		text, rerr := readCapped(io.MultiReader(bytes.NewReader(rest), br), maxTextBytes)
		p.Text, p.Truncated = text, rerr == errCapped
		return p, p.ioError(rerr)
	}
	if herr != nil && !message.IsUnknownCharset(herr) && !message.IsUnknownEncoding(herr) {
		p.Problems = append(p.Problems, "header: "+errString(herr))
	}
	p.readHeader(gomail.Header{Header: entity.Header})
	return p, p.readBody(entity)
}

var headerName = regexp.MustCompile(`^[!-9;-~]+[ \t]*:`)

// readHeaderBlock reads the header section and keeps only lines that look
// like header fields (or their continuations), so one malformed line does
// not make the whole message unreadable. A message that does not start with
// a header at all is all body. rest is text that belongs to the body.
func readHeaderBlock(br *bufio.Reader) (header, rest []byte, problems []string, err error) {
	var out bytes.Buffer
	size, lines := 0, 0
	keptPrev := false
	for {
		line, rerr := br.ReadSlice('\n')
		if rerr == bufio.ErrBufferFull {
			more, _ := readLongLine(br, line)
			line = more
			rerr = nil
		}
		if rerr != nil && rerr != io.EOF {
			return nil, nil, problems, rerr
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		switch {
		case len(trimmed) == 0 && (len(line) > 0 || rerr == io.EOF):
			out.WriteString("\r\n")
			return out.Bytes(), nil, problems, nil
		case lines == 0 && !headerName.Match(trimmed):
			return []byte("\r\n"), append([]byte(nil), line...), append(problems, "no header section"), nil
		case headerName.Match(trimmed) || keptPrev && (trimmed[0] == ' ' || trimmed[0] == '\t'):
			if size+len(trimmed) > maxHeaderBytes {
				problems = append(problems, "header section too long; cut")
				keptPrev = false
				break
			}
			out.Write(trimmed)
			out.WriteString("\r\n")
			size += len(trimmed)
			keptPrev = true
		default:
			problems = append(problems, "malformed header line dropped")
			keptPrev = false
		}
		lines++
		if rerr == io.EOF {
			out.WriteString("\r\n")
			return out.Bytes(), nil, problems, nil
		}
	}
}

// readLongLine finishes a line longer than the reader's buffer, keeping at
// most maxHeaderBytes of it.
func readLongLine(br *bufio.Reader, start []byte) ([]byte, error) {
	line := append([]byte(nil), start...)
	for {
		more, err := br.ReadSlice('\n')
		if len(line) < maxHeaderBytes {
			line = append(line, more...)
		}
		if err != bufio.ErrBufferFull {
			if len(line) > 0 && line[len(line)-1] != '\n' {
				line = append(line, '\n')
			}
			return line, err
		}
	}
}

var errCapped = errors.New("capped")

func errString(err error) string {
	if err == nil {
		return "?"
	}
	return shortReason(err)
}

func (p *Parsed) readHeader(h gomail.Header) {
	p.Subject = decodeHeaderText(h.Get("Subject"))
	p.From, p.FromName = addressesOf(h, "From")
	p.To, _ = addressesOf(h, "To")
	p.Cc, _ = addressesOf(h, "Cc")
	p.Bcc, _ = addressesOf(h, "Bcc")
	if d, err := h.Date(); err == nil {
		p.Date = d
	} else if raw := h.Get("Date"); raw != "" {
		p.Date = lenientDate(raw)
		p.Problems = append(p.Problems, "unparseable Date header")
	}
	p.MessageID = messageIDOf(h)
}

func messageIDOf(h gomail.Header) string {
	if id, err := h.MessageID(); err == nil && cleanMessageID(id) != "" {
		return cleanMessageID(id)
	}
	return cleanMessageID(h.Get("Message-Id"))
}

// cleanMessageID trims brackets and blanks and makes the id valid UTF-8;
// "" means the message has no usable Message-ID.
func cleanMessageID(id string) string {
	id = strings.TrimSpace(bestEffortUTF8([]byte(id)))
	id = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">"))
	return truncateRunes(id, 400)
}

// leninentHeader parses the header at the start of raw (which may be cut
// anywhere) with the same tolerance as ParseMessage.
func leninentHeader(raw []byte) gomail.Header {
	header, _, _, _ := readHeaderBlock(bufio.NewReader(bytes.NewReader(raw)))
	entity, _ := message.Read(bytes.NewReader(header))
	if entity == nil {
		return gomail.Header{}
	}
	return gomail.Header{Header: entity.Header}
}

// addressesOf parses an address header strictly, then leniently; it returns
// the addresses and the first display name.
func addressesOf(h gomail.Header, key string) ([]string, string) {
	list, err := h.AddressList(key)
	if err == nil {
		out := make([]string, 0, len(list))
		name := ""
		for _, a := range list {
			out = append(out, strings.ToLower(a.Address))
			if name == "" {
				name = a.Name
			}
		}
		return out, name
	}
	raw := h.Get(key)
	name := decodeHeaderText(raw)
	if i := strings.IndexAny(name, "<@"); i > 0 {
		name = strings.Trim(strings.TrimSpace(name[:i]), `"`)
	}
	return LenientAddresses(decodeHeaderText(raw)), name
}

// decodeHeaderText decodes RFC 2047 words; words that do not decode stay
// as they were, and the result is always valid UTF-8.
func decodeHeaderText(raw string) string {
	if s, err := wordDecoder.DecodeHeader(raw); err == nil {
		raw = s
	} else {
		raw = decodeWordsOneByOne(raw)
	}
	return strings.TrimSpace(bestEffortUTF8([]byte(raw)))
}

func decodeWordsOneByOne(raw string) string {
	fields := strings.Fields(raw)
	for i, f := range fields {
		if strings.HasPrefix(f, "=?") && strings.HasSuffix(f, "?=") {
			if s, err := wordDecoder.Decode(f); err == nil {
				fields[i] = s
			}
		}
	}
	return strings.Join(fields, " ")
}

func lenientDate(raw string) time.Time {
	raw = strings.TrimSpace(raw)
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC822Z, time.RFC822, "2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t
		}
	}
	if t, err := mail.ParseDate(raw); err == nil {
		return t
	}
	return time.Time{}
}

// readBody walks the MIME tree: the first text/plain and text/html parts are
// the body, everything else is an attachment counted byte by byte.
func (p *Parsed) readBody(entity *message.Entity) error {
	mr := gomail.NewReader(entity)
	var html string
	for index := 1; ; index++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if part == nil {
			p.Problems = append(p.Problems, "MIME structure: "+errString(err))
			if ioErr := p.ioError(err); ioErr != nil {
				return ioErr
			}
			break
		}
		if err != nil { // unknown charset: the part is still readable as bytes
			p.Problems = append(p.Problems, "part "+fmt.Sprint(index)+": "+errString(err))
		}
		if err := p.readPart(part, index, &html); err != nil {
			return err
		}
	}
	if html != "" {
		p.HTML = SanitizeHTML(html)
		if strings.TrimSpace(p.Text) == "" {
			p.Text = HTMLToText(p.HTML)
		}
	}
	if strings.TrimSpace(p.Text) == "" && html == "" && len(p.Attachments) == 0 && p.rawBody != nil {
		if _, err := io.Copy(io.Discard, entity.Body); p.ioError(err) != nil { // whatever the MIME reader left
			return p.ioError(err)
		}
		// Nothing came out of the MIME structure: show the raw text rather
		// than an empty message.
		p.Text = strings.TrimSpace(bestEffortUTF8(p.rawBody.buf.Bytes()))
		if p.Text != "" {
			p.Problems = append(p.Problems, "MIME structure unreadable; showing the raw message text")
		}
	}
	return nil
}

func (p *Parsed) readPart(part *gomail.Part, index int, html *string) error {
	ctype, params, _ := mimeType(part.Header)
	switch h := part.Header.(type) {
	case *gomail.InlineHeader:
		if ctype == "text/plain" && p.Text == "" || ctype == "text/html" && *html == "" || ctype == "" && p.Text == "" {
			text, err := readCapped(part.Body, maxTextBytes)
			if err == errCapped {
				p.Truncated = true
			} else if ioErr := p.ioError(err); ioErr != nil {
				return ioErr
			} else if err != nil && err != io.EOF {
				p.Problems = append(p.Problems, fmt.Sprintf("part %d: %s", index, errString(err)))
			}
			if ctype == "text/html" {
				*html = text
			} else {
				p.Text = text
			}
			return nil
		}
		if strings.HasPrefix(ctype, "text/") { // a second text part: keep it as an inline attachment
			return p.countAttachment(part, index, "", ctype, true, h.Get("Content-Id"))
		}
		return p.countAttachment(part, index, params["name"], ctype, true, h.Get("Content-Id"))
	case *gomail.AttachmentHeader:
		name, err := h.Filename()
		if err != nil || name == "" {
			name = decodeHeaderText(params["name"])
		}
		return p.countAttachment(part, index, name, ctype, false, h.Get("Content-Id"))
	}
	_, err := io.Copy(io.Discard, part.Body)
	return p.ioError(err)
}

func mimeType(h gomail.PartHeader) (string, map[string]string, error) {
	raw := h.Get("Content-Type")
	if raw == "" {
		return "text/plain", map[string]string{}, nil
	}
	t, params, err := mime.ParseMediaType(raw)
	if err != nil {
		if i := strings.IndexByte(raw, ';'); i >= 0 {
			raw = raw[:i]
		}
		return strings.ToLower(strings.TrimSpace(raw)), map[string]string{}, err
	}
	return t, params, nil
}

func (p *Parsed) countAttachment(part *gomail.Part, index int, name, ctype string, inline bool, cid string) error {
	n, err := io.Copy(io.Discard, part.Body)
	if ioErr := p.ioError(err); ioErr != nil {
		return ioErr
	}
	if err != nil {
		p.Problems = append(p.Problems, fmt.Sprintf("attachment %d: %s", index, errString(err)))
	}
	p.Attachments = append(p.Attachments, Attachment{
		Index:       index,
		Name:        bestEffortUTF8([]byte(name)),
		ContentType: bestEffortUTF8([]byte(ctype)),
		Size:        n,
		Inline:      inline,
		ContentID:   strings.Trim(bestEffortUTF8([]byte(cid)), "<> "),
	})
	return nil
}

// readCapped reads at most max bytes as text and discards the rest; it
// returns errCapped when something was cut.
func readCapped(r io.Reader, max int64) (string, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, max))
	if err != nil {
		return bestEffortUTF8(buf.Bytes()), err
	}
	if n == max {
		if extra, _ := io.Copy(io.Discard, r); extra > 0 {
			return bestEffortUTF8(buf.Bytes()), errCapped
		}
	}
	return bestEffortUTF8(buf.Bytes()), nil
}

// bestEffortUTF8 keeps valid UTF-8 as it is and reads every invalid byte as
// Latin-1, the most common mislabelled charset, so text stays readable
// instead of turning into replacement characters. NUL and other control
// characters except tab and newlines are dropped.
func bestEffortUTF8(b []byte) string {
	if utf8.Valid(b) && !hasControl(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			r, size = rune(b[0]), 1
			if r < 0xA0 { // C1 controls: probably Windows-1252 punctuation
				r = '\uFFFD'
			}
		}
		b = b[size:]
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return true
		}
	}
	return false
}

// excerpt keeps the rep-relevant start of a message: no quoted lines, no
// "On … wrote:" preamble, no signature; whitespace collapsed.
func excerpt(text string, max int) string {
	var kept []string
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "--" || strings.HasPrefix(trimmed, "-----Original Message") {
			break
		}
		if strings.HasPrefix(trimmed, ">") || strings.HasPrefix(trimmed, "On ") && strings.HasSuffix(trimmed, "wrote:") {
			continue
		}
		kept = append(kept, trimmed)
	}
	s := strings.Join(strings.FieldsFunc(strings.Join(kept, " "), unicode.IsSpace), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	cut := string(runes[:max])
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

func (p Parsed) finish() Parsed {
	p.Subject = truncateRunes(p.Subject, 998)
	p.MessageID = truncateRunes(bestEffortUTF8([]byte(p.MessageID)), 400)
	if p.Attachments == nil {
		p.Attachments = []Attachment{}
	}
	return p
}

func truncateRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}
