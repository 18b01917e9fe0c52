// Assist: AI suggestions for one call. The job runs in Go (queued, streamed,
// retried); this store starts it, follows `assist:progress` / `assist:done`,
// and sends each decision. Nothing becomes evidence without Accept.
import { get, readable, writable, type Readable } from 'svelte/store';
import { toApiError, type ApiError } from '../api';
import { Events, on as onShared, type On } from './events';
import { assistApi, type AssistApi, type AssistDone, type AssistJob, type AssistProgress, type AssistStatus, type Suggestion, type SuggestionEdits } from '../api/assist';
import { resource } from './resource';

export type { AssistJob, AssistSettings, AssistSettingsInput, AssistStatus, AssistUsage, Suggestion, SuggestionEdits } from '../api/assist';

const finished = (j: AssistJob | null) => !!j && (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled');

/** byteToIndex converts a UTF-8 byte offset (Go) to a JS string index. */
export function byteToIndex(text: string, bytes: number): number {
  let b = 0;
  let i = 0;
  while (i < text.length && b < bytes) {
    const cp = text.codePointAt(i)!;
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

export interface Span {
  start: number; // JS string indexes
  end: number;
}

/** spanOf finds a suggestion's quote in the notes: the byte offsets Go sent
 * when they still point at the quote, else the quote's first occurrence
 * (the notes may have been edited since), else null. */
export function spanOf(notes: string, s: Pick<Suggestion, 'quote' | 'start' | 'end'>): Span | null {
  if (!s.quote) return null;
  const start = byteToIndex(notes, s.start);
  const end = byteToIndex(notes, s.end);
  if (end > start && notes.slice(start, end) === s.quote) return { start, end };
  const i = notes.indexOf(s.quote);
  return i >= 0 ? { start: i, end: i + s.quote.length } : null;
}

/** context cuts the notes around a span for display: up to `around` chars each side. */
export function contextOf(notes: string, span: Span, around = 60): { before: string; mark: string; after: string } {
  const from = Math.max(0, span.start - around);
  const to = Math.min(notes.length, span.end + around);
  return {
    before: (from > 0 ? '…' : '') + notes.slice(from, span.start),
    mark: notes.slice(span.start, span.end),
    after: notes.slice(span.end, to) + (to < notes.length ? '…' : ''),
  };
}

/** phaseText says what a running job is doing. */
export function phaseText(job: AssistJob | null, p: AssistProgress | null, status: AssistStatus | null): string {
  if (!job) return '';
  if (job.state === 'queued') return job.waiting || status?.message || 'Queued — waiting for the AI.';
  if (job.state === 'running') {
    if (p?.phase === 'receiving') return `Receiving the answer… (${p.received.toLocaleString('en')} characters)`;
    if (p?.phase === 'retrying') return 'The answer was not usable; asking once more…';
    return 'Sending the notes to the AI…';
  }
  if (job.state === 'failed') return job.error_message || 'The AI could not answer.';
  if (job.state === 'cancelled') return 'Cancelled.';
  return '';
}

export interface JobTarget {
  kind: 'evidence' | 'triage' | 'brief';
  /** which jobs are about this call / email / account */
  matches: (j: Pick<AssistJob, 'kind' | 'call_id' | 'email_id' | 'account_id'>) => boolean;
  start: (api: AssistApi) => Promise<AssistJob>;
}

export const forCall = (callId: string): JobTarget => ({
  kind: 'evidence',
  matches: (j) => j.kind === 'evidence' && j.call_id === callId,
  start: (api) => api.suggestEvidence(callId),
});
export const forEmail = (emailId: string): JobTarget => ({
  kind: 'triage',
  matches: (j) => j.kind === 'triage' && j.email_id === emailId,
  start: (api) => api.triageEmail(emailId),
});
export const forAccount = (accountId: string): JobTarget => ({
  kind: 'brief',
  matches: (j) => j.kind === 'brief' && j.account_id === accountId,
  start: (api) => api.brief(accountId),
});

/** createAssist follows the newest AI job about one call (default), email or account. */
export function createAssist(target: string | JobTarget, api: AssistApi = assistApi, on: On = onShared) {
  const t = typeof target === 'string' ? forCall(target) : target;
  const status = writable<AssistStatus | null>(null);
  const job = writable<AssistJob | null>(null);
  const progress = writable<AssistProgress | null>(null);
  const error = writable<ApiError | null>(null);
  const busy = writable<Record<string, boolean>>({});
  let poll: ReturnType<typeof setInterval> | null = null;

  async function refreshStatus() {
    try {
      status.set(await api.status());
    } catch (e) {
      error.set(toApiError(e));
    }
  }

  async function refreshJob(id = get(job)?.id) {
    if (!id) return;
    try {
      const j = await api.job(id);
      job.set(j);
      if (finished(j)) stopPoll();
    } catch (e) {
      error.set(toApiError(e));
    }
  }

  function startPoll() {
    if (!poll) poll = setInterval(() => void refreshJob(), 1500);
  }
  function stopPoll() {
    if (poll) clearInterval(poll);
    poll = null;
  }

  const offProgress = on(Events.assistProgress, (p) => {
    if (p.job_id === get(job)?.id) progress.set(p);
  });
  const offDone = on(Events.assistDone, (x) => {
    if (x.job_id === get(job)?.id || t.matches(x)) {
      progress.set(null);
      void refreshJob(x.job_id);
      void refreshStatus();
    }
  });

  /** load finds the newest evidence job for this call (suggestions survive a reload). */
  async function load() {
    await refreshStatus();
    try {
      const mine = (await api.jobs()).filter(t.matches);
      mine.sort((a, b) => b.created_at.localeCompare(a.created_at));
      if (mine[0]) {
        job.set(mine[0]);
        if (!finished(mine[0])) startPoll();
      }
    } catch (e) {
      error.set(toApiError(e));
    }
  }

  async function suggest() {
    error.set(null);
    progress.set(null);
    try {
      const j = await t.start(api);
      job.set(j);
      if (!finished(j)) startPoll();
    } catch (e) {
      error.set(toApiError(e));
    }
    void refreshStatus();
  }

  async function decide<R>(s: Suggestion, fn: () => Promise<R>): Promise<R | null> {
    const j = get(job);
    if (!j) return null;
    busy.update((b) => ({ ...b, [s.id]: true }));
    error.set(null);
    try {
      const r = await fn();
      job.update((cur) => (cur && cur.id === j.id ? { ...cur, suggestions: cur.suggestions.filter((x) => x.id !== s.id) } : cur));
      void refreshJob(j.id); // Go's counts of accepted / rejected
      return r;
    } catch (e) {
      error.set(toApiError(e));
      return null;
    } finally {
      busy.update(({ [s.id]: _, ...rest }) => rest);
    }
  }

  return {
    target: t,
    status: { subscribe: status.subscribe } as Readable<AssistStatus | null>,
    job: { subscribe: job.subscribe } as Readable<AssistJob | null>,
    progress: { subscribe: progress.subscribe } as Readable<AssistProgress | null>,
    error: { subscribe: error.subscribe } as Readable<ApiError | null>,
    busy: { subscribe: busy.subscribe } as Readable<Record<string, boolean>>,
    load,
    suggest,
    accept: (s: Suggestion, edits: SuggestionEdits = {}) => decide(s, () => api.accept(get(job)!.id, s.id, edits)),
    reject: async (s: Suggestion) => (await decide(s, () => api.reject(get(job)!.id, s.id).then(() => true))) ?? false,
    async cancel() {
      const j = get(job);
      if (!j) return;
      try {
        await api.cancel(j.id);
      } catch (e) {
        error.set(toApiError(e));
      }
      await refreshJob(j.id);
    },
    retryNow: async () => {
      await api.retryNow().catch((e) => error.set(toApiError(e)));
      await refreshStatus();
    },
    dispose() {
      stopPoll();
      offProgress();
      offDone();
    },
  };
}

export type AssistState = ReturnType<typeof createAssist>;

/** assistStatus is the AI's readiness, refreshed when a job ends. */
export function assistStatus(api: AssistApi = assistApi, on: On = onShared): Readable<AssistStatus | null> {
  return readable<AssistStatus | null>(null, (set) => {
    const load = () => api.status().then(set, () => {});
    void load();
    return on(Events.assistDone, () => void load());
  });
}

export const assistSettingsStore = (api: AssistApi = assistApi) => resource(() => api.settings(), { subscribe: () => () => {} });
export const assistUsageStore = (api: AssistApi = assistApi) =>
  resource(() => api.usage(), { subscribe: (fn) => onShared(Events.assistDone, () => fn({ type: 'assist', id: '', op: 'batch', origin: 'assist', count: 0 })) });
export const saveAssistSettings = (s: Parameters<AssistApi['saveSettings']>[0]) => assistApi.saveSettings(s);
export const resetAssistUsage = () => assistApi.resetUsage();
export const triageEmail = (emailId: string) => assistApi.triageEmail(emailId);
export const assistJob = (id: string) => assistApi.job(id);
export const currentAssistStatus = () => assistApi.status();
