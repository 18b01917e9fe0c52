// Package webhooks owns the hub's webhooks: the registrations, the
// durable delivery queue and the delivery loop. Everything lives in the
// hub's store (package hubdb), so it behaves the same on Badger and on
// PostgreSQL and any number of hub replicas share it:
//
//   - registrations are documents "hook/<id>" of namespace "webhooks",
//     their delivery figures "status/<id>", and the outbox cursor
//     "cursor" (how far evidence arrivals have been queued, per scope);
//   - each message is a job of the "webhook" work queue, keyed by the
//     webhook id, so a receiver gets one delivery at a time, in order;
//   - Deliverer (a Serve(ctx) service supervised by fieldhub) claims due
//     jobs with a lease, posts them and acks, retries with capped
//     exponential backoff and full jitter, or buries them after
//     MaxAttempts. A replica that dies mid-delivery leaves its lease to
//     expire and another replica sends the same job again: delivery is at
//     least once, and the job id travels as X-Fieldnotes-Delivery so
//     receivers deduplicate.
//
// The hub's HTTP handlers (sync/hub) call Registry; the hub's evidence
// follower hands new evidence to Enqueue, which filters it against the
// cursor inside the same document transaction that enqueues the messages
// and moves the cursor, so two replicas following the same change log
// never queue one item twice. Message bodies are composed by the hub (it
// owns the insights index and pseudonyms) through a Compose callback.
//
// Why no library: the queue is hubdb's (one implementation per store),
// and the delivery loop is a claim/post/ack loop of a hundred lines; a
// job-queue library would bring a second storage model.
package webhooks
