// lib/api is the only folder that talks to the generated Wails bindings
// (this file for the notebook's areas; mail.ts, assist.ts, sync.ts,
// product.ts and welcome.ts for theirs). Every call goes through `call`
// (call.ts): the answer is the binding's generated model type, a rejection
// an ApiError {code, message}. Arguments are checked against the models and
// made into them with createFrom.
import * as Home from '../../../wailsjs/go/bridge/Home';
import * as Accounts from '../../../wailsjs/go/bridge/Accounts';
import * as Calls from '../../../wailsjs/go/bridge/Calls';
import * as Evidence from '../../../wailsjs/go/bridge/Evidence';
import * as Deals from '../../../wailsjs/go/bridge/Deals';
import * as Hypotheses from '../../../wailsjs/go/bridge/Hypotheses';
import * as Recruiting from '../../../wailsjs/go/bridge/Recruiting';
import * as Search from '../../../wailsjs/go/bridge/Search';
import * as Settings from '../../../wailsjs/go/bridge/Settings';
import { bridge } from '../../../wailsjs/go/models';
import { call, type Plain } from './call';

export type * from './types';
export { toApiError, isApiError } from './call';
export { onEvent, Events, type OnEvent, type EventName, type EventPayloads } from './events';

export const api = {
  home: () => call(() => Home.View()),
  accounts: (filter: string) => call(() => Accounts.List(filter)),
  brief: (id: string) => call(() => Accounts.Brief(id)),
  updateAccount: (id: string, input: Plain<bridge.AccountInput>) => call(() => Accounts.Update(id, bridge.AccountInput.createFrom(input))),
  deleteAccount: (id: string) => call(() => Accounts.Delete(id)),
  deleteCall: (id: string) => call(() => Calls.Delete(id)),
  startCall: (accountId: string, kind: string) => call(() => Calls.Start(accountId, kind)),
  callView: (id: string) => call(() => Calls.View(id)),
  saveNotes: (id: string, notes: string) => call(() => Calls.SaveNotes(id, notes)),
  saveCallDetails: (id: string, title: string, kind: string, contactIds: string[]) =>
    call(() => Calls.SaveDetails(id, title, kind, contactIds)),
  endCall: (id: string) => call(() => Calls.End(id)),
  dismissConflict: (id: string, hlc: string, clientId: string) => call(() => Calls.DismissConflict(id, hlc, clientId)),
  recentCalls: (limit: number) => call(() => Calls.Recent(limit)),
  saveEvidence: (e: Plain<bridge.EvidenceDTO>) => call(() => Evidence.Save(bridge.EvidenceDTO.createFrom(e))),
  deleteEvidence: (id: string) => call(() => Evidence.Delete(id)),
  saveDeal: (d: Plain<bridge.DealDTO>) => call(() => Deals.Save(bridge.DealDTO.createFrom(d))),
  deleteDeal: (id: string) => call(() => Deals.Delete(id)),
  wtpDefaults: () => call(() => Evidence.WTPDefaults()),
  checkWTP: (w: Plain<bridge.WTPDTO>) => call(() => Evidence.CheckWTP(bridge.WTPDTO.createFrom(w))),
  hypotheses: () => call(() => Hypotheses.List()),
  tallies: (ids: string[]) => call(() => Hypotheses.Tallies(ids)),
  hypothesis: (id: string) => call(() => Hypotheses.Get(id)),
  studies: () => call(() => Recruiting.Studies()),
  contacts: (filter: string) => call(() => Recruiting.Contacts(filter)),
  nominate: (contactId: string, studyId: string) => call(() => Recruiting.Nominate(contactId, studyId)),
  move: (contactId: string, to: string, acknowledged: boolean) => call(() => Recruiting.Move(contactId, to, acknowledged)),
  recordConsent: (contactId: string, c: Plain<bridge.ConsentInput>) =>
    call(() => Recruiting.RecordConsent(contactId, bridge.ConsentInput.createFrom(c))),
  setDoNotContact: (contactId: string, on: boolean) => call(() => Recruiting.SetDoNotContact(contactId, on)),
  search: (q: string, limit = 20) => call(() => Search.Query(q, limit)),
  searchIndexing: () => call(() => Search.Indexing()),
  settings: () => call(() => Settings.Info()),
  setFieldRole: (role: string) => call(() => Settings.SetFieldRole(role)),
  importFile: () => call(() => Settings.Import()),
  chooseImport: () => call(() => Settings.ChooseImport()),
  previewImport: (path: string, mapping: Record<string, string>) => call(() => Settings.PreviewImport(path, mapping)),
  importMapped: (path: string, mapping: Record<string, string>) => call(() => Settings.ImportMapped(path, mapping)),
  exportAll: (format: string) => call(() => Settings.Export(format)),
  backup: () => call(() => Settings.Backup()),
  restore: () => call(() => Settings.Restore()),
};

export type Api = typeof api;
