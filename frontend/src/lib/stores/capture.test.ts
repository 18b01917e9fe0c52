import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import type { Api, CallView, Evidence } from '../api';
import { createCapture, questionsOf, selectionOf } from './capture';

function view(): CallView {
  return {
    call: { id: 'c1', account_id: 'a1', contact_ids: [], started_at: '2026-11-22T10:00:00Z', ended_at: '', kind: 'discovery', title: 'Call', notes: 'old', notes_conflicts: [] },
    account: { id: 'a1', name: 'Acme', domains: [], segment: 'smb', stage: 'customer', arr: 0 },
    hypotheses: [
      {
        id: 'h1', statement: 'S', rationale: '', audience: 'all', segments: [], stages: [], status: 'active', rank: 1, place: 1, mark: '', owner: '', decision_note: '', published_at: '', decided_at: '',
        questions: [
          { id: 'q1', text: 'One?', kind: 'signal' },
          { id: 'q2', text: 'Pay?', kind: 'wtp' },
        ],
      },
    ],
    evidence: [],
    contacts: [],
    deals: [
      { id: 'd1', name: 'Acme platform', account_id: 'a1', amount: 40000, currency: 'EUR', stage: 'Proposal', status: 'open', close_date: '', lost_reason: '', owner: '' },
    ],
    default_deal_id: 'd1',
  };
}

function fakeApi() {
  const saves: Evidence[] = [];
  const release: (() => void)[] = [];
  let n = 0;
  const api = {
    callView: async () => view(),
    saveNotes: async () => ({ id: 'c1', seq: 1, saved_at: '' }),
    saveEvidence: (e: Evidence) =>
      new Promise<Evidence>((resolve) => {
        saves.push({ ...e });
        release.push(() => resolve({ ...e, id: e.id || `e${++n}`, signal: e.signal || 'unclear', captured_at: 'now' }));
      }),
    deleteEvidence: async () => undefined,
    endCall: async () => ({ id: 'c1', seq: 2, saved_at: '2026-11-22T10:30:00Z' }),
  } as unknown as Api;
  return { api, saves, release };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('capture store', () => {
  it('flattens questions in order and finds a selection', () => {
    expect(questionsOf(view().hypotheses).map((q) => q.key)).toEqual(['h1/q1', 'h1/q2']);
    expect(selectionOf('abc def', 4, 7)).toBe('def');
    expect(selectionOf('abc', 2, 2)).toBe('');
    const line = 'x "Our approvers live in Teams." y';
    expect(selectionOf(line, 2, line.length - 2)).toBe('Our approvers live in Teams.');
    expect(selectionOf('“It’s slow”', 0, 11)).toBe('It’s slow');
  });

  it('marks, quotes and saves one evidence item per question, never two', async () => {
    const { api, saves, release } = fakeApi();
    const cap = createCapture('c1', api);
    await cap.load();
    expect(get(cap.notes)).toBe('old');

    cap.mark('supports'); // first question
    expect(get(cap.status).state).toBe('saving');
    cap.quote('they would pay'); // while the first save is in flight
    expect(saves).toHaveLength(1);
    release[0]();
    await flush();
    expect(saves).toHaveLength(2);
    expect(saves[1]).toMatchObject({ id: 'e1', signal: 'supports', quote: 'they would pay' });
    expect(get(cap.status).state).toBe('saving');
    release[1]();
    await flush();
    expect(get(cap.status).state).toBe('saved');
    expect(get(cap.evidence)['h1/q1']).toMatchObject({ id: 'e1', signal: 'supports', quote: 'they would pay' });
  });

  it('sets and clears an impact with one key, and links new evidence to the chosen deal', async () => {
    const { api, saves, release } = fakeApi();
    const cap = createCapture('c1', api);
    await cap.load();
    expect(get(cap.dealOfNew)).toBe('d1'); // the account's only open deal
    cap.impact('blocker');
    expect(saves[0]).toMatchObject({ impact: 'blocker', opportunity_id: '' }); // '' = the Go side's default
    release[0]();
    await flush();
    cap.impact('blocker'); // again: cleared
    release[1]?.();
    await flush();
    expect(get(cap.evidence)['h1/q1'].impact).toBe('');
    cap.chooseDeal(''); // no deal for what comes next
    expect(get(cap.dealOfNew)).toBe('none');
    cap.move(1);
    cap.impact('expansion');
    expect(saves.at(-1)).toMatchObject({ question_id: 'q2', impact: 'expansion', opportunity_id: 'none' });
  });

  it('moves between questions and wraps around', async () => {
    const { api } = fakeApi();
    const cap = createCapture('c1', api);
    await cap.load();
    cap.move(1);
    expect(get(cap.current)).toBe(1);
    cap.move(1);
    expect(get(cap.current)).toBe(0);
    cap.move(-1);
    expect(get(cap.current)).toBe(1);
    cap.update(get(cap.questions)[1], { wtp: { amount: 40, currency: 'EUR', period: 'seat_month', budget_owner: 'CFO' } });
    expect(get(cap.evidence)['h1/q2'].wtp?.amount).toBe(40);
  });

  it('shows a save error in words', async () => {
    const { api } = fakeApi();
    api.saveEvidence = async () => {
      throw new Error('{"code":"invalid","message":"invalid evidence: wtp: currency \\"EU\\" must be a three-letter code such as EUR"}');
    };
    const cap = createCapture('c1', api);
    await cap.load();
    cap.mark('refutes');
    await flush();
    const s = get(cap.status);
    expect(s.state).toBe('error');
    expect(s.error?.message).toContain('three-letter');
  });
});
