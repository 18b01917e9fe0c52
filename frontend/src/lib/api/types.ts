// Types of the Go bridge DTOs (app/bridge/dto.go). Written by hand so views
// and stores depend on plain data, not on the generated model classes.

export type Signal = 'supports' | 'refutes' | 'mixed' | 'unclear';
export type AnswerKind = 'signal' | 'wtp' | 'capability' | 'blocker' | 'usage' | 'text';
export type RecruitStatus = '' | 'nominated' | 'invited' | 'consented' | 'scheduled' | 'done' | 'declined';

export interface ApiError {
  code: 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'internal' | 'damaged' | 'unavailable' | 'not_set_up' | string;
  message: string;
  fields?: Record<string, string>;
}

export interface Account {
  id: string;
  name: string;
  domains: string[];
  segment: string;
  stage: string;
  arr: number;
}

export interface AccountRow extends Account {
  last_call_at: string;
  evidence: number;
}

export interface Question {
  id: string;
  text: string;
  kind: AnswerKind;
}

export interface Hypothesis {
  id: string;
  statement: string;
  rationale: string;
  questions: Question[];
  audience: string;
  segments: string[];
  stages: string[];
  status: string;
  rank: number;
  owner: string;
  decision_note: string;
  published_at: string;
  decided_at: string;
  /** number in the one rank order (notebook.Places); 0: not active */
  place: number;
  /** "new" / "changed" until this notebook's user opens it */
  mark: '' | 'new' | 'changed';
  /** in an account brief: why it targets the account */
  targeted_because?: string;
}

export interface Tally {
  supports: number;
  refutes: number;
  mixed: number;
  unclear: number;
  accounts: number;
  unattributed: number;
  items: number;
}

export interface HypothesisRow extends Hypothesis {
  tally: Tally;
}

export interface WTP {
  amount: number;
  currency: string;
  period: string;
  budget_owner: string;
}

export type Impact = 'blocker' | 'retention' | 'expansion' | 'nice_to_have';
export interface WTPUnit {
  period: string;
  name: string;
}

/** what the pay form starts with: the rep's last currency and the units in words */
export interface WTPDefaults {
  currency: string;
  units: WTPUnit[];
}

/** notebook.WTPDoubt: "" plausible, else the question to confirm */
export interface WTPCheck {
  doubt: string;
  unit: string;
}

export interface Evidence {
  id: string;
  hypothesis_id: string;
  question_id: string;
  account_id: string;
  call_id: string;
  contact_id: string;
  /** the deal it was said in; on save '' = not chosen (the default deal), 'none' = no deal */
  opportunity_id: string;
  impact: Impact | '';
  signal: Signal | '';
  strength: number;
  quote: string;
  wtp: WTP | null;
  capability: string;
  problem: string;
  blocker: string;
  severity: string;
  feature: string;
  usage: string;
  source: string;
  captured_at: string;
}

export interface EvidenceRow extends Evidence {
  account_name: string;
  statement: string;
  question: string;
}

export interface HypothesisDetail {
  hypothesis: Hypothesis;
  tally: Tally;
  evidence: EvidenceRow[];
}

export interface Call {
  id: string;
  account_id: string;
  contact_ids: string[];
  started_at: string;
  ended_at: string;
  kind: string;
  title: string;
  notes: string;
  /** conflict copies of the notes kept by the hub; [] when none */
  notes_conflicts?: NotesConflict[];
}

export interface NotesConflict {
  text: string;
  hlc: string;
  client_id: string;
  kept_at: string;
}

export interface CallRow {
  id: string;
  account_id: string;
  account_name: string;
  title: string;
  kind: string;
  started_at: string;
  ended_at: string;
  evidence: number;
}

export interface Consent {
  wording: string;
  at: string;
  channel: string;
  given: boolean;
  study_id: string;
  recorded_by: string;
}

export interface Contact {
  id: string;
  email: string;
  name: string;
  account_id: string;
  account_name: string;
  title: string;
  recruit_status: RecruitStatus;
  study_id: string;
  consent_log: Consent[];
  last_invited_at: string;
  do_not_contact: boolean;
  recent_invite: boolean;
  next: string[];
}

export interface CallView {
  call: Call;
  account: Account;
  hypotheses: Hypothesis[];
  evidence: Evidence[];
  contacts: Contact[];
  /** the account's open deals, and the one new evidence links to by default ('' = none or several) */
  deals: Deal[];
  default_deal_id: string;
}

export type DealStatus = 'open' | 'won' | 'lost';

export interface Deal {
  id: string;
  name: string;
  account_id: string;
  amount: number;
  currency: string;
  stage: string;
  status: DealStatus;
  /** YYYY-MM-DD or '' */
  close_date: string;
  lost_reason: string;
  owner: string;
}

export interface WaitingHypothesis {
  id: string;
  statement: string;
  status: string;
}

export interface DealRow extends Deal {
  waiting_on: WaitingHypothesis[];
}

export interface Study {
  id: string;
  title: string;
  goal: string;
  criteria: string;
  segments: string[];
  stages: string[];
  hypothesis_id: string;
  target_count: number;
  deadline: string;
  status: string;
}

export interface StudyView {
  study: Study;
  candidates: Contact[];
  counts: Record<string, number>;
}

export interface AccountBrief {
  account: Account;
  hypotheses: Hypothesis[];
  evidence: EvidenceRow[];
  calls: CallRow[];
  contacts: Contact[];
  studies: Study[];
  deals: DealRow[];
}

export interface SyncState {
  state: string;
  message: string;
  last_at: string;
}

export interface HomeView {
  recent_calls: CallRow[];
  today: CallRow[];
  learn_now: HypothesisRow[];
  pending: number;
  sync: SyncState;
  accounts: number;
}

export interface SearchHit {
  type: string;
  id: string;
  title: string;
  snippet: string;
  route: string;
  score: number;
}

// Search.Indexing: whether search still catches up after a large sync.
export interface SearchIndexing {
  indexing: boolean;
  pending: number;
}

export interface SettingsInfo {
  data_dir: string;
  encrypted: boolean;
  key_source: string;
  pending: number;
  author: string;
  role: string;
  role_by_hub: boolean;
  sync: SyncState;
}

export interface LineError {
  file: string;
  line: number;
  message: string;
  text: string;
}

export interface ImportReport {
  file: string;
  kind: string;
  vendor: string;
  imported: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: LineError[];
  warnings: LineError[];
  cancelled: boolean;
}

export interface ImportColumn {
  header: string;
  field: string;
  samples: string[];
}

export interface ImportPreview {
  file: string;
  header_key: string;
  kind: string;
  columns: ImportColumn[];
  fields: string[];
  plan: ImportReport;
  problem: string;
  cancelled: boolean;
}

export interface FileResult {
  path: string;
  records: number;
  cancelled: boolean;
}

export interface SaveResult {
  id: string;
  seq: number;
  saved_at: string;
}

export interface ConsentInput {
  wording: string;
  channel: string;
  at: string;
  given: boolean;
}

export interface RecordChange {
  type: string;
  id: string;
  op: string;
  origin: string;
  count: number;
}
