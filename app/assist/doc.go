// Package assist is Fieldnotes' optional AI helper: it proposes evidence from
// a call's raw notes, triages emails against the active hypotheses, and writes
// a short pre-call brief for an account — through any OpenAI-compatible
// chat-completions endpoint (OpenAI, Azure OpenAI, Ollama, vLLM …).
//
// # What it promises
//
//   - Nothing becomes evidence here. Every answer is a Suggestion the rep
//     accepts, edits or rejects; the app turns an accepted one into a
//     notebook.Evidence with Suggestion.ToEvidence.
//   - The AI never puts words in a customer's mouth: a suggestion whose quote
//     is not found verbatim in the text it came from is discarded, and the
//     span (byte offsets) shown to the rep is computed here from that
//     verbatim match, never taken from the model. Brief claims that cite an
//     evidence or email id we did not send are dropped.
//   - Answers are structured (a JSON schema response_format, or a forced tool
//     call for servers that only do tools) and checked against the
//     hypotheses, questions and signals we sent, using notebook's own
//     validation. A malformed or partial answer is asked for once more, then
//     reported as an error — a result is all or nothing, never half-applied.
//   - Redaction is on by default: email addresses, phone numbers and the
//     names of known contacts are replaced by stable placeholders
//     ([EMAIL_1], [PHONE_1], [PERSON_1]) in everything sent, and restored in
//     what comes back, so verbatim checks run against the rep's own notes.
//   - AI is optional. With AI switched off for the organisation, no endpoint
//     configured, or the laptop offline, requests wait in a durable queue and
//     every status says "waiting because …"; nothing else in the app depends
//     on this package.
//
// # Shape
//
// Assistant owns one Serve(ctx) loop (architecture.md rule 2). Submit*
// methods put a Job in the queue (a QueueStore: the store's encrypted local
// keys fit it as they are) and nudge the loop through a 1-buffered channel.
// The loop runs one job at a time, streams the answer (progress goes to a
// callback the bridge turns into assist:progress events), backs off
// exponentially with jitter on timeouts, 429 (honouring Retry-After) and
// 5xx, records token usage per job and in a running total, and lets any job
// be cancelled, queued or running.
//
// # Wiring (app/desktop, app/bridge)
//
//	a, err := assist.New(cfg, st, assist.Options{Logger: log, OnProgress: emitProgress, OnDone: emitDone})
//	go a.Serve(ctx)              // under the supervisor
//	a.SetOnline(engine.Online()) // from the sync engine's online detection
//	job, err := a.SubmitEvidence(ctx, assist.EvidenceRequest{...})
//	// later, on assist:done: job.Evidence.Suggestions → the review screen;
//	// accept: ev, err := s.ToEvidence(assist.Origin{...}); store.Save(ctx, ev)
//
// *store.Store satisfies QueueStore as it is; jobs live under "assist/job/"
// and the usage total under "assist/usage". OnProgress is called once per
// streamed chunk from the Serve goroutine; the bridge may throttle events.
// ExtractEvidence, TriageEmail and Brief run a request at once, outside the
// queue, for the CLI.
//
// # Why go-openai, and why this approach
//
// github.com/sashabaranov/go-openai is the most used Go client for the
// chat-completions wire format, which is the lingua franca of hosted and
// self-hosted model servers alike; it speaks streaming SSE, tool calls and
// JSON-schema response formats, and surfaces HTTP failures as typed errors
// (*openai.APIError, *openai.RequestError with HTTPStatusCode). This package
// is its only importer (architecture.md rule 1), so swapping it touches one
// folder. The client cannot hand us response headers on errors, so a small
// HTTPDoer wrapper records Retry-After for the backoff.
//
// Verbatim matching and redaction are deliberately simple string and regexp
// work: they must be predictable, testable and fuzzable, and they are the
// guarantee the rep relies on, so they do not depend on the model behaving.
//
// The settings (LoadConfig/SaveConfig: the key in the vault, never the
// store; EnvDisabled as the organisation's switch) and the rep's accept and
// reject decisions (LoadDecision/SaveDecision, remembered per job and per
// proposal, so a rejected one never comes back) live here too, behind the
// KV and Secrets interfaces this package defines: the bridge only maps them
// to DTOs.
package assist
