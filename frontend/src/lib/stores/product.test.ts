import { describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import type { HypothesisRow } from '../api';
import { duration, emptyInput, hasRevenue, isProduct, moveBy, moveTo, position, problems, reorder, shares, splitList } from './product';
import { resource } from './resource';

const row = (id: string, rank: number) => ({ id, rank, statement: id }) as unknown as HypothesisRow;

describe('product logic', () => {
  it('moves items by keyboard and by drop', () => {
    expect(moveBy(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveBy(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    const l = ['a', 'b'];
    expect(moveBy(l, 0, -1)).toBe(l); // cannot move: the same array, nothing to save
    expect(moveBy(l, 1, 1)).toBe(l);
    expect(moveTo(['a', 'b', 'c', 'd'], 0, 3)).toEqual(['b', 'c', 'd', 'a']);
    expect(moveTo(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
  });

  it('words durations', () => {
    expect(duration(null)).toBe('—');
    expect(duration(-5)).toBe('0 s');
    expect(duration(42)).toBe('42 s');
    expect(duration(600)).toBe('10 min');
    expect(duration(3600)).toBe('1 h');
    expect(duration(3600 + 20 * 60)).toBe('1 h 20 min');
    expect(duration(86400 * 2 + 3600 * 4)).toBe('2 d 4 h');
  });

  it('shares count accounts and ARR, never dividing by zero', () => {
    const s = shares({ supports: { accounts: 3, arr: 300 }, refutes: { accounts: 1, arr: 100 }, mixed: { accounts: 0, arr: 0 }, unclear: { accounts: 0, arr: 0 } });
    expect(s[0]).toMatchObject({ key: 'supports', pctAccounts: 75, pctArr: 75 });
    expect(shares(undefined).every((x) => x.pctAccounts === 0)).toBe(true);
  });

  it('never gives prospects (no ARR) a share that reads as no weight', () => {
    const s = shares({ supports: { accounts: 1, arr: 0 }, refutes: { accounts: 1, arr: 500 }, mixed: { accounts: 0, arr: 0 }, unclear: { accounts: 0, arr: 0 } });
    expect(s[0]).toMatchObject({ key: 'supports', accounts: 1, pctArr: null });
    expect(s[1]).toMatchObject({ key: 'refutes', pctArr: 100 });
    expect(shares({ supports: { accounts: 2, arr: 0 }, refutes: { accounts: 0, arr: 0 }, mixed: { accounts: 0, arr: 0 }, unclear: { accounts: 0, arr: 0 } })[0].pctArr).toBeNull();
  });

  it('tells an empty revenue from real figures', () => {
    const none = { open_pipeline: [], pipeline_by_stage: null, arr_at_risk: [], expansion_arr: [], won_after_decision: [], lost_after_decision: [], time_to_revenue: { from_decision_seconds: null, from_publish_seconds: null } };
    expect(hasRevenue(undefined)).toBe(false);
    expect(hasRevenue(none)).toBe(false);
    expect(hasRevenue({ ...none, open_pipeline: [{ currency: 'EUR', amount: 48000, count: 1 }] })).toBe(true);
  });

  it('places WTP values on a scale', () => {
    expect(position(15, 10, 20)).toBe(50);
    expect(position(5, 5, 5)).toBe(50);
    expect(position(30, 10, 20)).toBe(100);
  });

  it('checks the form and reads lists', () => {
    expect(Object.keys(problems(emptyInput()))).toEqual(['statement', 'questions']);
    expect(problems({ ...emptyInput(), statement: 'x', questions: [{ id: '', text: 'why?', kind: 'signal' }] })).toEqual({});
    expect(splitList(' smb, mid-market ,, smb')).toEqual(['smb', 'mid-market']);
  });

  it('shows the PM screens for product and admin only', () => {
    const me = (role: string) => ({ id: 'u', email: 'e', role, product: false, online: true, message: '' }) as never;
    expect(isProduct(me('product'))).toBe(true);
    expect(isProduct(me('admin'))).toBe(true);
    expect(isProduct(me('field'))).toBe(false);
    expect(isProduct(null)).toBe(false);
  });

  it('reorders optimistically and rolls back when the save fails', async () => {
    const list = resource(async () => [row('a', 1), row('b', 2)], { subscribe: () => () => {} });
    const off = list.subscribe(() => {});
    await vi.waitFor(() => expect(get(list).data).not.toBeNull());
    const before = get(list).data!;
    const after = moveBy(before, 1, -1);
    let seen: string[] = [];
    const ok = await reorder(list, before, after, {
      rank: async (ids) => {
        seen = get(list).data!.map((h) => `${h.id}${h.rank}`); // optimistic state while saving
        return ids.map((id, i) => row(id, i + 1));
      },
    });
    expect(ok).toBe(true);
    expect(seen).toEqual(['b1', 'a2']);
    expect(get(list).data!.map((h) => h.id)).toEqual(['b', 'a']);
    const failed = await reorder(list, get(list).data!, moveBy(get(list).data!, 0, 1), {
      rank: async () => {
        throw { code: 'conflict', message: 'offline' };
      },
    });
    expect(failed).toBe(false);
    expect(get(list).data!.map((h) => h.id)).toEqual(['b', 'a']);
    off();
  });
});

describe('reorder races', () => {
  it('keeps the latest move when an earlier save answers last', async () => {
    const list = resource(async () => [row('a', 1), row('b', 2), row('c', 3)], { subscribe: () => () => {} });
    const off = list.subscribe(() => {});
    await vi.waitFor(() => expect(get(list).data).not.toBeNull());
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const d0 = get(list).data!;
    const first = reorder(list, d0, moveBy(d0, 2, -1), {
      rank: async (ids) => {
        await slow;
        return ids.map((id, i) => row(id, i + 1));
      },
    });
    const d1 = get(list).data!;
    await reorder(list, d1, moveBy(d1, 1, -1), { rank: async (ids) => ids.map((id, i) => row(id, i + 1)) });
    release();
    await first;
    expect(get(list).data!.map((h) => h.id)).toEqual(['c', 'a', 'b']);
    off();
  });
});

describe('product routes', () => {
  it('parses and builds #/product and #/insights', async () => {
    const { parseRoute, href } = await import('../router');
    expect(parseRoute('#/product')).toEqual({ name: 'product', id: undefined });
    expect(parseRoute('#/product/new')).toEqual({ name: 'product', id: 'new' });
    expect(parseRoute('#/insights/h%201')).toEqual({ name: 'insights', id: 'h 1' });
    expect(href({ name: 'insights', id: 'h 1' })).toBe('#/insights/h%201');
    expect(href({ name: 'product' })).toBe('#/product');
  });
});
