// Product area of the Go bridge (app/bridge/product*.go): who the hub says
// we are, the PM's hypotheses (draft and rank locally, publish and decide
// through the hub), the hub's insights and the anonymised export. The
// types are the generated models (app/bridge/dto_insights.go for insights).
import * as Product from '../../../wailsjs/go/bridge/Product';
import { bridge } from '../../../wailsjs/go/models';
import { call, type Plain } from './call';
import type { Signal } from '../constants';

export type Me = Plain<bridge.MeDTO>;
export type HypothesisInput = Plain<bridge.HypothesisInput>;
export type StudyInput = Plain<bridge.StudyInput>;
export type Outcome = Plain<bridge.Outcome>;
export type ExportResult = Plain<bridge.ExportResult>;
export type EvidenceBehind = Plain<bridge.EvidenceBehind>;
export type AccountBehind = Plain<bridge.AccountBehind>;
export type InsightAccounts = Plain<bridge.InsightAccounts>;
export type SignalCount = Plain<bridge.SignalCount>;
export type SignalRollup = Plain<bridge.SignalRollup>;
export type SignalCounts = SignalRollup['overall'];
export type WTPStats = Plain<bridge.WTPStats>;
export type Mention = Plain<bridge.Mention>;
export type Quote = Plain<bridge.Quote>;
export type StudyPipeline = Plain<bridge.StudyPipeline>;
export type Milestone = Plain<bridge.Milestone>;
export type Delay = Plain<bridge.Delay>;
export type TimeToSignal = Plain<bridge.TimeToSignal>;
export type HypothesisInsight = Plain<bridge.HypothesisInsight>;
export type Money = Plain<bridge.Money>;
export type StageMoney = Plain<bridge.StageMoney>;
export type TimeToRevenue = Plain<bridge.TimeToRevenue>;
export type HypothesisRevenue = Plain<bridge.HypothesisRevenue>;
export type StageSummary = Plain<bridge.StageSummary>;
export type Headline = Plain<bridge.Headline>;
export type InsightsReport = Plain<bridge.InsightsReport>;

/** which count was opened on Insights: a signal, within a segment or an author role */
export interface CountRef {
  signal: Signal;
  segment?: string;
  role?: string;
}

export const productApi = {
  me: () => call(() => Product.Me()),
  list: () => call(() => Product.ListHypotheses()),
  save: (h: HypothesisInput) => call(() => Product.SaveHypothesis(bridge.HypothesisInput.createFrom(h))),
  rank: (ids: string[]) => call(() => Product.Rank(ids)),
  publish: (id: string) => call(() => Product.Publish(id)),
  decide: (id: string, outcome: 'validated' | 'invalidated', note: string) => call(() => Product.Decide(id, outcome, note)),
  insights: (hypothesisId = '') => call(() => Product.Insights(hypothesisId)),
  insightAccounts: (hypothesisId: string, c: CountRef) =>
    call(() => Product.InsightAccounts(hypothesisId, c.signal, c.segment ?? '', c.role ?? '')),
  exportAnonymised: (hypothesisId: string) => call(() => Product.ExportAnonymised(hypothesisId)),
  outcomes: () => call(() => Product.Outcomes()),
  studies: (hypothesisId = '') => call(() => Product.Studies(hypothesisId)),
  saveStudy: (s: StudyInput) => call(() => Product.SaveStudy(bridge.StudyInput.createFrom(s))),
};

export type ProductApi = typeof productApi;
