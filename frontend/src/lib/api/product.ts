// Product area of the Go bridge (app/bridge/product.go): who the hub says
// we are, the PM's hypotheses (draft and rank locally, publish and decide
// through the hub), the hub's insights and the anonymised export.
import * as Product from '../../../wailsjs/go/bridge/Product';
import { toApiError } from './index';
import type { Hypothesis, HypothesisRow, Question, Study } from './types';

export interface Me {
  id: string;
  email: string;
  role: 'field' | 'product' | 'admin' | '';
  product: boolean; // product or admin: the product screens show
  online: boolean; // false: the role is the last one the hub gave
  message: string;
}

export interface HypothesisInput {
  id: string; // "" creates a draft
  statement: string;
  rationale: string;
  questions: Question[];
  audience: string;
  segments: string[];
  stages: string[];
}

export interface StudyInput {
  id: string; // "" creates one
  title: string;
  goal: string;
  criteria: string;
  segments: string[];
  stages: string[];
  hypothesis_id: string;
  target_count: number;
  deadline: string; // 2026-12-31 or ""
  status: 'draft' | 'open' | 'closed' | string;
}

export interface Outcome {
  hypothesis_id: string;
  statement: string;
  status: 'validated' | 'invalidated' | string;
  decision_note: string;
  decided_at: string;
  evidence: number;
  accounts: number;
}

export interface ExportResult {
  path: string;
  rows: number;
  cancelled: boolean;
}

// GET /v1/insights/accounts: the accounts behind one count.
export interface EvidenceBehind {
  id: string;
  question: string;
  signal: string;
  quote: string;
  author: string;
  author_role: string;
  call_id: string;
  captured_at: string;
}
export interface AccountBehind {
  account_id: string;
  name: string;
  segment: string;
  arr: number;
  signal: string;
  latest: EvidenceBehind;
  quotes: EvidenceBehind[];
  call_ids: string[];
  items: number;
}
export interface InsightAccounts {
  hypothesis_id: string;
  signal: string;
  segment?: string;
  role?: string;
  accounts: AccountBehind[];
  total: number;
  arr: number;
  truncated: boolean;
}
/** which count was opened: a signal, within a segment or an author role */
export interface CountRef {
  signal: SignalKey;
  segment?: string;
  role?: string;
}

// The hub's insights JSON (sync/README.md, "Product API").
export interface SignalCount {
  accounts: number;
  arr: number;
}
export type SignalKey = 'supports' | 'refutes' | 'mixed' | 'unclear';
export type SignalCounts = Record<SignalKey, SignalCount>;

export interface SignalRollup {
  overall: SignalCounts;
  by_segment: Record<string, SignalCounts>;
  by_role: Record<string, SignalCounts>;
  accounts: number;
  arr: number;
  unattributed: Partial<Record<SignalKey, number>>;
  items: number;
}

export interface WTPStats {
  currency: string;
  period: string;
  n: number;
  accounts: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export interface Mention {
  text: string;
  label: string;
  count: number;
  accounts: number;
}

export interface Quote {
  evidence_id: string;
  quote: string;
  signal: string;
  account_id: string;
  account_name: string;
  segment: string;
  author: string;
  author_role: string;
  captured_at: string;
}

export interface StudyPipeline {
  study_id: string;
  title: string;
  hypothesis_id: string;
  status: string;
  target_count: number;
  counts: Record<string, number>;
  do_not_contact?: number;
}

export interface Milestone {
  at: string | null;
  seconds: number | null;
}

export interface Delay {
  n: number;
  p50_seconds: number;
  p95_seconds: number;
  max_seconds: number;
}

export interface TimeToSignal {
  published_at: string | null;
  first_evidence: Milestone;
  five_accounts: Milestone;
  first_seen_by_product: Milestone;
  decided: Milestone;
  edge_to_hub: Delay;
  hub_to_product: Delay;
  seen_by_product: number;
  not_yet_seen: number;
  accounts_so_far: number;
  accounts_goal: number;
}

export interface HypothesisInsight {
  hypothesis_id: string;
  statement: string;
  status: string;
  rank: number;
  signals: SignalRollup;
  wtp: WTPStats[];
  capabilities: Mention[];
  blockers: Mention[];
  quotes: Quote[];
  quotes_total: number;
  studies: StudyPipeline[];
  time_to_signal: TimeToSignal;
  /** the deals citing it (notebook.HypothesisRevenue); absent from a hub that does not compute it yet */
  revenue?: HypothesisRevenue;
}

export interface Money {
  currency: string;
  amount: number;
  count: number;
}

export interface StageMoney extends Money {
  stage: string;
}

export interface TimeToRevenue {
  first_won_deal_id?: string;
  first_won_at?: string;
  from_decision_seconds: number | null;
  from_publish_seconds: number | null;
}

export interface HypothesisRevenue {
  open_pipeline: Money[] | null;
  pipeline_by_stage: StageMoney[] | null;
  arr_at_risk: Money[] | null;
  expansion_arr: Money[] | null;
  won_after_decision: Money[] | null;
  lost_after_decision: Money[] | null;
  time_to_revenue: TimeToRevenue;
}

export interface StageSummary {
  median_seconds: number | null;
  reached: number;
}

export interface Headline {
  hypotheses: number;
  first_evidence: StageSummary;
  five_accounts: StageSummary;
  first_seen_by_product: StageSummary;
  decided: StageSummary;
  edge_to_hub_p50: StageSummary;
  edge_to_hub_p95: StageSummary;
}

export interface InsightsReport {
  generated_at: string;
  evidence: number;
  accounts: number;
  headline: Headline;
  studies: StudyPipeline[];
  hypotheses: HypothesisInsight[];
}

async function call<R>(p: () => Promise<unknown>): Promise<R> {
  try {
    return (await p()) as R;
  } catch (e) {
    throw toApiError(e);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export const productApi = {
  me: () => call<Me>(() => Product.Me()),
  list: () => call<HypothesisRow[]>(() => Product.ListHypotheses()),
  save: (h: HypothesisInput) => call<Hypothesis>(() => Product.SaveHypothesis(h as any)),
  rank: (ids: string[]) => call<HypothesisRow[]>(() => Product.Rank(ids)),
  publish: (id: string) => call<Hypothesis>(() => Product.Publish(id)),
  decide: (id: string, outcome: 'validated' | 'invalidated', note: string) =>
    call<Hypothesis>(() => Product.Decide(id, outcome, note)),
  insights: (hypothesisId = '') => call<InsightsReport>(() => Product.Insights(hypothesisId)),
  insightAccounts: (hypothesisId: string, c: CountRef) =>
    call<InsightAccounts>(() => Product.InsightAccounts(hypothesisId, c.signal, c.segment ?? '', c.role ?? '')),
  exportAnonymised: (hypothesisId: string) => call<ExportResult>(() => Product.ExportAnonymised(hypothesisId)),
  outcomes: () => call<Outcome[]>(() => Product.Outcomes()),
  studies: (hypothesisId = '') => call<Study[]>(() => Product.Studies(hypothesisId)),
  saveStudy: (s: StudyInput) => call<Study>(() => Product.SaveStudy(s as any)),
};

export type ProductApi = typeof productApi;
