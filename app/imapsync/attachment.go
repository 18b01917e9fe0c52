package imapsync

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"fieldnotes/app/notebook"
)

// Caps for on-demand downloads.
const (
	MaxAttachmentBytes   = 50 << 20 // one attachment
	MaxInlineImagesBytes = 10 << 20 // all inline images of one message
)

// FetchAttachment downloads one attachment of a stored email on demand (the
// pull keeps metadata only). index is Attachment.Index. The message is read
// from the first location that still exists on the server.
func FetchAttachment(ctx context.Context, s Settings, mb Mailbox, emailID string, index int) (Attachment, []byte, error) {
	var att Attachment
	var data []byte
	err := withMessage(ctx, s, mb, emailID, "downloading an attachment", func(r io.Reader) (bool, error) {
		var found bool
		var err error
		att, data, found, err = extractPart(r, index)
		return found, err
	})
	if notebook.IsCode(err, notebook.NotFound) && !strings.Contains(err.Error(), "mail server") {
		err = notebook.Errorf(notebook.NotFound, "attachment %d was not found in this email", index)
	}
	return att, data, err
}

// InlineImages replaces the cid: images of an email's sanitised HTML with
// data: URIs of the message's own inline parts (only PNG, GIF, JPEG and
// WebP), so they show in the reading view's iframe whose CSP allows data:
// images only. It downloads the message once, on demand.
func InlineImages(ctx context.Context, s Settings, mb Mailbox, emailID, sanitizedHTML string) (string, error) {
	if !strings.Contains(sanitizedHTML, `src="cid:`) {
		return sanitizedHTML, nil
	}
	var images map[string]string
	err := withMessage(ctx, s, mb, emailID, "downloading inline images", func(r io.Reader) (bool, error) {
		var err error
		images, err = inlineImageParts(r)
		return true, err
	})
	if err != nil {
		return sanitizedHTML, err
	}
	out := sanitizedHTML
	for cid, uri := range images {
		out = strings.ReplaceAll(out, `src="cid:`+cid+`"`, `src="`+uri+`"`)
	}
	return out, nil
}

// withMessage streams the raw message of a stored email through fn, trying
// each known location; fn reports whether it found what it wanted.
func withMessage(ctx context.Context, s Settings, mb Mailbox, emailID, doing string, fn func(io.Reader) (bool, error)) error {
	ms, err := GetMessageState(ctx, mb, emailID)
	if err != nil {
		return err
	}
	if len(ms.Locations) == 0 {
		return notebook.Errorf(notebook.NotFound, "this email is no longer on the mail server")
	}
	sess, err := connect(ctx, s, slog.Default())
	if err != nil {
		return err
	}
	defer sess.close()
	stop := context.AfterFunc(ctx, func() { sess.c.Close() })
	defer stop()
	var lastErr error = notebook.Errorf(notebook.NotFound, "this email is no longer on the mail server")
	for _, loc := range ms.Locations {
		found, err := streamMessageAt(sess, loc, fn)
		if err != nil {
			if notebook.IsCode(err, notebook.NotFound) {
				lastErr = err
				continue
			}
			return classify(s, doing, err)
		}
		if found {
			return nil
		}
		lastErr = notebook.Errorf(notebook.NotFound, "not found in the message")
	}
	return lastErr
}

func streamMessageAt(sess *session, loc Location, fn func(io.Reader) (bool, error)) (bool, error) {
	sel, err := sess.c.Select(loc.Folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return false, err
	}
	if sel.UIDValidity != loc.UIDValidity {
		return false, notebook.Errorf(notebook.NotFound, "the folder %s was renumbered on the mail server since the last sync", loc.Folder)
	}
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := sess.c.Fetch(imap.UIDSetNum(imap.UID(loc.UID)), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	found, seen := false, false
	var fnErr error
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			body, ok := item.(imapclient.FetchItemDataBodySection)
			if !ok || body.Literal == nil || seen {
				continue
			}
			seen = true
			g := &guardedLiteral{r: body.Literal, c: sess.c, size: body.Literal.Size()}
			found, fnErr = fn(g)
			if _, err := io.Copy(io.Discard, g); err != nil && fnErr == nil { // drain: go-imap's own drain must find nothing left
				fnErr = err
			}
			if g.truncated {
				fnErr = io.ErrUnexpectedEOF
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return false, err
	}
	if !seen {
		return false, notebook.Errorf(notebook.NotFound, "the message is no longer in %s on the mail server", loc.Folder)
	}
	return found, fnErr
}

// openEntity reads a message header as leniently as ParseMessage does.
func openEntity(r io.Reader) (*message.Entity, error) {
	br := bufio.NewReader(r)
	header, rest, _, err := readHeaderBlock(br)
	if err != nil {
		return nil, err
	}
	entity, err := message.Read(io.MultiReader(bytes.NewReader(header), bytes.NewReader(rest), br))
	if entity == nil {
		return nil, err
	}
	return entity, nil
}

// extractPart walks the MIME leaves in the same order as ParseMessage and
// returns the index-th one, decoded.
func extractPart(r io.Reader, index int) (Attachment, []byte, bool, error) {
	entity, err := openEntity(r)
	if err != nil {
		return Attachment{}, nil, false, err
	}
	mr := gomail.NewReader(entity)
	for i := 1; ; i++ {
		part, _ := mr.NextPart() // a cut stream is caught by the caller's guardedLiteral
		if part == nil {
			return Attachment{}, nil, false, nil
		}
		if i != index {
			continue
		}
		ctype, params, _ := mimeType(part.Header)
		name := decodeHeaderText(params["name"])
		if h, ok := part.Header.(*gomail.AttachmentHeader); ok {
			if fn, ferr := h.Filename(); ferr == nil && fn != "" {
				name = fn
			}
		}
		var buf bytes.Buffer
		n, rerr := io.Copy(&buf, io.LimitReader(part.Body, MaxAttachmentBytes))
		if rerr != nil {
			return Attachment{}, nil, false, rerr
		}
		return Attachment{Index: i, Name: bestEffortUTF8([]byte(name)), ContentType: ctype, Size: n}, buf.Bytes(), true, nil
	}
}

var inlineImageTypes = map[string]bool{"image/png": true, "image/gif": true, "image/jpeg": true, "image/jpg": true, "image/webp": true}

// inlineImageParts returns data: URIs of the message's images that have a
// Content-ID, keyed by the id without angle brackets.
func inlineImageParts(r io.Reader) (map[string]string, error) {
	entity, err := openEntity(r)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	total := 0
	mr := gomail.NewReader(entity)
	for {
		part, _ := mr.NextPart()
		if part == nil {
			return out, nil
		}
		ctype, _, _ := mimeType(part.Header)
		cid := strings.Trim(strings.TrimSpace(part.Header.Get("Content-Id")), "<>")
		if cid == "" || !inlineImageTypes[ctype] || strings.ContainsAny(cid, `"<>`) {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part.Body, MaxInlineImagesBytes-int64(total)+1))
		if err != nil {
			return nil, err
		}
		if total += len(data); total > MaxInlineImagesBytes {
			return out, nil
		}
		out[cid] = "data:" + ctype + ";base64," + base64.StdEncoding.EncodeToString(data)
	}
}
