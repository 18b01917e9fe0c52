// Mail area of the Go bridge (app/bridge/mail*.go): settings, the pull's
// progress, the inbox of relevant mail, the reader and the links an email can
// carry. Like index.ts, the only place that touches the generated bindings.
import * as Mail from '../../../wailsjs/go/bridge/Mail';
import { toApiError, type Evidence, type WTP } from './index';

export type MailSecurity = 'tls' | 'starttls' | 'none';

export interface MailSettings {
  host: string;
  port: number;
  security: MailSecurity | string;
  username: string;
  auth: '' | 'xoauth2' | 'oauthbearer' | string;
  folders: string[];
  has_password: boolean;
  configured: boolean;
}

export interface MailSettingsInput extends Omit<MailSettings, 'has_password' | 'configured'> {
  password: string; // "" keeps the stored one
  clear_password: boolean;
}

export interface MailTestResult {
  ok: boolean;
  problem: '' | 'unreachable' | 'tls' | 'auth' | 'protocol' | string;
  message: string;
  folders: string[];
}

export interface MailFolder {
  name: string;
  watched: boolean;
  default: boolean;
}

export interface MailCounts {
  folders: number;
  scanned: number;
  relevant: number;
  fetched: number;
  skipped: number;
  expunged: number;
  flag_changes: number;
}

export interface MailStatus {
  state: 'not_configured' | 'idle' | 'syncing' | 'error' | 'cancelled' | 'stopped' | string;
  message: string;
  error_code: string;
  folder: string;
  stage: 'checking' | 'scanning' | 'fetching' | 'done' | '' | string;
  done: number;
  total: number;
  last_sync_at: string;
  last: MailCounts;
}

export interface EmailRow {
  id: string;
  subject: string;
  from: string;
  to: string[];
  date: string;
  excerpt: string;
  account_id: string;
  account_name: string;
  contact_ids: string[];
  links: string[];
  unread: boolean;
  shared: boolean;
}

export interface MailGroup {
  account_id: string;
  account_name: string;
  unread: number;
  newest: string;
  emails: EmailRow[];
}

export interface MailAttachment {
  index: number;
  name: string;
  content_type: string;
  size: number;
  inline: boolean;
}

export interface EmailView {
  email: EmailRow;
  srcdoc: string;
  csp: string;
  text: string;
  has_html: boolean;
  attachments: MailAttachment[];
  problems: string[];
  truncated: boolean;
  on_computer: boolean;
}

export interface EmailEvidenceInput {
  email_id: string;
  hypothesis_id: string;
  question_id: string;
  signal: string;
  strength: number;
  quote: string; // "" = the excerpt
  call_id: string;
  contact_id: string;
  wtp?: WTP | null;
}

async function call<R>(p: () => Promise<unknown>): Promise<R> {
  try {
    return (await p()) as R;
  } catch (e) {
    throw toApiError(e);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export const mailApi = {
  settings: () => call<MailSettings>(() => Mail.Settings()),
  saveSettings: (s: MailSettingsInput) => call<MailSettings>(() => Mail.SaveSettings(s as any)),
  testConnection: (s: MailSettingsInput) => call<MailTestResult>(() => Mail.TestConnection(s as any)),
  folders: () => call<MailFolder[]>(() => Mail.Folders()),
  status: () => call<MailStatus>(() => Mail.Status()),
  syncNow: () => call<MailStatus>(() => Mail.SyncNow()),
  cancel: () => call<MailStatus>(() => Mail.Cancel()),
  inbox: (limit = 0) => call<MailGroup[]>(() => Mail.Inbox(limit)),
  forAccount: (accountId: string, limit = 50) => call<EmailRow[]>(() => Mail.ForAccount(accountId, limit)),
  read: (id: string) => call<EmailView>(() => Mail.Read(id)),
  setRead: (id: string, read: boolean) => call<void>(() => Mail.SetRead(id, read)),
  markNotRelevant: (id: string) => call<void>(() => Mail.MarkNotRelevant(id)),
  linkToCall: (id: string, callId: string) => call<EmailRow>(() => Mail.LinkToCall(id, callId)),
  linkToContact: (id: string, contactId: string) => call<EmailRow>(() => Mail.LinkToContact(id, contactId)),
  unlink: (id: string, recordId: string) => call<EmailRow>(() => Mail.Unlink(id, recordId)),
  linkAsEvidence: (e: EmailEvidenceInput) => call<Evidence>(() => Mail.LinkAsEvidence(e as any)),
  openLink: (url: string) => call<void>(() => Mail.OpenLink(url)),
};

export type MailApi = typeof mailApi;
