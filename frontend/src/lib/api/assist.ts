// Assist area of the Go bridge (app/bridge/assist*.go): AI settings, the
// job queue, suggestions to review. Accept is the only way AI output becomes
// evidence.
import * as Assist from '../../../wailsjs/go/bridge/Assist';
import { bridge } from '../../../wailsjs/go/models';
import { call, type Plain } from './call';

export type { AssistProgress, AssistDone } from './events';
export type AssistSettings = Plain<bridge.AssistSettingsDTO>;
export type AssistSettingsInput = Plain<bridge.AssistSettingsInput>;
export type AssistStatus = Plain<bridge.AssistStatus>;
export type Suggestion = Plain<bridge.SuggestionDTO>;
export type Claim = Plain<bridge.ClaimDTO>;
export type AssistJob = Plain<bridge.AssistJobDTO>;
/** the reviewer's changes to a suggestion: any subset of SuggestionEdits */
export type SuggestionEdits = Partial<Plain<bridge.SuggestionEdits>>;
export type AssistUsage = Plain<bridge.AssistUsage>;

const noEdits: Plain<bridge.SuggestionEdits> = { clear_wtp: false, question_id: '', signal: '', strength: 0, quote: '', contact_id: '' };

export const assistApi = {
  settings: () => call(() => Assist.Settings()),
  saveSettings: (s: AssistSettingsInput) => call(() => Assist.SaveSettings(bridge.AssistSettingsInput.createFrom(s))),
  status: () => call(() => Assist.Status()),
  suggestEvidence: (callId: string) => call(() => Assist.SuggestEvidence(callId)),
  triageEmail: (emailId: string) => call(() => Assist.TriageEmail(emailId)),
  brief: (accountId: string) => call(() => Assist.Brief(accountId)),
  jobs: () => call(() => Assist.Jobs()),
  job: (id: string) => call(() => Assist.Job(id)),
  accept: (jobId: string, suggestionId: string, edits: SuggestionEdits = {}) =>
    call(() => Assist.Accept(jobId, suggestionId, bridge.SuggestionEdits.createFrom({ ...noEdits, ...edits }))),
  reject: (jobId: string, suggestionId: string) => call(() => Assist.Reject(jobId, suggestionId)),
  cancel: (jobId: string) => call(() => Assist.Cancel(jobId)),
  forget: (jobId: string) => call(() => Assist.Forget(jobId)),
  retryNow: () => call(() => Assist.RetryNow()),
  usage: () => call(() => Assist.Usage()),
  resetUsage: () => call(() => Assist.ResetUsage()),
};

export type AssistApi = typeof assistApi;
