import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../api/update';
import { banner, updateStatus } from './update';
import type { On } from './events';

const s = (over: Partial<UpdateStatus>): UpdateStatus => ({ phase: 'up_to_date', current: '1.0.0', available: '', message: '', can_restart: false, ...over });

describe('update banner', () => {
  it('shows a verified update with its restart, a packaged wait and a refusal; nothing else', () => {
    expect(banner(s({ phase: 'ready', message: 'Version 1.1.0 is downloaded and verified. Restart to update.', can_restart: true }))).toEqual({
      kind: 'ready', text: 'Version 1.1.0 is downloaded and verified. Restart to update.', canRestart: true,
    });
    expect(banner(s({ phase: 'package_manager', message: 'waiting' }))?.kind).toBe('waiting');
    expect(banner(s({ phase: 'refused', message: 'refused: older' }))?.canRestart).toBe(false);
    for (const phase of ['off', 'checking', 'up_to_date', 'downloading', 'failed', 'applied']) expect(banner(s({ phase }))).toBeNull();
    expect(banner(null)).toBeNull();
  });
  it('keeps an event over a first answer that arrives after it', async () => {
    let answer: (v: UpdateStatus) => void = () => {};
    const api = { status: () => new Promise<UpdateStatus>((r) => (answer = r)) };
    let emit: (p: UpdateStatus) => void = () => {};
    const on = ((_: string, fn: (p: UpdateStatus) => void) => ((emit = fn), () => {})) as unknown as On;
    const seen: (UpdateStatus | null)[] = [];
    const off = updateStatus(api, on).subscribe((v) => seen.push(v));
    emit(s({ phase: 'ready' }));
    answer(s({ phase: 'checking' }));
    await Promise.resolve();
    await Promise.resolve();
    off();
    expect(seen.map((v) => v?.phase)).toEqual([undefined, 'ready']);
  });
});
