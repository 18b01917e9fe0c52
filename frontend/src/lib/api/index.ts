// lib/api is the only folder that talks to the generated Wails bindings (this file, plus mail.ts, assist.ts and sync.ts for those areas). Every call
// goes through `call`, which turns whatever the Go side or the IPC layer
// rejects with into an ApiError {code, message}.
import * as Home from '../../../wailsjs/go/bridge/Home';
import * as Accounts from '../../../wailsjs/go/bridge/Accounts';
import * as Calls from '../../../wailsjs/go/bridge/Calls';
import * as Evidence from '../../../wailsjs/go/bridge/Evidence';
import * as Deals from '../../../wailsjs/go/bridge/Deals';
import * as Hypotheses from '../../../wailsjs/go/bridge/Hypotheses';
import * as Recruiting from '../../../wailsjs/go/bridge/Recruiting';
import * as Search from '../../../wailsjs/go/bridge/Search';
import * as Settings from '../../../wailsjs/go/bridge/Settings';
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import type * as T from './types';

export type * from './types';

/** toApiError normalises a rejection: our ErrorFormatter sends {code, message};
 * Wails' own failures (bad arguments, IPC) arrive as plain strings, and
 * Wails wraps either in an Error. */
export function toApiError(e: unknown): T.ApiError {
  if (e instanceof Error) {
    // Wails wraps the formatter's JSON string in new Error(json).
    return toApiError(e.message);
  }
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: unknown; message?: unknown; fields?: Record<string, string> };
    return { code: typeof o.code === 'string' ? o.code : 'internal', message: String(o.message), fields: o.fields };
  }
  if (typeof e === 'string') {
    try {
      const parsed = JSON.parse(e);
      if (parsed && typeof parsed === 'object' && 'message' in parsed) return toApiError(parsed);
    } catch {
      /* a plain sentence */
    }
    return { code: 'internal', message: e };
  }
  return { code: 'internal', message: 'Something went wrong.' };
}

export function isApiError(e: unknown): e is T.ApiError {
  return !!e && typeof e === 'object' && 'code' in e && 'message' in e;
}

async function call<R>(p: () => Promise<unknown>): Promise<R> {
  try {
    return (await p()) as R;
  } catch (e) {
    throw toApiError(e);
  }
}

// The generated functions are typed with model classes; our DTOs are the
// same JSON, so arguments are passed through as `any`.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const api = {
  home: () => call<T.HomeView>(() => Home.View()),
  accounts: (filter: string) => call<T.AccountRow[]>(() => Accounts.List(filter)),
  brief: (id: string) => call<T.AccountBrief>(() => Accounts.Brief(id)),
  updateAccount: (id: string, input: { name: string; domains: string[]; segment: string; stage: string; arr: number }) =>
    call<T.Account>(() => Accounts.Update(id, input as any)),
  deleteAccount: (id: string) => call<void>(() => Accounts.Delete(id)),
  deleteCall: (id: string) => call<void>(() => Calls.Delete(id)),
  startCall: (accountId: string, kind: string) => call<T.Call>(() => Calls.Start(accountId, kind)),
  callView: (id: string) => call<T.CallView>(() => Calls.View(id)),
  saveNotes: (id: string, notes: string) => call<T.SaveResult>(() => Calls.SaveNotes(id, notes)),
  saveCallDetails: (id: string, title: string, kind: string, contactIds: string[]) =>
    call<T.SaveResult>(() => Calls.SaveDetails(id, title, kind, contactIds)),
  endCall: (id: string) => call<T.SaveResult>(() => Calls.End(id)),
  dismissConflict: (id: string, hlc: string, clientId: string) => call<T.SaveResult>(() => Calls.DismissConflict(id, hlc, clientId)),
  recentCalls: (limit: number) => call<T.CallRow[]>(() => Calls.Recent(limit)),
  saveEvidence: (e: T.Evidence) => call<T.Evidence>(() => Evidence.Save(e as any)),
  deleteEvidence: (id: string) => call<void>(() => Evidence.Delete(id)),
  saveDeal: (d: T.Deal) => call<T.Deal>(() => Deals.Save(d as any)),
  deleteDeal: (id: string) => call<void>(() => Deals.Delete(id)),
  wtpDefaults: () => call<T.WTPDefaults>(() => Evidence.WTPDefaults()),
  checkWTP: (w: T.WTP) => call<T.WTPCheck>(() => Evidence.CheckWTP(w as any)),
  hypotheses: () => call<T.HypothesisRow[]>(() => Hypotheses.List()),
  tallies: (ids: string[]) => call<Record<string, T.Tally>>(() => Hypotheses.Tallies(ids)),
  hypothesis: (id: string) => call<T.HypothesisDetail>(() => Hypotheses.Get(id)),
  studies: () => call<T.StudyView[]>(() => Recruiting.Studies()),
  contacts: (filter: string) => call<T.Contact[]>(() => Recruiting.Contacts(filter)),
  nominate: (contactId: string, studyId: string) => call<T.Contact>(() => Recruiting.Nominate(contactId, studyId)),
  move: (contactId: string, to: string, acknowledged: boolean) =>
    call<T.Contact>(() => Recruiting.Move(contactId, to, acknowledged)),
  recordConsent: (contactId: string, c: T.ConsentInput) =>
    call<T.Contact>(() => Recruiting.RecordConsent(contactId, c as any)),
  setDoNotContact: (contactId: string, on: boolean) => call<T.Contact>(() => Recruiting.SetDoNotContact(contactId, on)),
  search: (q: string, limit = 20) => call<T.SearchHit[]>(() => Search.Query(q, limit)),
  searchIndexing: () => call<T.SearchIndexing>(() => Search.Indexing()),
  settings: () => call<T.SettingsInfo>(() => Settings.Info()),
  setFieldRole: (role: string) => call<T.SettingsInfo>(() => Settings.SetFieldRole(role)),
  importFile: () => call<T.ImportReport>(() => Settings.Import()),
  chooseImport: () => call<T.ImportPreview>(() => Settings.ChooseImport()),
  previewImport: (path: string, mapping: Record<string, string>) =>
    call<T.ImportPreview>(() => Settings.PreviewImport(path, mapping)),
  importMapped: (path: string, mapping: Record<string, string>) =>
    call<T.ImportReport>(() => Settings.ImportMapped(path, mapping)),
  exportAll: (format: string) => call<T.FileResult>(() => Settings.Export(format)),
  backup: () => call<T.FileResult>(() => Settings.Backup()),
  restore: () => call<T.FileResult>(() => Settings.Restore()),
};

export type Api = typeof api;

/** onEvent calls fn for every Wails event `name`; returns an unsubscribe. */
export function onEvent(name: string, fn: (data: unknown) => void): () => void {
  if (typeof window === 'undefined' || !(window as any).runtime) return () => {};
  return EventsOn(name, fn);
}

/** onRecordsChanged calls fn for every `records:changed` event; returns an unsubscribe. */
export function onRecordsChanged(fn: (c: T.RecordChange) => void): () => void {
  if (typeof window === 'undefined' || !(window as any).runtime) return () => {};
  return EventsOn('records:changed', (c: T.RecordChange) => fn(c));
}
