// Assist area of the Go bridge (app/bridge/assist*.go): AI settings, the
// job queue, suggestions to review. Accept is the only way AI output becomes
// evidence.
import * as Assist from '../../../wailsjs/go/bridge/Assist';
import { toApiError, type Evidence, type WTP } from './index';

export interface AssistSettings {
  base_url: string;
  model: string;
  azure_api_version: string;
  redaction: boolean;
  org_disabled: boolean;
  use_tools: boolean;
  no_stream: boolean;
  has_key: boolean;
}

export interface AssistSettingsInput extends AssistSettings {
  api_key: string; // "" keeps the stored key
  clear_key: boolean;
}

export interface AssistStatus {
  state: 'ready' | 'waiting' | 'disabled' | string;
  message: string;
  queued: number;
  running: string;
}

export interface Suggestion {
  id: string;
  hypothesis_id: string;
  statement: string;
  question_id: string;
  question: string;
  signal: string;
  strength: number;
  quote: string;
  start: number; // byte offsets (UTF-8) in the notes
  end: number;
  wtp: WTP | null;
  email_id: string;
}

export interface Claim {
  text: string;
  sources: string[];
}

export interface AssistJob {
  id: string;
  kind: 'evidence' | 'triage' | 'brief' | string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | string;
  waiting: string;
  created_at: string;
  updated_at: string;
  next_attempt_at: string;
  attempts: number;
  call_id: string;
  account_id: string;
  email_id: string;
  suggestions: Suggestion[];
  accepted: number;
  rejected: number;
  discarded: number;
  summary: string;
  claims: Claim[];
  error_code: string;
  error_message: string;
  total_tokens: number;
}

export interface SuggestionEdits {
  question_id?: string;
  signal?: string;
  strength?: number;
  quote?: string;
  wtp?: WTP | null;
  clear_wtp?: boolean;
  contact_id?: string;
}

export interface AssistUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  requests: number;
  since: string;
}

export interface AssistProgress {
  job_id: string;
  kind: string;
  phase: 'sending' | 'receiving' | 'retrying' | string;
  received: number;
}

export interface AssistDone {
  job_id: string;
  kind: string;
  state: string;
  call_id: string;
  account_id: string;
  email_id: string;
  message: string;
}

async function call<R>(p: () => Promise<unknown>): Promise<R> {
  try {
    return (await p()) as R;
  } catch (e) {
    throw toApiError(e);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export const assistApi = {
  settings: () => call<AssistSettings>(() => Assist.Settings()),
  saveSettings: (s: AssistSettingsInput) => call<AssistSettings>(() => Assist.SaveSettings(s as any)),
  status: () => call<AssistStatus>(() => Assist.Status()),
  suggestEvidence: (callId: string) => call<AssistJob>(() => Assist.SuggestEvidence(callId)),
  triageEmail: (emailId: string) => call<AssistJob>(() => Assist.TriageEmail(emailId)),
  brief: (accountId: string) => call<AssistJob>(() => Assist.Brief(accountId)),
  jobs: () => call<AssistJob[]>(() => Assist.Jobs()),
  job: (id: string) => call<AssistJob>(() => Assist.Job(id)),
  accept: (jobId: string, suggestionId: string, edits: SuggestionEdits = {}) =>
    call<Evidence>(() => Assist.Accept(jobId, suggestionId, { clear_wtp: false, question_id: '', signal: '', strength: 0, quote: '', contact_id: '', ...edits } as any)),
  reject: (jobId: string, suggestionId: string) => call<void>(() => Assist.Reject(jobId, suggestionId)),
  cancel: (jobId: string) => call<void>(() => Assist.Cancel(jobId)),
  forget: (jobId: string) => call<void>(() => Assist.Forget(jobId)),
  retryNow: () => call<void>(() => Assist.RetryNow()),
  usage: () => call<AssistUsage>(() => Assist.Usage()),
  resetUsage: () => call<void>(() => Assist.ResetUsage()),
};

export type AssistApi = typeof assistApi;
