import { describe, expect, it, vi } from 'vitest';
import { Autosaver, type SaveState } from './autosave';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Autosaver', () => {
  it('says saved only after the save has returned', async () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const pending = deferred();
    const states: SaveState[] = [];
    const a = new Autosaver<string>(
      (v) => {
        calls.push(v);
        return pending.promise;
      },
      { delay: 150, onState: (s) => states.push(s) },
    );
    a.change('h');
    a.change('he');
    expect(a.state).toBe('dirty');
    await vi.advanceTimersByTimeAsync(150);
    expect(calls).toEqual(['he']);
    expect(a.state).toBe('saving');
    pending.resolve();
    await vi.runAllTimersAsync();
    expect(a.state).toBe('saved');
    expect(states).not.toContain('error');
    vi.useRealTimers();
  });

  it('does not push the save back while the user keeps typing', async () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const a = new Autosaver<string>(async (v) => void calls.push(v), { delay: 150 });
    for (let i = 1; i <= 10; i++) {
      a.change('x'.repeat(i));
      await vi.advanceTimersByTimeAsync(40); // a keystroke every 40 ms for 400 ms
    }
    expect(calls.length).toBeGreaterThanOrEqual(2);
    await vi.runAllTimersAsync();
    expect(calls.at(-1)).toBe('x'.repeat(10));
    expect(a.state).toBe('saved');
    vi.useRealTimers();
  });

  it('saves edits made during a save right after it, and only then says saved', async () => {
    vi.useFakeTimers();
    const first = deferred();
    const calls: string[] = [];
    const a = new Autosaver<string>(
      (v) => {
        calls.push(v);
        return calls.length === 1 ? first.promise : Promise.resolve();
      },
      { delay: 100 },
    );
    a.change('a');
    await vi.advanceTimersByTimeAsync(100);
    a.change('ab'); // while 'a' is in flight
    first.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.state).not.toBe('saved');
    await vi.runAllTimersAsync();
    expect(calls).toEqual(['a', 'ab']);
    expect(a.state).toBe('saved');
    expect(a.pending).toBe(false);
    vi.useRealTimers();
  });

  it('retries after a failure and keeps the text', async () => {
    vi.useFakeTimers();
    let fail = true;
    const calls: string[] = [];
    const a = new Autosaver<string>(
      async (v) => {
        calls.push(v);
        if (fail) throw { code: 'internal', message: 'disk full' };
      },
      { delay: 100, retry: 500 },
    );
    a.change('note');
    await vi.advanceTimersByTimeAsync(100);
    expect(a.state).toBe('error');
    fail = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toEqual(['note', 'note']);
    expect(a.state).toBe('saved');
    vi.useRealTimers();
  });

  it('flush saves at once', async () => {
    const calls: string[] = [];
    const a = new Autosaver<string>(async (v) => void calls.push(v), { delay: 10_000 });
    a.change('bye');
    await a.flush();
    expect(calls).toEqual(['bye']);
    expect(a.state).toBe('saved');
  });
});
