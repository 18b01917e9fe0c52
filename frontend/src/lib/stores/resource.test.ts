import { describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import type { RecordChange } from '../api';
import { resource } from './resource';

describe('resource', () => {
  it('loads on first subscribe and reloads on relevant changes only', async () => {
    vi.useFakeTimers();
    let listener: (c: RecordChange) => void = () => {};
    let n = 0;
    const r = resource(async () => ++n, {
      relevant: (c) => c.type === 'account',
      debounceMs: 50,
      subscribe: (fn) => {
        listener = fn;
        return () => {};
      },
    });
    const seen: (number | null)[] = [];
    const off = r.subscribe((s) => seen.push(s.data));
    await vi.advanceTimersByTimeAsync(0);
    expect(get(r).data).toBe(1);
    listener({ type: 'call', id: 'x', op: 'upsert', origin: 'local', count: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(get(r).data).toBe(1);
    listener({ type: 'account', id: 'x', op: 'upsert', origin: 'import', count: 1 });
    listener({ type: 'account', id: 'y', op: 'upsert', origin: 'import', count: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(n).toBe(2); // two events, one reload
    listener({ type: '', id: '', op: 'batch', origin: 'import', count: 500 });
    await vi.advanceTimersByTimeAsync(100);
    expect(n).toBe(3);
    off();
    vi.useRealTimers();
  });

  it('keeps the last data and reports the error in words', async () => {
    let fail = false;
    const r = resource(async () => {
      if (fail) throw new Error('{"code":"internal","message":"disk gone"}');
      return 'ok';
    }, { subscribe: () => () => {} });
    const off = r.subscribe(() => {});
    await new Promise((res) => setTimeout(res, 0));
    fail = true;
    await r.reload();
    expect(get(r)).toMatchObject({ data: 'ok', error: { code: 'internal', message: 'disk gone' } });
    off();
  });
});
