package imapsync

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"fieldnotes/app/notebook"
)

// MaxAttachmentBytes caps what FetchAttachment returns.
const MaxAttachmentBytes = 50 << 20

// FetchAttachment downloads one attachment of a stored email on demand (the
// pull keeps metadata only). index is Attachment.Index. The message is read
// from the first location that still exists on the server.
func FetchAttachment(ctx context.Context, s Settings, mb Mailbox, emailID string, index int) (Attachment, []byte, error) {
	ms, err := GetMessageState(ctx, mb, emailID)
	if err != nil {
		return Attachment{}, nil, err
	}
	if len(ms.Locations) == 0 {
		return Attachment{}, nil, notebook.Errorf(notebook.NotFound, "this email is no longer on the mail server, so its attachment cannot be downloaded")
	}
	sess, err := connect(ctx, s, slog.Default())
	if err != nil {
		return Attachment{}, nil, err
	}
	defer sess.close()
	stop := context.AfterFunc(ctx, func() { sess.c.Close() })
	defer stop()
	var lastErr error
	for _, loc := range ms.Locations {
		att, data, err := fetchAttachmentAt(sess, loc, index)
		if err == nil {
			return att, data, nil
		}
		if !notebook.IsCode(err, notebook.NotFound) {
			return Attachment{}, nil, classify(s, "downloading an attachment", err)
		}
		lastErr = err
	}
	return Attachment{}, nil, lastErr
}

func fetchAttachmentAt(sess *session, loc Location, index int) (Attachment, []byte, error) {
	sel, err := sess.c.Select(loc.Folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return Attachment{}, nil, err
	}
	if sel.UIDValidity != loc.UIDValidity {
		return Attachment{}, nil, notebook.Errorf(notebook.NotFound, "the folder %s was renumbered since the last sync", loc.Folder)
	}
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := sess.c.Fetch(imap.UIDSetNum(imap.UID(loc.UID)), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	defer cmd.Close()
	var att Attachment
	var data []byte
	found := false
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil && !found {
				g := &guardedLiteral{r: body.Literal, c: sess.c, size: body.Literal.Size()}
				att, data, found, err = extractPart(g, index)
				io.Copy(io.Discard, g)
				if g.truncated {
					return Attachment{}, nil, io.ErrUnexpectedEOF
				}
				if err != nil {
					return Attachment{}, nil, err
				}
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return Attachment{}, nil, err
	}
	if !found {
		return Attachment{}, nil, notebook.Errorf(notebook.NotFound, "attachment %d was not found in the message", index)
	}
	return att, data, nil
}

// extractPart walks the MIME leaves in the same order as ParseMessage and
// returns the index-th one, decoded.
func extractPart(r io.Reader, index int) (Attachment, []byte, bool, error) {
	entity, err := message.Read(r)
	if entity == nil {
		return Attachment{}, nil, false, fmt.Errorf("message header: %w", err)
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
