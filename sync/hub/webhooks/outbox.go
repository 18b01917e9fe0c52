package webhooks

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// Item is one evidence item new to the hub, as the hub's follower found it.
type Item struct {
	Scope        string
	Seq          uint64
	HypothesisID string
	ReceivedAt   time.Time
	Size         int // about how many bytes it adds to a message (its quote)
	Data         any // handed back to Compose
}

// Compose builds the body of one message to hook about items (one or
// more, all of hypothesis hypID, in received order).
type Compose func(hook Webhook, hypID string, items []Item) ([]byte, error)

// Cursor is how far arrivals have been queued: per scope the highest seq
// handled, and when. A hub that restarts (or a second replica) finds
// every item again; those at or below the cursor, or received well before
// it was saved (old items edited since), are not announced again.
type Cursor struct {
	Seqs    map[string]uint64 `json:"seqs"`
	SavedAt time.Time         `json:"saved_at"`
}

// RedeliveryMargin is how far back an item counts as edited, not new: an item above the cursor but received this long
// before the cursor was saved is an old item edited since, not news.
const RedeliveryMargin = 10 * time.Minute

// Covers reports whether the item was handled already (or is old news).
func (c Cursor) Covers(it Item) bool {
	if seq, ok := c.Seqs[it.Scope]; ok && it.Seq <= seq {
		return true
	}
	return !c.SavedAt.IsZero() && it.ReceivedAt.Before(c.SavedAt.Add(-RedeliveryMargin))
}

// Bounds of one message and of one enqueuing transaction (hubdb allows
// MaxDocWrites writes and MaxDocTxBytes bytes; bodies are about twice
// their items' Size, quotes appearing in the text and the data).
const (
	itemsPerMessage = 50
	bytesPerMessage = 128 << 10
	jobsPerTx       = 400
	bytesPerTx      = 1 << 20
)

// Outbox turns new evidence into queued messages.
type Outbox struct {
	Store   hubdb.Store
	Compose Compose
	Now     func() time.Time
}

// Cursor reads the outbox cursor (the follower uses it to skip, cheaply,
// items that are certainly old; Enqueue checks again in its transaction).
func (o Outbox) Cursor(ctx context.Context) (Cursor, error) {
	var c Cursor
	err := o.Store.ViewDocs(ctx, func(rd hubdb.DocReader) error {
		var err error
		c, err = readCursor(rd)
		return err
	})
	return c, err
}

func readCursor(rd hubdb.DocReader) (Cursor, error) {
	c := Cursor{Seqs: map[string]uint64{}}
	val, ok, err := rd.GetDoc(Namespace, cursorKey)
	if err != nil || !ok {
		return c, err
	}
	if err := json.Unmarshal(val, &c); err != nil {
		return c, notebook.Wrap(notebook.Internal, err, "webhooks: the outbox cursor is damaged: %v", err)
	}
	if c.Seqs == nil {
		c.Seqs = map[string]uint64{}
	}
	return c, nil
}

// Enqueue queues, for every webhook, the items it wants that the cursor
// does not cover, one message per hypothesis (split when large), and moves
// the cursor past them and to after. Reading the cursor holds its key, so
// replicas enqueuing the same items serialise and the second finds them
// covered. A large batch is queued in several transactions, each moving
// the cursor past what it queued, so a crash in between neither loses
// nor repeats a message. It returns how many messages it queued.
func (o Outbox) Enqueue(ctx context.Context, items []Item, after map[string]uint64) (int, error) {
	items = append([]Item(nil), items...)
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Scope != items[j].Scope {
			return items[i].Scope < items[j].Scope
		}
		return items[i].Seq < items[j].Seq
	})
	queued := 0
	for {
		var done bool
		var n int
		err := o.Store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
			var err error
			n, done, err = o.enqueueSome(tx, items, after)
			return err
		})
		if err != nil {
			return queued, err
		}
		queued += n
		if done {
			return queued, nil
		}
	}
}

// enqueueSome queues what fits in one transaction; done when nothing is left.
func (o Outbox) enqueueSome(tx hubdb.DocTx, items []Item, after map[string]uint64) (int, bool, error) {
	cur, err := readCursor(tx)
	if err != nil {
		return 0, false, err
	}
	hooks, err := readHooks(tx)
	if err != nil {
		return 0, false, err
	}
	b := batcher{tx: tx, compose: o.Compose, groups: map[groupKey][]Item{}, sizes: map[groupKey]int{}}
	next := Cursor{Seqs: cur.Seqs, SavedAt: o.Now().UTC()}
	done := true
	for _, it := range items {
		if cur.Covers(it) {
			continue
		}
		if b.jobs+b.open >= jobsPerTx || b.bytes >= bytesPerTx { // open groups become jobs at the end
			done = false
			break
		}
		for _, h := range hooks {
			if !it.ReceivedAt.Before(h.CreatedAt) && h.Wants(it.HypothesisID) {
				if err := b.add(h, it); err != nil {
					return 0, false, err
				}
			}
		}
		next.Seqs[it.Scope] = max(next.Seqs[it.Scope], it.Seq)
	}
	if err := b.flushAll(); err != nil {
		return 0, false, err
	}
	if done {
		for scope, seq := range after {
			next.Seqs[scope] = max(next.Seqs[scope], seq)
		}
	}
	val, _ := json.Marshal(next)
	return b.jobs, done, tx.PutDoc(Namespace, cursorKey, val)
}

type groupKey struct{ hook, hyp string }

// batcher gathers one transaction's messages, per webhook and hypothesis.
type batcher struct {
	tx      hubdb.DocTx
	compose Compose
	groups  map[groupKey][]Item
	sizes   map[groupKey]int
	order   []groupKey
	byID    map[string]Webhook
	jobs    int // messages enqueued
	open    int // groups holding items, each a message to come
	bytes   int
}

func (b *batcher) add(h Webhook, it Item) error {
	k := groupKey{h.ID, it.HypothesisID}
	if len(b.groups[k]) == 0 {
		b.open++
	}
	if _, ok := b.groups[k]; !ok {
		b.order = append(b.order, k)
		if b.byID == nil {
			b.byID = map[string]Webhook{}
		}
		b.byID[h.ID] = h
	}
	b.groups[k] = append(b.groups[k], it)
	b.sizes[k] += it.Size + 512
	b.bytes += it.Size + 512
	if len(b.groups[k]) >= itemsPerMessage || b.sizes[k] >= bytesPerMessage {
		return b.flush(k)
	}
	return nil
}

func (b *batcher) flush(k groupKey) error {
	items := b.groups[k]
	if len(items) == 0 {
		return nil
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].ReceivedAt.Before(items[j].ReceivedAt) })
	body, err := b.compose(b.byID[k.hook], k.hyp, items)
	if err != nil {
		return err
	}
	b.groups[k], b.sizes[k] = nil, 0
	b.jobs++
	b.open--
	return b.tx.Enqueue(Queue, hubdb.NewJob{ID: "whd_" + randomHex(10), Key: k.hook, Payload: body})
}

func (b *batcher) flushAll() error {
	for _, k := range b.order {
		if err := b.flush(k); err != nil {
			return err
		}
	}
	return nil
}
