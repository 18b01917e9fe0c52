package imapsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"fieldnotes/app/notebook"
)

// Progress reports how far a pull is, for the "folder, n of N" bar.
type Progress struct {
	Folder string `json:"folder"`
	Stage  string `json:"stage"` // "checking", "scanning", "fetching", "done"
	Done   int    `json:"done"`
	Total  int    `json:"total"`
}

// Counts is what a pull did, printed by `fieldnotes mail sync`.
type Counts struct {
	Folders     int `json:"folders"`
	Scanned     int `json:"scanned"`      // envelopes read
	Relevant    int `json:"relevant"`     // messages concerning a known account or contact
	Fetched     int `json:"fetched"`      // bodies downloaded, parsed and stored
	Skipped     int `json:"skipped"`      // bodies not downloaded: not relevant, hidden, or already stored
	Expunged    int `json:"expunged"`     // messages gone from the server since last time
	FlagChanges int `json:"flag_changes"` // read/unread changes picked up
	Rescanned   int `json:"rescanned"`    // folders re-scanned because UIDVALIDITY changed
}

func (c *Counts) add(o Counts) {
	c.Folders += o.Folders
	c.Scanned += o.Scanned
	c.Relevant += o.Relevant
	c.Fetched += o.Fetched
	c.Skipped += o.Skipped
	c.Expunged += o.Expunged
	c.FlagChanges += o.FlagChanges
	c.Rescanned += o.Rescanned
}

// String is the one-line summary the CLI prints.
func (c Counts) String() string {
	return fmt.Sprintf("scanned %d, relevant %d, fetched %d, skipped %d (folders %d, expunged %d, flag changes %d)",
		c.Scanned, c.Relevant, c.Fetched, c.Skipped, c.Folders, c.Expunged, c.FlagChanges)
}

// PullOnce connects, pulls every watched folder once and disconnects. It is
// what `fieldnotes mail sync` calls. progress may be nil; ctx cancels.
func PullOnce(ctx context.Context, s Settings, dir Directory, mb Mailbox, progress func(Progress)) (Counts, error) {
	p := &Puller{Settings: s, Directory: dir, Mailbox: mb, Progress: progress}
	defer p.Close()
	return p.Pull(ctx)
}

// Puller pulls one mailbox, keeping its connection between pulls (Service
// uses one; PullOnce makes a throwaway one). Not safe for concurrent use.
type Puller struct {
	Settings  Settings
	Directory Directory
	Mailbox   Mailbox
	Progress  func(Progress)
	Log       *slog.Logger

	sess    *session
	folders []string
}

// Close logs out and drops the connection.
func (p *Puller) Close() {
	p.sess.close()
	p.sess = nil
}

func (p *Puller) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

func (p *Puller) report(pr Progress) {
	if p.Progress != nil {
		p.Progress(pr)
	}
}

// Pull brings every watched folder up to date. After an error the
// connection is dropped and the next Pull reconnects and resumes: state only
// advances once a folder's messages are stored, and every write is keyed
// (email id from Message-ID, summaries by folder+UIDVALIDITY+UID), so a
// repeated pull neither duplicates nor loses anything.
func (p *Puller) Pull(ctx context.Context) (Counts, error) {
	reused := p.sess != nil
	c, err := p.pull(ctx)
	if err != nil && reused && ctx.Err() == nil && errors.Is(err, ErrUnreachable) {
		// A kept connection can die quietly (NAT timeout, server restart):
		// reconnect once before reporting a failure.
		p.log().Info("imap connection went stale; reconnecting", "server", p.Settings.String())
		retry, err := p.pull(ctx)
		retry.Fetched += c.Fetched
		return retry, err
	}
	return c, err
}

func (p *Puller) pull(ctx context.Context) (Counts, error) {
	var total Counts
	matcher, err := NewMatcher(ctx, p.Directory)
	if err != nil {
		return total, err
	}
	if err := p.ensureSession(ctx); err != nil {
		return total, err
	}
	client := p.sess.c
	stop := context.AfterFunc(ctx, func() { client.Close() }) // cancellation unblocks any command
	defer stop()
	var missing []string
	for _, folder := range p.folders {
		c, err := p.pullFolder(ctx, folder, matcher)
		total.add(c)
		if isNonExistent(err) {
			p.log().Warn("imap folder does not exist; skipped", "folder", folder)
			missing = append(missing, folder)
			continue
		}
		if err != nil {
			p.Close()
			if ctx.Err() != nil {
				return total, notebook.Wrap(notebook.Internal, ctx.Err(), "mail sync was cancelled; the next sync resumes where this one stopped")
			}
			return total, classify(p.Settings, "syncing "+folder, err)
		}
	}
	if ctx.Err() != nil {
		p.Close()
		return total, notebook.Wrap(notebook.Internal, ctx.Err(), "mail sync was cancelled; the next sync resumes where this one stopped")
	}
	p.log().Info("imap pull done", "server", p.Settings.String(), "scanned", total.Scanned, "relevant", total.Relevant,
		"fetched", total.Fetched, "skipped", total.Skipped, "expunged", total.Expunged, "flag_changes", total.FlagChanges)
	if len(missing) > 0 {
		return total, notebook.Errorf(notebook.NotFound, "the mail server has no folder named %s; the other folders were synced — check the folder list in the mail settings", strings.Join(missing, ", "))
	}
	return total, nil
}

func isNonExistent(err error) bool {
	var imapErr *imap.Error
	return errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeNonExistent
}

func (p *Puller) ensureSession(ctx context.Context) error {
	if p.sess != nil {
		select {
		case <-p.sess.c.Closed():
			p.sess = nil
		default:
			return nil
		}
	}
	sess, err := connect(ctx, p.Settings, p.log())
	if err != nil {
		return err
	}
	folders, err := sess.watchedFolders(p.Settings)
	if err != nil {
		sess.close()
		return err
	}
	p.sess, p.folders = sess, folders
	return nil
}

// folderRun is one folder's pull in progress.
type folderRun struct {
	p       *Puller
	c       *imapclient.Client
	st      state
	m       *Matcher
	fs      FolderState
	name    string
	counts  Counts
	known   map[uint32]Summary // nil until needed
	changed map[uint32]Summary // summaries to write back
	deleted []uint32
}

func (p *Puller) pullFolder(ctx context.Context, name string, m *Matcher) (Counts, error) {
	r := &folderRun{p: p, c: p.sess.c, st: state{p.Mailbox}, m: m, name: name, changed: map[uint32]Summary{}}
	r.counts.Folders = 1
	fs, err := r.st.folder(ctx, name)
	if err != nil {
		return r.counts, err
	}
	r.fs = fs
	p.report(Progress{Folder: name, Stage: "checking"})
	status, err := r.status()
	if err != nil {
		return r.counts, err
	}
	if r.unchanged(status) {
		p.report(Progress{Folder: name, Stage: "done"})
		return r.counts, nil
	}
	if err := r.sync(ctx, status); err != nil {
		return r.counts, err
	}
	p.report(Progress{Folder: name, Stage: "done", Done: r.counts.Scanned, Total: r.counts.Scanned})
	return r.counts, nil
}

// status is the one cheap round trip of a no-change resync.
func (r *folderRun) status() (*imap.StatusData, error) {
	opts := &imap.StatusOptions{NumMessages: true, UIDNext: true, UIDValidity: true}
	if r.p.sess.condstore {
		opts.HighestModSeq = true
	} else {
		opts.NumUnseen = true
	}
	return r.c.Status(r.name, opts).Wait()
}

func (r *folderRun) unchanged(s *imap.StatusData) bool {
	fs := r.fs
	same := fs.UIDValidity != 0 && s.UIDValidity == fs.UIDValidity && uint32(s.UIDNext) == fs.UIDNext &&
		s.NumMessages != nil && *s.NumMessages == fs.Messages && fs.Directory == r.m.Fingerprint()
	if r.p.sess.condstore {
		return same && s.HighestModSeq == fs.HighestModSeq && fs.HighestModSeq != 0
	}
	return same && s.NumUnseen != nil && *s.NumUnseen == fs.Unseen
}

func (r *folderRun) sync(ctx context.Context, status *imap.StatusData) error {
	sel, err := r.c.Select(r.name, &imap.SelectOptions{ReadOnly: true, CondStore: r.p.sess.condstore}).Wait()
	if err != nil {
		return err
	}
	if r.fs.UIDValidity != 0 && sel.UIDValidity != r.fs.UIDValidity {
		if err := r.resetGeneration(ctx, sel.UIDValidity); err != nil {
			return err
		}
	}
	r.fs.UIDValidity = sel.UIDValidity
	fresh, err := r.scanNew(ctx, sel)
	if err != nil {
		return err
	}
	toFetch := r.judge(fresh)
	if r.fs.Directory != r.m.Fingerprint() && r.fs.Directory != "" {
		more, err := r.reevaluate(ctx)
		if err != nil {
			return err
		}
		toFetch = append(toFetch, more...)
	}
	if err := r.syncFlags(ctx, sel, status); err != nil {
		return err
	}
	if err := r.findExpunged(ctx, sel, len(fresh)); err != nil {
		return err
	}
	if err := r.storeRelevant(ctx, toFetch); err != nil {
		return err
	}
	return r.commit(ctx, sel, status, fresh)
}

// resetGeneration handles a changed UIDVALIDITY: every remembered UID of the
// folder is meaningless now, so forget them and scan the folder again.
// Stored emails stay (their ids come from Message-IDs), so the re-scan adds
// new locations to them instead of duplicates.
func (r *folderRun) resetGeneration(ctx context.Context, newValidity uint32) error {
	r.p.log().Info("imap folder UIDVALIDITY changed; re-scanning", "folder", r.name, "old", r.fs.UIDValidity, "new", newValidity)
	if err := r.st.dropGeneration(ctx, r.name, r.fs.UIDValidity); err != nil {
		return err
	}
	r.fs = FolderState{Folder: r.name}
	r.counts.Rescanned = 1
	return nil
}

// scanNew reads the ENVELOPE of every message from the remembered UIDNEXT
// on, then the raw From: header of those whose envelope has no usable
// sender.
func (r *folderRun) scanNew(ctx context.Context, sel *imap.SelectData) ([]Summary, error) {
	start := r.fs.UIDNext
	if start == 0 {
		start = 1
	}
	if sel.NumMessages == 0 || (sel.UIDNext != 0 && uint32(sel.UIDNext) <= start) {
		return nil, nil
	}
	total := int(sel.NumMessages) - int(r.fs.Messages)
	if total < 1 {
		total = 1
	}
	set := imap.UIDSet{imap.UIDRange{Start: imap.UID(start), Stop: 0}} // start:*
	cmd := r.c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, Envelope: true})
	var out []Summary
	var needFrom []uint32
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		buf, err := msg.Collect() // envelopes are small; bodies are never collected
		if err != nil {
			cmd.Close()
			return nil, err
		}
		if uint32(buf.UID) < start { // "start:*" returns the last message when nothing is new
			continue
		}
		sm, usable := summarize(buf)
		if !usable {
			needFrom = append(needFrom, sm.UID)
		}
		out = append(out, sm)
		if len(out)%500 == 0 {
			r.p.report(Progress{Folder: r.name, Stage: "scanning", Done: len(out), Total: max(total, len(out))})
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, err
	}
	r.counts.Scanned += len(out)
	r.p.report(Progress{Folder: r.name, Stage: "scanning", Done: len(out), Total: len(out)})
	if len(needFrom) > 0 {
		if err := r.rawFrom(out, needFrom); err != nil {
			return nil, err
		}
	}
	return out, ctx.Err()
}

// summarize keeps the addresses and identity of an envelope. usable is false
// when the server could not parse the sender (MISSING_MAILBOX/
// MISSING_DOMAIN) or gave none, so the raw From: must be read.
func summarize(buf *imapclient.FetchMessageBuffer) (Summary, bool) {
	sm := Summary{UID: uint32(buf.UID)}
	for _, f := range buf.Flags {
		if f == imap.FlagSeen {
			sm.Seen = true
		}
	}
	env := buf.Envelope
	if env == nil {
		sm.MessageID = syntheticMessageID(fmt.Sprint("uid:", buf.UID, buf.SeqNum))
		return sm, false
	}
	usable := len(env.From) > 0
	for _, a := range env.From {
		if !goodAddress(a) {
			usable = false
			continue
		}
		sm.Addrs = appendUnique(sm.Addrs, strings.ToLower(a.Addr()))
	}
	for _, list := range [][]imap.Address{env.To, env.Cc, env.Bcc} {
		for _, a := range list {
			switch {
			case goodAddress(a):
				sm.Addrs = appendUnique(sm.Addrs, strings.ToLower(a.Addr()))
			case !a.IsGroupStart() && !a.IsGroupEnd():
				usable = false // a recipient the server could not parse: read the raw header
			}
		}
	}
	if len(env.To)+len(env.Cc)+len(env.Bcc) == 0 {
		usable = false // no recipient at all, or none the server could parse
	}
	sm.MessageID = cleanMessageID(env.MessageID)
	if sm.MessageID == "" {
		sm.MessageID = syntheticMessageID(env.Date.UTC().Format(time.RFC3339), env.Subject, strings.Join(sm.Addrs, ","))
	}
	return sm, usable
}

func goodAddress(a imap.Address) bool {
	return a.Addr() != "" && !strings.Contains(a.Mailbox, "MISSING_MAILBOX") &&
		!strings.Contains(a.Host, "MISSING_DOMAIN") && !strings.Contains(a.Host, "MISSING-HOST-NAME")
}

// syntheticMessageID gives messages without a Message-ID a stable one, so
// re-scans still deduplicate them.
func syntheticMessageID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:12]) + "@fieldnotes.invalid"
}

// EmailID is the notebook id of the email with this Message-ID: the same
// message in INBOX and Sent, or seen again after a UIDVALIDITY change, is
// one record.
func EmailID(messageID string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.Trim(strings.TrimSpace(messageID), "<>"))))
	return "em-" + hex.EncodeToString(sum[:16])
}

// rawFrom reads the first bytes of messages whose envelope was unusable and
// parses their header leniently (our parser drops malformed lines instead of
// giving up), filling in addresses and a missing Message-ID.
func (r *folderRun) rawFrom(sums []Summary, uids []uint32) error {
	index := make(map[uint32]int, len(sums))
	for i, sm := range sums {
		index[sm.UID] = i
	}
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	section := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: rawHeaderBytes}}
	msgs, err := r.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return err
	}
	for _, buf := range msgs {
		i, ok := index[uint32(buf.UID)]
		if !ok {
			continue
		}
		var raw []byte
		for _, bs := range buf.BodySection {
			raw = append(raw, bs.Bytes...)
		}
		h := leninentHeader(raw)
		for _, key := range []string{"From", "To", "Cc", "Bcc"} {
			addrs, _ := addressesOf(h, key)
			for _, a := range addrs {
				sums[i].Addrs = appendUnique(sums[i].Addrs, a)
			}
		}
		if strings.HasSuffix(sums[i].MessageID, "@fieldnotes.invalid") {
			if id := messageIDOf(h); id != "" {
				sums[i].MessageID = id
			}
		}
	}
	return nil
}

const rawHeaderBytes = 32 << 10

// judge decides relevance for freshly scanned summaries and returns those
// whose body should be stored.
func (r *folderRun) judge(fresh []Summary) []Summary {
	var relevant []Summary
	for i := range fresh {
		if _, ok := r.m.Relevant(fresh[i].Addrs); ok {
			fresh[i].Relevant = true
			r.counts.Relevant++
			relevant = append(relevant, fresh[i])
		} else {
			r.counts.Skipped++
		}
		r.changed[fresh[i].UID] = fresh[i]
	}
	return relevant
}

func (r *folderRun) loadKnown(ctx context.Context) error {
	if r.known != nil {
		return nil
	}
	known, err := r.st.summaries(ctx, r.name, r.fs.UIDValidity)
	r.known = known
	return err
}

// reevaluate runs the matcher again over remembered envelopes after the
// directory changed (an account or contact was added): only the bodies of
// messages that became relevant are fetched.
func (r *folderRun) reevaluate(ctx context.Context) ([]Summary, error) {
	if err := r.loadKnown(ctx); err != nil {
		return nil, err
	}
	var more []Summary
	for _, sm := range r.known {
		if sm.Relevant && sm.EmailID != "" {
			continue
		}
		if _, ok := r.m.Relevant(sm.Addrs); ok {
			sm.Relevant = true
			r.counts.Relevant++
			more = append(more, sm)
			r.changed[sm.UID] = sm
		}
	}
	sort.Slice(more, func(i, j int) bool { return more[i].UID < more[j].UID })
	return more, nil
}

// syncFlags picks up read/unread changes of already-seen messages: with
// CONDSTORE only those changed since the remembered HIGHESTMODSEQ.
func (r *folderRun) syncFlags(ctx context.Context, sel *imap.SelectData, status *imap.StatusData) error {
	if r.fs.UIDNext <= 1 {
		return nil
	}
	opts := &imap.FetchOptions{UID: true, Flags: true}
	if r.p.sess.condstore {
		if r.fs.HighestModSeq == 0 || sel.HighestModSeq == r.fs.HighestModSeq {
			return nil
		}
		opts.ChangedSince = r.fs.HighestModSeq
	} else if status.NumUnseen != nil && *status.NumUnseen == r.fs.Unseen {
		return nil
	}
	if err := r.loadKnown(ctx); err != nil {
		return err
	}
	set := imap.UIDSet{imap.UIDRange{Start: 1, Stop: imap.UID(r.fs.UIDNext - 1)}}
	msgs, err := r.c.Fetch(set, opts).Collect()
	if err != nil {
		return err
	}
	for _, buf := range msgs {
		sm, ok := r.known[uint32(buf.UID)]
		if !ok {
			continue
		}
		seen := false
		for _, f := range buf.Flags {
			seen = seen || f == imap.FlagSeen
		}
		if seen == sm.Seen {
			continue
		}
		sm.Seen = seen
		r.known[sm.UID] = sm
		r.changed[sm.UID] = sm
		r.counts.FlagChanges++
		if sm.EmailID != "" {
			if err := r.setSeen(ctx, sm.EmailID, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *folderRun) setSeen(ctx context.Context, emailID string, seen bool) error {
	ms, ok, err := r.st.message(ctx, emailID)
	if err != nil || !ok {
		return err
	}
	ms.Seen = seen
	return r.st.putMessage(ctx, ms)
}

// findExpunged notices deleted messages without QRESYNC: when the server's
// count differs from ours, UID SEARCH ALL tells which UIDs remain.
func (r *folderRun) findExpunged(ctx context.Context, sel *imap.SelectData, fresh int) error {
	if r.fs.Messages+uint32(fresh) == sel.NumMessages || r.fs.UIDNext <= 1 {
		return nil
	}
	if err := r.loadKnown(ctx); err != nil {
		return err
	}
	data, err := r.c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		return err
	}
	present := map[uint32]bool{}
	if set, ok := data.All.(imap.UIDSet); ok {
		for _, rg := range set {
			if rg.Stop == 0 || rg.Stop < rg.Start {
				continue
			}
			for u := rg.Start; u <= rg.Stop; u++ {
				present[uint32(u)] = true
			}
		}
	}
	for uid, sm := range r.known {
		if present[uid] {
			continue
		}
		r.deleted = append(r.deleted, uid)
		delete(r.known, uid)
		delete(r.changed, uid)
		r.counts.Expunged++
		if sm.EmailID != "" {
			if err := r.forgetLocation(ctx, sm.EmailID, uid); err != nil {
				return err
			}
		}
	}
	return nil
}

// forgetLocation drops one server copy of a stored email. The email itself
// stays in the notebook: the rep may have linked it as evidence.
func (r *folderRun) forgetLocation(ctx context.Context, emailID string, uid uint32) error {
	ms, ok, err := r.st.message(ctx, emailID)
	if err != nil || !ok {
		return err
	}
	kept := ms.Locations[:0]
	for _, l := range ms.Locations {
		if !(l.Folder == r.name && l.UIDValidity == r.fs.UIDValidity && l.UID == uid) {
			kept = append(kept, l)
		}
	}
	ms.Locations = kept
	return r.st.putMessage(ctx, ms)
}

// commit writes the folder's summaries and state last, so an interrupted
// pull is simply repeated.
func (r *folderRun) commit(ctx context.Context, sel *imap.SelectData, status *imap.StatusData, fresh []Summary) error {
	changed := make([]Summary, 0, len(r.changed))
	for _, sm := range r.changed {
		changed = append(changed, sm)
	}
	if err := r.st.putSummaries(ctx, r.name, r.fs.UIDValidity, changed, r.deleted); err != nil {
		return err
	}
	next := uint32(sel.UIDNext)
	for _, sm := range fresh {
		if sm.UID+1 > next {
			next = sm.UID + 1
		}
	}
	if next > r.fs.UIDNext {
		r.fs.UIDNext = next
	}
	if r.known != nil {
		for _, sm := range fresh {
			r.known[sm.UID] = sm
		}
		r.fs.Messages = uint32(len(r.known))
	} else {
		r.fs.Messages = r.fs.Messages + uint32(len(fresh)) - uint32(len(r.deleted))
	}
	r.fs.HighestModSeq = sel.HighestModSeq
	if status.NumUnseen != nil {
		r.fs.Unseen = *status.NumUnseen
	}
	r.fs.Directory = r.m.Fingerprint()
	return r.st.putFolder(ctx, r.fs)
}
