import { describe, expect, it } from 'vitest';
import { describe as describeSync } from './stores/sync';
import { href, parseRoute } from './router';
import { captureAction, isSearchKey, isTyping, Sequence } from './keys';
import { clock, money, when } from './format';
import { toApiError } from './api';

describe('router', () => {
  it('parses and formats every route', () => {
    for (const h of ['#/home', '#/accounts', '#/accounts/a1', '#/calls/c1', '#/hypotheses', '#/hypotheses/h1', '#/recruiting', '#/recruiting/s1', '#/settings']) {
      expect(href(parseRoute(h))).toBe(h);
    }
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#/nonsense/x')).toEqual({ name: 'home' });
    expect(parseRoute('#/calls')).toEqual({ name: 'home' });
  });
});

describe('keys', () => {
  const k = (code: string, mods: Partial<KeyboardEvent> = {}) => ({ altKey: true, ctrlKey: false, metaKey: false, code, key: '', ...mods });
  it('maps Alt chords in the capture screen', () => {
    expect(captureAction(k('Digit1'))).toEqual({ kind: 'signal', signal: 'supports' });
    expect(captureAction(k('Digit4'))).toEqual({ kind: 'signal', signal: 'unclear' });
    expect(captureAction(k('Numpad2'))).toEqual({ kind: 'signal', signal: 'refutes' });
    expect(captureAction(k('ArrowDown'))).toEqual({ kind: 'move', by: 1 });
    expect(captureAction(k('KeyK'))).toEqual({ kind: 'move', by: -1 });
    expect(captureAction(k('KeyQ'))).toEqual({ kind: 'quote' });
    expect(captureAction(k('KeyW'))).toEqual({ kind: 'form', form: 'wtp' });
    expect(captureAction(k('Digit5'))).toEqual({ kind: 'impact', impact: 'blocker' });
    expect(captureAction(k('Digit6'))).toEqual({ kind: 'impact', impact: 'retention' });
    expect(captureAction(k('Numpad7'))).toEqual({ kind: 'impact', impact: 'expansion' });
    expect(captureAction(k('Digit8'))).toEqual({ kind: 'impact', impact: 'nice_to_have' });
    expect(captureAction(k('Digit9'))).toBeNull();
    expect(captureAction(k('Digit1', { altKey: false }))).toBeNull();
    expect(captureAction(k('Digit1', { ctrlKey: true }))).toBeNull();
  });
  it('knows Ctrl/Cmd+K', () => {
    expect(isSearchKey({ key: 'k', ctrlKey: true, metaKey: false, altKey: false })).toBe(true);
    expect(isSearchKey({ key: 'K', ctrlKey: false, metaKey: true, altKey: false })).toBe(true);
    expect(isSearchKey({ key: 'k', ctrlKey: false, metaKey: false, altKey: false })).toBe(false);
  });
  it('runs g-sequences within a second', () => {
    let t = 0;
    const s = new Sequence(() => t);
    expect(s.feed('g')).toBeNull();
    t = 300;
    expect(s.feed('r')).toBe('#/recruiting');
    expect(s.feed('r')).toBeNull();
    s.feed('g');
    t = 2000;
    expect(s.feed('h')).toBeNull();
  });
  it('tells text fields from buttons', () => {
    expect(isTyping({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(false);
    expect(isTyping({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});

describe('format', () => {
  it('formats the call timer', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65_000)).toBe('1:05');
    expect(clock(3_725_000)).toBe('1:02:05');
    expect(clock(-5)).toBe('0:00');
  });
  it('formats money with period and survives a bad currency', () => {
    expect(money(40, 'EUR', 'seat_month')).toBe('€40.00 per seat per month');
    expect(money(12, 'XX')).toContain('12');
  });
  it('says today and yesterday', () => {
    const now = new Date('2026-11-22T15:00:00');
    expect(when(new Date('2026-11-22T09:30:00').toISOString(), now)).toMatch(/^today/);
    expect(when(new Date('2026-11-21T09:30:00').toISOString(), now)).toMatch(/^yesterday/);
    expect(when('', now)).toBe('');
    expect(when('garbage', now)).toBe('');
  });
});

describe('toApiError', () => {
  it('reads the JSON Wails puts in Error.message', () => {
    expect(toApiError(new Error('{"code":"forbidden","message":"do not contact"}'))).toEqual({ code: 'forbidden', message: 'do not contact', fields: undefined });
  });
  it('keeps plain strings and objects', () => {
    expect(toApiError('error parsing arguments')).toEqual({ code: 'internal', message: 'error parsing arguments' });
    expect(toApiError({ code: 'invalid', message: 'x', fields: { a: 'b' } })).toEqual({ code: 'invalid', message: 'x', fields: { a: 'b' } });
    expect(toApiError(undefined).code).toBe('internal');
  });
});

describe('sync words', () => {
  const base = { state: 'idle', message: 'Up to date.', phase: 'waiting', online: true, pending: 0, last_synced_at: '', last_error: '', error_kind: '', retry_at: '', hub_url: 'http://h', rev: 1, received: 0, remaining: 0, seconds_left: 0 };
  it('never says "Up to date" while the hub refused a change', () => {
    expect(describeSync(base).label).toBe('Up to date');
    expect(describeSync(base, new Date(), 1).label).toBe('1 change refused');
  });
  it('words a known error once', () => {
    const d = describeSync({ ...base, state: 'error', last_error: 'the hub refused the token (401): unauthorized', error_kind: 'unauthorized' });
    expect(d.error).toBe('The hub refused the token: paste a new one in Settings.');
  });
});
