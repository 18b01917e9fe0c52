package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/netguard"
)

// Timing is how deliveries are attempted.
type Timing struct {
	Timeout     time.Duration // one attempt
	BackoffBase time.Duration // first retry delay (before jitter)
	BackoffCap  time.Duration
	MaxAttempts int           // then the delivery is buried
	Lease       time.Duration // how long a claimed delivery is ours; another replica takes it over after
	Poll        time.Duration // how often the queue is checked without a nudge (retries fall due, other replicas' work)
}

// DefaultTiming is what fieldhub serve uses.
var DefaultTiming = Timing{Timeout: 10 * time.Second, BackoffBase: 2 * time.Second, BackoffCap: 10 * time.Minute,
	MaxAttempts: 15, Lease: time.Minute, Poll: time.Second}

// slots is how many receivers one replica posts to at once: a slow
// receiver holds one slot, never the others' messages.
const slots = 8

// Deliverer sends queued messages. It is a service: Serve runs it until
// its context ends; nothing runs before Serve is called.
type Deliverer struct {
	store  hubdb.Store
	guard  netguard.Guard
	log    *slog.Logger
	worker string // this process's name in leases

	// OnOutcome, when set before Serve, counts attempts: "delivered",
	// "failed" or "dead" (the hub's metrics).
	OnOutcome func(outcome string)

	mu     sync.Mutex
	timing Timing
	client *http.Client

	kick chan struct{}
}

// NewDeliverer prepares a deliverer; worker names this process in leases
// and in the User-Agent of its requests.
func NewDeliverer(store hubdb.Store, guard netguard.Guard, log *slog.Logger) *Deliverer {
	d := &Deliverer{store: store, guard: guard, log: log, worker: "fieldhub-" + randomHex(6), kick: make(chan struct{}, 1)}
	d.SetTiming(DefaultTiming)
	return d
}

// Worker is this deliverer's name in leases and User-Agent.
func (d *Deliverer) Worker() string { return d.worker }

// SetTiming changes the timing (tests shorten it); safe while serving.
func (d *Deliverer) SetTiming(t Timing) {
	if t.Lease < 2*t.Timeout {
		t.Lease = 2 * t.Timeout // never let a lease run out during a live attempt
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.timing, d.client = t, d.guard.Client(t.Timeout)
}

func (d *Deliverer) settings() (Timing, *http.Client) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.timing, d.client
}

// Nudge says new messages were queued: look now rather than at the next poll.
func (d *Deliverer) Nudge() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Serve claims due deliveries and posts them until ctx ends. On the way
// out, attempts in flight are abandoned and their leases released, so
// another replica sends them at once.
func (d *Deliverer) Serve(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	var inFlight atomic.Int64
	for {
		timing, client := d.settings()
		if free := slots - int(inFlight.Load()); free > 0 {
			jobs, err := d.store.Claim(ctx, Queue, d.worker, free, timing.Lease)
			if err != nil && ctx.Err() == nil {
				d.log.Warn("webhook: claim deliveries", "err", err)
			}
			for _, job := range jobs {
				inFlight.Add(1)
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer d.Nudge()
					defer inFlight.Add(-1)
					d.attempt(ctx, job, timing, client)
				}()
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.kick:
		case <-time.After(timing.Poll):
		}
	}
}

// attempt sends one delivery and records the outcome.
func (d *Deliverer) attempt(ctx context.Context, job hubdb.Job, timing Timing, client *http.Client) {
	hook, ok, err := d.hook(ctx, job.Key)
	if err != nil {
		d.release(job, err)
		return
	}
	if !ok { // deleted meanwhile (its jobs went with it)
		_ = d.store.Ack(ctx, Queue, job.ID, d.worker)
		return
	}
	err = d.post(ctx, client, hook, job)
	if ctx.Err() != nil { // shutting down: someone else sends it
		d.release(job, ctx.Err())
		return
	}
	now := time.Now().UTC()
	switch {
	case err == nil:
		d.settle(ctx, job, d.store.Ack(ctx, Queue, job.ID, d.worker))
		d.record(ctx, hook.ID, func(f *figures) { f.Delivered++; f.LastError = ""; f.LastAttemptAt, f.LastSuccessAt = &now, &now })
		d.count("delivered")
	case job.Attempts >= timing.MaxAttempts:
		d.settle(ctx, job, d.store.Bury(ctx, Queue, job.ID, d.worker, err.Error()))
		d.record(ctx, hook.ID, func(f *figures) { f.LastError = err.Error(); f.LastAttemptAt = &now })
		d.count("failed")
		d.count("dead")
		d.log.Warn("webhook: gave up on a delivery", "webhook", hook.ID, "delivery", job.ID, "attempts", job.Attempts, "err", err)
	default:
		wait := backoff(timing, job.Attempts)
		d.settle(ctx, job, d.store.Retry(ctx, Queue, job.ID, d.worker, wait, err.Error()))
		time.AfterFunc(wait, d.Nudge) // look again when it falls due, not at the next poll
		d.record(ctx, hook.ID, func(f *figures) { f.LastError = err.Error(); f.LastAttemptAt = &now })
		d.count("failed")
	}
}

func (d *Deliverer) hook(ctx context.Context, id string) (Webhook, bool, error) {
	var h Webhook
	var ok bool
	err := d.store.ViewDocs(ctx, func(rd hubdb.DocReader) error {
		val, found, err := rd.GetDoc(Namespace, hookPrefix+id)
		if err != nil || !found {
			return err
		}
		ok = true
		return json.Unmarshal(val, &h)
	})
	return h, ok, err
}

// settle logs an outcome the store refused: the lease had run out and
// another replica took the job over (it sends it again; receivers dedupe).
func (d *Deliverer) settle(ctx context.Context, job hubdb.Job, err error) {
	if err != nil && ctx.Err() == nil {
		d.log.Warn("webhook: record delivery outcome", "delivery", job.ID, "err", err)
	}
}

// release hands an unfinished attempt back at once. When the store cannot
// be reached (this replica is cut off or dying) the lease runs out instead.
func (d *Deliverer) release(job hubdb.Job, cause error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := d.store.Retry(ctx, Queue, job.ID, d.worker, 0, "not finished: "+cause.Error()); err != nil {
		d.log.Info("webhook: could not release a delivery; its lease will run out", "delivery", job.ID, "err", err)
	}
}

// record updates a webhook's figures, unless it was deleted meanwhile.
func (d *Deliverer) record(ctx context.Context, hookID string, change func(*figures)) {
	err := d.store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		if _, ok, err := tx.GetDoc(Namespace, hookPrefix+hookID); err != nil || !ok {
			return err
		}
		var f figures
		if val, ok, err := tx.GetDoc(Namespace, statusPrefix+hookID); err != nil {
			return err
		} else if ok {
			_ = json.Unmarshal(val, &f)
		}
		change(&f)
		val, _ := json.Marshal(f)
		return tx.PutDoc(Namespace, statusPrefix+hookID, val)
	})
	if err != nil && ctx.Err() == nil {
		d.log.Warn("webhook: record figures", "webhook", hookID, "err", err)
	}
}

func (d *Deliverer) count(outcome string) {
	if d.OnOutcome != nil {
		d.OnOutcome(outcome)
	}
}

// backoff is capped exponential with full jitter: a receiver that comes
// back is not hit by every hub's retries at the same instant.
func backoff(t Timing, attempts int) time.Duration {
	d := t.BackoffBase << min(attempts-1, 30)
	if d <= 0 || d > t.BackoffCap {
		d = t.BackoffCap
	}
	return d/2 + rand.N(d/2+1)
}

func (d *Deliverer) post(ctx context.Context, client *http.Client, hook Webhook, job hubdb.Job) error {
	ctx, cancel := context.WithTimeout(ctx, client.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(job.Payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "fieldhub-webhook/1 ("+d.worker+")")
	req.Header.Set(SignatureHeader, Sign(hook.Secret, job.Payload))
	req.Header.Set(WebhookHeader, hook.ID)
	req.Header.Set(DeliveryHeader, job.ID)
	req.Header.Set("X-Fieldnotes-Attempt", strconv.Itoa(job.Attempts))
	resp, err := client.Do(req)
	if err != nil {
		// The detail (addresses, ports, banners) goes to the operator's log
		// only: last_error would otherwise work as a port scanner.
		if ctx.Err() == nil || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			d.log.Warn("webhook: delivery failed", "webhook", hook.ID, "err", err)
		}
		return errors.New(netguard.Describe(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errors.New(netguard.DescribeStatus(resp.StatusCode))
	}
	return nil
}
