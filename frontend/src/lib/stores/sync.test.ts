import { describe, expect, it } from 'vitest';
import type { SyncApi, SyncStatus } from '../api/sync';
import type { On } from './events';

/** fakeSync is a SyncApi whose calls other than those given fail the test. */
const fakeSync = (over: Partial<SyncApi>): SyncApi => ({
  status: () => Promise.reject(new Error('unexpected status')),
  syncNow: () => Promise.reject(new Error('unexpected syncNow')),
  settings: () => Promise.reject(new Error('unexpected settings')),
  saveSettings: () => Promise.reject(new Error('unexpected saveSettings')),
  pending: () => Promise.reject(new Error('unexpected pending')),
  rejections: () => Promise.reject(new Error('unexpected rejections')),
  ...over,
});
import { describe as describeSync, progressOf, refusedCount, settled, syncStatus, typeName } from './sync';

const s = (over: Partial<SyncStatus>): SyncStatus => ({
  state: 'idle', message: '', phase: '', online: true, pending: 0, last_synced_at: '', last_error: '', error_kind: '', retry_at: '', hub_url: '', rev: 0, received: 0, remaining: 0, seconds_left: 0, ...over,
});

describe('sync badge in words', () => {
  it('says state, pending and last synced', () => {
    const now = new Date('2026-11-22T12:00:00');
    const d = describeSync(s({ pending: 3, last_synced_at: '2026-11-22T11:58:00' }), now);
    expect(d.label).toBe('Up to date');
    expect(d.detail).toMatch(/^3 changes waiting · last synced today \d\d:\d\d$/);
    expect(describeSync(s({ pending: 1 })).detail).toBe('1 change waiting · never synced');
    expect(describeSync(s({ state: 'not_configured' })).label).toMatch(/not configured/);
  });
  it('puts a known error in words once, and an unknown one as it came', () => {
    const d = describeSync(s({ state: 'error', last_error: '401 Unauthorized', error_kind: 'unauthorized' }));
    expect(d.label).toBe('Sync failed');
    expect(d.error).toBe('The hub refused the token: paste a new one in Settings.');
    expect(describeSync(s({ last_error: 'boom', error_kind: 'weird' })).error).toBe('boom');
    expect(describeSync(s({})).error).toBe('');
    expect(describeSync(s({ state: 'not_configured', last_error: 'sync is not set up' })).error).toBe('');
  });
  it('never says up to date over refused changes, nor before they are read', () => {
    expect(describeSync(s({}), new Date(), 10).label).toBe('10 changes refused');
    expect(describeSync(s({}), new Date(), 1).label).toBe('1 change refused');
    expect(describeSync(s({}), new Date(), null).label).toBe('Checking…');
    expect(describeSync(s({ state: 'offline' }), new Date(), null).label).not.toBe('Checking…');
    expect(refusedCount({ data: null, error: null })).toBeNull();
    expect(refusedCount({ data: [1, 2], error: null })).toBe(2);
    expect(refusedCount({ data: null, error: { message: 'x' } })).toBe(0);
  });
  it('after a save, waits while the sync runs and reports how it ended', async () => {
    const seen = [s({ state: 'syncing', last_synced_at: '2026-11-22T11:58:00' }), s({ state: 'error', last_error: '401', error_kind: 'unauthorized' })];
    const api = fakeSync({ status: async () => seen.shift() ?? seen[0] });
    expect((await settled(api, 2000))?.error_kind).toBe('unauthorized');
  });
  it('keeps the newest status when the first answer arrives after an event', async () => {
    let answer: (v: SyncStatus) => void = () => {};
    const api = fakeSync({ status: () => new Promise<SyncStatus>((r) => (answer = r)) });
    let emit: (p: SyncStatus) => void = () => {};
    const on: On = (name, fn) => {
      expect(name).toBe('sync:status');
      emit = fn as (p: SyncStatus) => void;
      return () => {};
    };
    const seen: (SyncStatus | null)[] = [];
    const off = syncStatus(api, on).subscribe((v) => seen.push(v));
    emit(s({ state: 'idle', rev: 7 }));
    answer(s({ state: 'syncing', rev: 6 }));
    await Promise.resolve();
    await Promise.resolve();
    off();
    expect(seen.at(-1)?.state).toBe('idle');
    expect(seen.map((v) => v?.state)).not.toContain('syncing');
  });
  it('shows a download as records of about how many, with the time left', () => {
    expect(progressOf(s({ state: 'syncing', received: 20000, remaining: 80000, seconds_left: 40 }))).toEqual({
      value: 20000, max: 100000, label: '20,000 of about 100,000 records · about 40 s left',
    });
    expect(progressOf(s({ state: 'syncing', received: 5000, remaining: 995000, seconds_left: 4000 }))?.label).toBe('5,000 of about 1,000,000 records · about 1 h 7 min left');
    expect(progressOf(s({ state: 'syncing', received: 10, remaining: 90 }))?.label).toBe('10 of about 100 records');
    expect(progressOf(s({ state: 'syncing', received: 10, remaining: 0 }))).toBeNull();
    expect(progressOf(s({ state: 'idle', received: 10, remaining: 5 }))).toBeNull();
    expect(progressOf(null)).toBeNull();
  });
  it('names record types', () => {
    expect(typeName('evidence')).toBe('Evidence');
    expect(typeName('thing')).toBe('thing');
  });
});
