package imapsync

import (
	"context"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"fieldnotes/app/notebook"
)

const fetchBatch = 500 // UIDs per body FETCH: keeps command lines short on any server

// storeRelevant stores relevant messages: bodies already on this computer
// (the same Message-ID in another folder, or from before a UIDVALIDITY
// change, or an interrupted pull) only gain a location; the rest are
// fetched, streamed and parsed.
func (r *folderRun) storeRelevant(ctx context.Context, relevant []Summary) error {
	var need []Summary
	inNeed := map[string]bool{}
	var sameBatch []Summary // a second copy of a message already being fetched
	for _, sm := range relevant {
		id := EmailID(sm.MessageID)
		if inNeed[id] {
			sameBatch = append(sameBatch, sm)
			continue
		}
		ms, ok, err := r.st.message(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case ok && ms.Hidden:
			r.counts.Skipped++
		case ok:
			ms.Locations = addLocation(ms.Locations, r.location(sm.UID))
			if err := r.st.putMessage(ctx, ms); err != nil {
				return err
			}
			r.counts.Skipped++
		default:
			need = append(need, sm)
			inNeed[id] = true
			continue
		}
		sm.EmailID = id
		r.changed[sm.UID] = sm
	}
	for start := 0; start < len(need); start += fetchBatch {
		end := min(start+fetchBatch, len(need))
		if err := r.fetchBodies(ctx, need[start:end], start, len(need)); err != nil {
			return err
		}
	}
	return r.addCopies(ctx, sameBatch)
}

// addCopies records further copies (same Message-ID) of messages fetched in
// this pull as extra locations.
func (r *folderRun) addCopies(ctx context.Context, copies []Summary) error {
	for _, sm := range copies {
		id := EmailID(sm.MessageID)
		ms, ok, err := r.st.message(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			continue // the first copy was not stored (not relevant after all)
		}
		ms.Locations = addLocation(ms.Locations, r.location(sm.UID))
		if err := r.st.putMessage(ctx, ms); err != nil {
			return err
		}
		sm.EmailID = id
		r.changed[sm.UID] = sm
		r.counts.Skipped++
	}
	return nil
}

// BatchMailbox is optionally implemented by a Mailbox that can commit many
// writes with one fsync (a Badger WriteBatch or transaction). Each body
// FETCH batch (up to 500 messages) is then stored in one Batch call instead
// of three fsynced writes per email. imapsync only writes through tx (it
// never needs to read its own writes), and treats an error from Batch as
// "nothing in it was stored".
type BatchMailbox interface {
	Mailbox
	Batch(ctx context.Context, fn func(tx Mailbox) error) error
}

// saved is one email stored by fetchBodies, applied to the run's counts and
// summaries once its batch is committed.
type saved struct {
	sm     Summary
	stored bool // false: judged not relevant from the raw header
}

func (r *folderRun) location(uid uint32) Location {
	return Location{Folder: r.name, UIDValidity: r.fs.UIDValidity, UID: uid}
}

func addLocation(list []Location, l Location) []Location {
	for _, x := range list {
		if x == l {
			return list
		}
	}
	return append(list, l)
}

// fetchBodies streams BODY.PEEK[] of a batch: each literal is parsed as it
// arrives (never buffered whole), and every message and item is drained in
// order so the connection never stalls.
func (r *folderRun) fetchBodies(ctx context.Context, batch []Summary, done, total int) error {
	byUID := make(map[uint32]Summary, len(batch))
	var set imap.UIDSet
	for _, sm := range batch {
		byUID[sm.UID] = sm
		set.AddNum(imap.UID(sm.UID))
	}
	var results []saved
	run := func(mb Mailbox) error {
		section := &imap.FetchItemBodySection{Peek: true}
		cmd := r.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		var firstErr error
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			uid, parsed, got, err := readBodyMessage(r.c, msg)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			sm, ok := byUID[uid]
			if !ok || !got || firstErr != nil {
				continue
			}
			res, err := r.save(ctx, mb, sm, parsed)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if err == nil {
				results = append(results, res)
			}
			done++
			r.p.report(Progress{Folder: r.name, Stage: "fetching", Done: done, Total: total})
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		return firstErr
	}
	var err error
	if b, ok := r.p.Mailbox.(BatchMailbox); ok {
		if err = b.Batch(ctx, run); err != nil {
			return storeErr(err) // nothing of this batch is stored; the next pull fetches it again
		}
	} else {
		err = run(r.p.Mailbox) // every completed save is durable, error or not
	}
	r.apply(results)
	return err
}

func (r *folderRun) apply(results []saved) {
	for _, res := range results {
		r.changed[res.sm.UID] = res.sm
		if res.stored {
			r.counts.Fetched++
		} else {
			r.counts.Relevant--
			r.counts.Skipped++
		}
	}
}

// readBodyMessage walks one FETCH response; item order is the server's
// choice, so the UID may arrive after the body.
func readBodyMessage(c *imapclient.Client, msg *imapclient.FetchMessageData) (uid uint32, parsed Parsed, got bool, err error) {
	for item := msg.Next(); item != nil; item = msg.Next() {
		switch it := item.(type) {
		case imapclient.FetchItemDataUID:
			uid = uint32(it.UID)
		case imapclient.FetchItemDataBodySection:
			if it.Literal == nil {
				continue
			}
			g := &guardedLiteral{r: it.Literal, c: c, size: it.Literal.Size()}
			parsed, err = ParseMessage(g)
			if _, derr := io.Copy(io.Discard, g); derr != nil && err == nil { // drain: go-imap's own drain must find nothing left
				err = derr
			}
			if g.truncated {
				err = io.ErrUnexpectedEOF // a cut connection looks like EOF: never store half a message
			}
			got = err == nil
		}
	}
	return uid, parsed, got, err
}

// save writes the body, the local state and then the record, so the UI
// never sees an email whose content is missing.
func (r *folderRun) save(ctx context.Context, mb Mailbox, sm Summary, parsed Parsed) (saved, error) {
	if own := parsed.addresses(); len(parsed.From) > 0 {
		if _, ok := r.m.Relevant(own); !ok {
			// The server read the header differently (Dovecot takes the
			// address out of `ana@acme.com via Desk <desk@relay.example>`);
			// our own reading of the raw header wins.
			sm.Relevant, sm.Addrs = false, own
			return saved{sm: sm}, nil
		}
	}
	st := state{mb}
	email := toEmail(sm, parsed, r.m)
	body := Body{EmailID: email.ID, Text: parsed.Text, HTML: parsed.HTML, Attachments: parsed.Attachments, Problems: parsed.Problems, Truncated: parsed.Truncated}
	if err := st.putJSON(ctx, keyBody+email.ID, body); err != nil {
		return saved{}, err
	}
	// Only messages with no local state are fetched, so the state is new.
	ms := MessageState{EmailID: email.ID, MessageID: email.MessageID, Seen: sm.Seen, Locations: []Location{r.location(sm.UID)}}
	if err := st.putMessage(ctx, ms); err != nil {
		return saved{}, err
	}
	if err := mb.SaveEmail(ctx, email); err != nil {
		return saved{}, storeErr(err)
	}
	sm.EmailID = email.ID
	return saved{sm: sm, stored: true}, nil
}

// toEmail builds the notebook record: metadata and the excerpt only.
func toEmail(sm Summary, p Parsed, m *Matcher) notebook.Email {
	match, _ := m.Relevant(append(append(append([]string{}, p.From...), p.To...), append(p.Cc, sm.Addrs...)...))
	from := ""
	if len(p.From) > 0 {
		from = p.From[0]
	} else if len(sm.Addrs) > 0 {
		from = sm.Addrs[0]
	}
	to := append(append([]string{}, p.To...), p.Cc...)
	contacts := match.ContactIDs
	if contacts == nil {
		contacts = []string{}
	}
	return notebook.Email{
		ID:         EmailID(sm.MessageID),
		MessageID:  truncateRunes(sm.MessageID, 900),
		Subject:    p.Subject,
		From:       from,
		To:         to,
		Date:       p.Date,
		Excerpt:    p.Excerpt(),
		AccountID:  match.AccountID,
		ContactIDs: contacts,
		Links:      []string{},
	}
}

// guardedLiteral works around a go-imap beta.8 race: when the connection
// dies in the middle of a literal, the client's reader goroutine resumes
// reading while the literal may still be read (drained) by the consumer.
// On the first read error we close the connection and wait for the reader
// goroutine to exit before anyone touches the stream again.
// A literal that ends before its announced size (go-imap reports a cut
// connection as a plain EOF) is marked truncated.
type guardedLiteral struct {
	r         io.Reader
	c         *imapclient.Client
	size      int64
	read      int64
	err       error
	truncated bool
}

func (g *guardedLiteral) Read(b []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(b)
	g.read += int64(n)
	if err != nil {
		g.err = err
		g.truncated = g.read < g.size
		if err != io.EOF || g.truncated {
			go g.c.Close()
			select {
			case <-g.c.Closed():
			case <-time.After(10 * time.Second):
			}
		}
	}
	return n, err
}
