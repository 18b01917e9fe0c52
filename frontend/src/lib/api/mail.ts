// Mail area of the Go bridge (app/bridge/mail*.go): settings, the pull's
// progress, the inbox of relevant mail, the reader and the links an email can
// carry. Like index.ts, the only place that touches the generated bindings.
import * as Mail from '../../../wailsjs/go/bridge/Mail';
import { bridge } from '../../../wailsjs/go/models';
import { call, type Plain } from './call';

export type MailSettings = Plain<bridge.MailSettingsDTO>;
export type MailSettingsInput = Plain<bridge.MailSettingsInput>;
export type MailTestResult = Plain<bridge.MailTestResult>;
export type MailFolder = Plain<bridge.MailFolder>;
export type MailCounts = Plain<bridge.MailCounts>;
export type MailStatus = Plain<bridge.MailStatus>;
export type EmailRow = Plain<bridge.EmailRow>;
export type MailGroup = Plain<bridge.MailGroup>;
export type MailAttachment = Plain<bridge.MailAttachment>;
export type EmailView = Plain<bridge.EmailView>;
export type EmailEvidenceInput = Plain<bridge.EmailEvidenceInput>;

export const mailApi = {
  settings: () => call(() => Mail.Settings()),
  saveSettings: (s: MailSettingsInput) => call(() => Mail.SaveSettings(bridge.MailSettingsInput.createFrom(s))),
  testConnection: (s: MailSettingsInput) => call(() => Mail.TestConnection(bridge.MailSettingsInput.createFrom(s))),
  folders: () => call(() => Mail.Folders()),
  status: () => call(() => Mail.Status()),
  syncNow: () => call(() => Mail.SyncNow()),
  cancel: () => call(() => Mail.Cancel()),
  inbox: (limit = 0) => call(() => Mail.Inbox(limit)),
  forAccount: (accountId: string, limit = 50) => call(() => Mail.ForAccount(accountId, limit)),
  read: (id: string) => call(() => Mail.Read(id)),
  setRead: (id: string, read: boolean) => call(() => Mail.SetRead(id, read)),
  markNotRelevant: (id: string) => call(() => Mail.MarkNotRelevant(id)),
  linkToCall: (id: string, callId: string) => call(() => Mail.LinkToCall(id, callId)),
  linkToContact: (id: string, contactId: string) => call(() => Mail.LinkToContact(id, contactId)),
  unlink: (id: string, recordId: string) => call(() => Mail.Unlink(id, recordId)),
  linkAsEvidence: (e: EmailEvidenceInput) => call(() => Mail.LinkAsEvidence(bridge.EmailEvidenceInput.createFrom(e))),
  openLink: (url: string) => call(() => Mail.OpenLink(url)),
};

export type MailApi = typeof mailApi;
