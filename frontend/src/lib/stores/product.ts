// The product area: who the hub says we are (the PM screens show for
// product and admin), the ranked hypotheses, insights, and the pure logic
// the screens share (reordering, durations, shares of a roll-up).
import { writable, type Readable } from 'svelte/store';
import { type ApiError, type Hypothesis, type HypothesisRow, type Question } from '../api';
import { productApi, type CountRef, type HypothesisInput, type HypothesisRevenue, type InsightsReport, type Me, type Outcome, type SignalCounts, type StudyInput } from '../api/product';
import { resource, type Resource } from './resource';
import { toast } from './toasts';
import { Events, on } from './events';
import { SIGNALS } from '../constants';

// ---- who am I -------------------------------------------------------------

export interface MeState {
  me: Me | null;
  loading: boolean;
}

const meState = writable<MeState>({ me: null, loading: true });
let meLoaded = false;
let lastHub = '';

/** reloadMe asks the hub again (after the hub settings changed). */
export async function reloadMe(api: Pick<typeof productApi, 'me'> = productApi): Promise<Me | null> {
  try {
    const me = await api.me();
    meState.set({ me, loading: false });
    return me;
  } catch {
    meState.set({ me: null, loading: false });
    return null;
  }
}

/** me is the signed-in role; loads on first use and again when the sync
 * engine reports another hub address. */
export const me: Readable<MeState> = {
  subscribe(run) {
    if (!meLoaded) {
      meLoaded = true;
      void reloadMe();
      on(Events.syncStatus, (st) => {
        // A new hub, a new token (unauthorized ↔ fine) or back online: ask again.
        const key = `${st.hub_url ?? ''}|${st.state === 'syncing' ? 'idle' : (st.state ?? '')}|${st.error_kind ?? ''}`;
        if (key !== lastHub) {
          lastHub = key;
          void reloadMe();
        }
      });
    }
    return meState.subscribe(run);
  },
};

/** isProduct: the PM screens show for product and admin roles only. */
export function isProduct(m: Me | null | undefined): boolean {
  return !!m && (m.role === 'product' || m.role === 'admin');
}

// ---- hypotheses -----------------------------------------------------------

export function productHypotheses(): Resource<HypothesisRow[]> {
  return resource(() => productApi.list(), { relevant: (c) => c.type === 'hypothesis' });
}

export function outcomesStore(): Resource<Outcome[]> {
  return resource(() => productApi.outcomes(), { relevant: (c) => c.type === 'hypothesis' || c.type === 'evidence' });
}

export function insightsStore(hypothesisId = ''): Resource<InsightsReport> {
  return resource(() => productApi.insights(hypothesisId), { relevant: (c) => c.type === 'evidence' || c.type === 'hypothesis', debounceMs: 1500 });
}

/** moveBy moves id by delta places (Alt+↑ is -1); the same array when it cannot move. */
export function moveBy<T>(list: T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length || delta === 0) return list;
  return moveTo(list, index, to);
}

/** moveTo moves the item at from to position to (a drop). */
export function moveTo<T>(list: T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= list.length) return list;
  const out = list.slice();
  const [x] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(to, out.length)), 0, x);
  return out;
}

let rankSeq = 0;

/** reorder applies a new order optimistically and rolls back if the save fails. */
export async function reorder(
  list: Resource<HypothesisRow[]>,
  before: HypothesisRow[],
  after: HypothesisRow[],
  api: Pick<typeof productApi, 'rank'> = productApi,
): Promise<boolean> {
  if (before === after) return false;
  const mine = ++rankSeq;
  list.set(after.map((h, i) => ({ ...h, rank: i + 1 })));
  try {
    const saved = await api.rank(after.map((h) => h.id));
    if (mine === rankSeq) list.set(saved); // a later move owns the list now
    return true;
  } catch (e) {
    if (mine === rankSeq) list.set(before);
    toast(`The new order was not saved: ${(e as ApiError).message}`, 'error', 8000);
    return false;
  }
}

export const answerKinds: { value: Question['kind']; label: string }[] = [
  { value: 'signal', label: 'Supports / refutes' },
  { value: 'wtp', label: 'Willingness to pay' },
  { value: 'capability', label: 'Requested capability' },
  { value: 'blocker', label: 'Adoption blocker' },
  { value: 'usage', label: 'Feature usage' },
  { value: 'text', label: 'Free answer' },
];

export function emptyInput(): HypothesisInput {
  return { id: '', statement: '', rationale: '', questions: [{ id: '', text: '', kind: 'signal' }], audience: 'all', segments: [], stages: [] };
}

export function toInput(h: Hypothesis): HypothesisInput {
  return {
    id: h.id,
    statement: h.statement,
    rationale: h.rationale,
    questions: h.questions.map((q) => ({ ...q })),
    audience: h.audience || 'all',
    segments: [...h.segments],
    stages: [...h.stages],
  };
}

/** splitList reads "smb, mid-market" as ["smb", "mid-market"]. */
export function splitList(s: string): string[] {
  return [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];
}

/** problems checks the form before it goes to Go (which checks again). */
export function problems(i: HypothesisInput): Record<string, string> {
  const p: Record<string, string> = {};
  if (!i.statement.trim()) p.statement = 'Write the hypothesis as one sentence.';
  else if (i.statement.length > 500) p.statement = 'Keep the statement under 500 characters.';
  if (!i.questions.some((q) => q.text.trim())) p.questions = 'Add at least one question for the field to ask.';
  return p;
}

// ---- insights maths for display ------------------------------------------

/** duration words a number of seconds: "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(s / 3600);
  if (h < 24) {
    const rest = Math.round((s - h * 3600) / 60);
    return rest ? `${h} h ${rest} min` : `${h} h`;
  }
  const d = Math.floor(s / 86400);
  const rh = Math.round((s - d * 86400) / 3600);
  return rh ? `${d} d ${rh} h` : `${d} d`;
}

/** the signals in their column order (lib/constants) */
export const signalKeys = SIGNALS;

/** shares turns once-per-account counts into percentages of accounts and of ARR. */
export function shares(c: SignalCounts | undefined): { key: (typeof signalKeys)[number]; accounts: number; arr: number; pctAccounts: number; pctArr: number | null }[] {
  const total = signalKeys.reduce((n, k) => n + (c?.[k]?.accounts ?? 0), 0);
  const totalArr = signalKeys.reduce((n, k) => n + (c?.[k]?.arr ?? 0), 0);
  return signalKeys.map((key) => {
    const accounts = c?.[key]?.accounts ?? 0;
    const arr = c?.[key]?.arr ?? 0;
    // No ARR behind a signal (prospects, issue 16 item 7) has no share: "0%"
    // would read as "no weight" beside accounts that said it.
    return { key, accounts, arr, pctAccounts: total ? (100 * accounts) / total : 0, pctArr: arr > 0 && totalArr > 0 ? (100 * arr) / totalArr : null };
  });
}

/** hasRevenue: does any deal cite the hypothesis (open, closed or at risk)? */
export function hasRevenue(r: HypothesisRevenue | undefined): boolean {
  if (!r) return false;
  const lists = [r.open_pipeline, r.pipeline_by_stage, r.arr_at_risk, r.expansion_arr, r.won_after_decision, r.lost_after_decision];
  return lists.some((l) => (l ?? []).some((m) => m.count > 0 || m.amount > 0)) || !!r.time_to_revenue?.first_won_at;
}

/** position places v on a 0–100 scale between lo and hi (for the WTP box plot). */
export function position(v: number, lo: number, hi: number): number {
  if (hi <= lo) return 50;
  return Math.max(0, Math.min(100, (100 * (v - lo)) / (hi - lo)));
}

export type { Outcome };

// ---- actions the product screens run ------------------------------------

export const saveHypothesis = (h: HypothesisInput) => productApi.save(h);
export const publishHypothesis = (id: string) => productApi.publish(id);
export const decideHypothesis = (id: string, outcome: 'validated' | 'invalidated', note: string) => productApi.decide(id, outcome, note);
export const exportAnonymised = (hypothesisId: string) => productApi.exportAnonymised(hypothesisId);
export const insightAccounts = (hypothesisId: string, c: CountRef) => productApi.insightAccounts(hypothesisId, c);
/** the studies of one hypothesis, reloaded when a study changes */
export const hypothesisStudies = (hypothesisId: string) => resource(() => productApi.studies(hypothesisId), { relevant: (c) => c.type === 'study' });
export const saveStudy = (s: StudyInput) => productApi.saveStudy(s);
