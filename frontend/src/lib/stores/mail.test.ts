import { describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import type { RecordChange } from '../api';
import type { MailApi, MailGroup, MailStatus } from '../api/mail';
import { canOpen, flatten, inboxStore, mailStatus, problemWords, progressFraction, progressText, statusLine, unreadTotal } from './mail';

const base: MailStatus = { state: 'idle', message: '', error_code: '', folder: '', stage: '', done: 0, total: 0, last_sync_at: '', last: { folders: 0, scanned: 0, relevant: 0, fetched: 0, skipped: 0, expunged: 0, flag_changes: 0 } };

const row = (id: string, unread: boolean) => ({ id, subject: id, from: 'a@acme.com', to: [], date: '', excerpt: '', account_id: 'a', account_name: 'Acme', contact_ids: [], links: [], unread, shared: false });

describe('mail progress', () => {
  it('says folder and n of N while syncing', () => {
    expect(progressText({ ...base, state: 'syncing', stage: 'fetching', folder: 'INBOX', done: 120, total: 2000 })).toBe('Fetching INBOX: 120 of 2,000');
    expect(progressText({ ...base, state: 'syncing', stage: 'checking', folder: '' })).toBe('Checking…');
    expect(progressFraction({ ...base, state: 'syncing', done: 5, total: 20 })).toBe(0.25);
    expect(progressFraction({ ...base, state: 'idle', done: 5, total: 20 })).toBeNull();
  });
  it('falls back to the message in words', () => {
    expect(progressText({ ...base, state: 'error', message: 'The server refused the password.' })).toBe('The server refused the password.');
    expect(progressText({ ...base, state: 'not_configured' })).toBe('Mail is not set up yet.');
    expect(progressText(null)).toBe('');
  });
  it('adds when the last pull ended', () => {
    const now = new Date('2026-11-22T12:00:00');
    expect(statusLine({ ...base, state: 'idle', message: 'Up to date.', last_sync_at: '2026-11-22T11:58:00' }, now)).toMatch(/^Up to date · last today \d\d:\d\d$/);
    expect(statusLine({ ...base, state: 'syncing', stage: 'fetching', folder: 'INBOX', done: 1, total: 2, last_sync_at: '2026-11-22T11:58:00' }, now)).toBe('Fetching INBOX: 1 of 2');
  });
  it('names each connection problem distinctly', () => {
    const words = ['unreachable', 'tls', 'auth', 'protocol'].map(problemWords);
    expect(new Set(words).size).toBe(4);
  });
});

describe('links from an email', () => {
  it('opens only web and mail links', () => {
    expect(canOpen('https://acme.com/x')).toBe(true);
    expect(canOpen('http://acme.com')).toBe(true);
    expect(canOpen('mailto:ana@acme.com')).toBe(true);
    expect(canOpen('javascript:alert(1)')).toBe(false);
    expect(canOpen('file:///etc/passwd')).toBe(false);
    expect(canOpen('data:text/html,<script>')).toBe(false);
    expect(canOpen('/relative')).toBe(false);
  });
});

describe('inbox', () => {
  it('counts unread and flattens in display order', () => {
    const groups: MailGroup[] = [
      { account_id: 'a', account_name: 'A', unread: 1, newest: '', emails: [row('1', true), row('2', false)] },
      { account_id: 'b', account_name: 'B', unread: 1, newest: '', emails: [row('3', true)] },
    ];
    expect(unreadTotal(groups)).toBe(2);
    expect(flatten(groups).map((e) => e.id)).toEqual(['1', '2', '3']);
  });

  it('reloads when mail was fetched or an email changed, not for calls', async () => {
    vi.useFakeTimers();
    let listener: (c: RecordChange) => void = () => {};
    const inbox = vi.fn(async () => [] as MailGroup[]);
    const api = { inbox } as unknown as MailApi;
    const store = inboxStore(api, (fn) => {
      listener = fn;
      return () => {};
    });
    const off = store.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(inbox).toHaveBeenCalledTimes(1);
    listener({ type: 'call', id: 'x', op: 'upsert', origin: 'local', count: 1 });
    await vi.advanceTimersByTimeAsync(500);
    expect(inbox).toHaveBeenCalledTimes(1);
    listener({ type: 'email', id: '', op: 'batch', origin: 'mail', count: 0 });
    await vi.advanceTimersByTimeAsync(500);
    expect(inbox).toHaveBeenCalledTimes(2);
    off();
    vi.useRealTimers();
  });

  it('follows mail:progress after the first Status', async () => {
    let emit: (d: unknown) => void = () => {};
    const api = { status: async () => ({ ...base, state: 'idle' }) } as unknown as MailApi;
    const s = mailStatus(api, (name, fn) => {
      expect(name).toBe('mail:progress');
      emit = fn as (d: unknown) => void;
      return () => {};
    });
    const off = s.subscribe(() => {});
    await Promise.resolve();
    await Promise.resolve();
    expect(get(s)?.state).toBe('idle');
    emit({ ...base, state: 'syncing', folder: 'Sent', done: 1, total: 3 });
    expect(get(s)?.folder).toBe('Sent');
    off();
  });

  it('asks Status again when a pull looks busy but has gone quiet', async () => {
    vi.useFakeTimers();
    let emit: (d: unknown) => void = () => {};
    const status = vi.fn(async () => ({ ...base, state: 'idle' }));
    const s = mailStatus({ status } as unknown as MailApi, (_n, fn) => ((emit = fn as (d: unknown) => void), () => {}), 1000);
    const off = s.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    emit({ ...base, state: 'syncing', stage: 'done', folder: 'INBOX' });
    expect(get(s)?.state).toBe('syncing');
    await vi.advanceTimersByTimeAsync(1100);
    expect(get(s)?.state).toBe('idle');
    expect(status).toHaveBeenCalledTimes(2);
    off();
    vi.useRealTimers();
  });
});
