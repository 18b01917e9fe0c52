import { describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import type { AssistApi, AssistJob, Suggestion } from '../api/assist';
import { byteToIndex, contextOf, createAssist, phaseText, spanOf } from './assist';

const sug = (id: string, quote: string, start = 0, end = 0): Suggestion => ({
  id, hypothesis_id: 'h', statement: 'S', question_id: 'q', question: 'Q', signal: 'supports', strength: 2, quote, start, end, wtp: null, email_id: '',
});

const job = (over: Partial<AssistJob> = {}): AssistJob => ({
  id: 'j1', kind: 'evidence', state: 'done', waiting: '', created_at: '2026-11-22T10:00:00Z', updated_at: '', next_attempt_at: '', attempts: 1,
  call_id: 'c1', account_id: 'a', email_id: '', suggestions: [], accepted: 0, rejected: 0, discarded: 0, summary: '', claims: [], error_code: '', error_message: '', total_tokens: 0,
  ...over,
});

describe('spans of suggestions', () => {
  it('converts Go byte offsets to string indexes', () => {
    const notes = 'Zoë said: “close takes 9 days” 👍 ok';
    const quote = 'close takes 9 days';
    const startBytes = new TextEncoder().encode(notes.slice(0, notes.indexOf(quote))).length;
    const endBytes = startBytes + new TextEncoder().encode(quote).length;
    expect(byteToIndex(notes, startBytes)).toBe(notes.indexOf(quote));
    expect(spanOf(notes, sug('1', quote, startBytes, endBytes))).toEqual({ start: notes.indexOf(quote), end: notes.indexOf(quote) + quote.length });
    const after = new TextEncoder().encode(notes.slice(0, notes.indexOf(' ok'))).length;
    expect(byteToIndex(notes, after)).toBe(notes.indexOf(' ok'));
  });
  it('finds the quote again when the notes moved, and gives up when it is gone', () => {
    expect(spanOf('new words first. nine days', sug('1', 'nine days', 0, 9))).toEqual({ start: 17, end: 26 });
    expect(spanOf('nothing here', sug('1', 'nine days', 0, 9))).toBeNull();
  });
  it('cuts context around the span', () => {
    const c = contextOf('a'.repeat(100) + 'QUOTE' + 'b'.repeat(100), { start: 100, end: 105 }, 10);
    expect(c.mark).toBe('QUOTE');
    expect(c.before).toBe('…' + 'a'.repeat(10));
    expect(c.after).toBe('b'.repeat(10) + '…');
  });
});

describe('phase text', () => {
  it('says why a job waits and what a running one does', () => {
    expect(phaseText(job({ state: 'queued', waiting: 'Waiting because this computer is offline.' }), null, null)).toMatch(/offline/);
    expect(phaseText(job({ state: 'running' }), { job_id: 'j1', kind: 'evidence', phase: 'receiving', received: 1200 }, null)).toMatch(/1,200/);
    expect(phaseText(job({ state: 'failed', error_message: 'The endpoint refused the key.' }), null, null)).toBe('The endpoint refused the key.');
  });
});

describe('createAssist', () => {
  function fakeApi(j: AssistJob) {
    // like Go: a job lists only suggestions still to review
    const decided = new Set<string>();
    const now = () => ({ ...j, suggestions: j.suggestions.filter((s) => !decided.has(s.id)) });
    return {
      status: vi.fn(async () => ({ state: 'ready', message: '', queued: 0, running: '' })),
      jobs: vi.fn(async () => [now(), job({ id: 'other', call_id: 'c2' })]),
      job: vi.fn(async () => now()),
      suggestEvidence: vi.fn(async () => job({ id: 'j2', state: 'queued' })),
      accept: vi.fn(async (_j: string, s: string) => (decided.add(s), { id: 'ev1' })),
      reject: vi.fn(async (_j: string, s: string) => void decided.add(s)),
      cancel: vi.fn(async () => undefined),
      retryNow: vi.fn(async () => undefined),
    } as unknown as AssistApi;
  }
  const noEvents = () => () => {};

  it('loads the call’s job and accepts or rejects one suggestion at a time', async () => {
    const j = job({ suggestions: [sug('s1', 'a'), sug('s2', 'b')] });
    const api = fakeApi(j);
    const a = createAssist('c1', api, noEvents);
    await a.load();
    expect(get(a.job)?.id).toBe('j1');
    expect(await a.accept(get(a.job)!.suggestions[0], { strength: 3 })).toEqual({ id: 'ev1' });
    expect(api.accept).toHaveBeenCalledWith('j1', 's1', { strength: 3 });
    expect(get(a.job)!.suggestions.map((s) => s.id)).toEqual(['s2']);
    expect(await a.reject(get(a.job)!.suggestions[0])).toBe(true);
    expect(api.reject).toHaveBeenCalledWith('j1', 's2');
    expect(get(a.job)!.suggestions).toEqual([]);
    a.dispose();
  });

  it('keeps a suggestion whose Accept failed, with the error in words', async () => {
    const j = job({ suggestions: [sug('s1', 'a')] });
    const api = fakeApi(j);
    (api.accept as unknown as ReturnType<typeof vi.fn>).mockRejectedValueOnce({ code: 'invalid', message: 'quote: must be words of the notes' });
    const a = createAssist('c1', api, noEvents);
    await a.load();
    expect(await a.accept(j.suggestions[0], { quote: 'made up' })).toBeNull();
    expect(get(a.job)!.suggestions).toHaveLength(1);
    expect(get(a.error)?.message).toMatch(/words of the notes/);
    a.dispose();
  });

  it('refreshes the job when assist:done names it', async () => {
    vi.useFakeTimers();
    const handlers: Record<string, (d: unknown) => void> = {};
    const done = job({ id: 'j2', state: 'done', suggestions: [sug('s9', 'x')] });
    const api = fakeApi(done);
    const a = createAssist('c1', api, (name, fn) => {
      handlers[name] = fn as (d: unknown) => void;
      return () => {};
    });
    await a.suggest();
    expect(get(a.job)?.state).toBe('queued');
    handlers['assist:progress']({ job_id: 'j2', kind: 'evidence', phase: 'receiving', received: 10 });
    expect(get(a.progress)?.received).toBe(10);
    handlers['assist:done']({ job_id: 'j2', kind: 'evidence', state: 'done', call_id: 'c1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(get(a.job)?.suggestions[0].id).toBe('s9');
    a.dispose();
    vi.useRealTimers();
  });
});
