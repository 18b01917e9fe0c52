import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { jobRunner } from './actions';

describe('jobRunner', () => {
  it('names the running action and clears it when done', async () => {
    const job = jobRunner();
    let release: (v: number) => void = () => {};
    const running = job.run('export', () => new Promise<number>((r) => (release = r)));
    expect(get(job)).toEqual({ busy: 'export', problem: '' });
    release(7);
    expect(await running).toBe(7);
    expect(get(job)).toEqual({ busy: '', problem: '' });
  });
  it('turns a failure into the problem and null, and the next run clears it', async () => {
    const job = jobRunner();
    expect(await job.run('backup', () => Promise.reject({ code: 'io', message: 'The disk is full.' }))).toBeNull();
    expect(get(job)).toEqual({ busy: '', problem: 'The disk is full.' });
    const next = job.run('backup', () => Promise.resolve('ok'));
    expect(get(job).problem).toBe('');
    expect(await next).toBe('ok');
  });
});
