// Mail: the inbox of relevant mail (reloads when a pull fetched mail or an
// email record changed), the pull's progress from `mail:progress`, and the
// reader's actions. Views use these, never lib/api/mail directly.
import { readable, type Readable } from 'svelte/store';
import { api, type AccountBrief, type Hypothesis, type RecordChange } from '../api';
import { Events, on as onShared, onRecordsChanged, type On } from './events';
import { mailApi, type EmailEvidenceInput, type MailApi, type MailGroup, type MailSettingsInput, type MailStatus } from '../api/mail';
import { resource } from './resource';
import { when } from '../format';

export type { EmailRow, EmailView, MailAttachment, MailFolder, MailGroup, MailSettings, MailSettingsInput, MailStatus, MailTestResult } from '../api/mail';

type Sub = (fn: (c: RecordChange) => void) => () => void;

/** mailChanges turns `mail:fetched` and email record changes into one feed. */
export const mailChanges: Sub = (fn) => {
  const offRecords = onRecordsChanged(fn);
  const offFetched = onShared(Events.mailFetched, () => fn({ type: 'email', id: '', op: 'batch', origin: 'mail', count: 0 }));
  return () => {
    offRecords();
    offFetched();
  };
};

const isMail = (c: RecordChange) => c.type === 'email' || c.type === 'account' || c.type === 'contact';

export const inboxStore = (api: MailApi = mailApi, subscribe: Sub = mailChanges) =>
  resource(() => api.inbox(0), { relevant: isMail, subscribe, debounceMs: 200 });

export const accountMailStore = (accountId: string, api: MailApi = mailApi, subscribe: Sub = mailChanges) =>
  resource(() => api.forAccount(accountId, 50), { relevant: isMail, subscribe, debounceMs: 200 });

export const mailSettingsStore = (api: MailApi = mailApi) => resource(() => api.settings(), { subscribe: () => () => {} });

/** mailStatus follows the pull: the first answer of Status, then every
 * `mail:progress`. Progress is throttled on the Go side, so while a pull
 * looks busy and no event came for a while, Status is asked again. */
export function mailStatus(api: MailApi = mailApi, on: On = onShared, quietMs = 1500): Readable<MailStatus | null> {
  return readable<MailStatus | null>(null, (set) => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const settle = (s: MailStatus) => {
      if (!live) return;
      set(s);
      if (timer) clearTimeout(timer);
      timer = s.state === 'syncing' ? setTimeout(() => void api.status().then(settle, () => {}), quietMs) : null;
    };
    api.status().then(settle, () => {});
    const off = on(Events.mailProgress, settle);
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
      off();
    };
  });
}

/** progressText says where a pull is, e.g. "Fetching INBOX: 120 of 2,000". */
export function progressText(s: MailStatus | null): string {
  if (!s) return '';
  switch (s.state) {
    case 'syncing': {
      const stage = { checking: 'Checking', scanning: 'Scanning', fetching: 'Fetching', done: 'Finishing' }[s.stage] ?? 'Syncing';
      const where = s.folder ? ` ${s.folder}` : '';
      const n = s.total > 0 ? `: ${s.done.toLocaleString('en')} of ${s.total.toLocaleString('en')}` : '…';
      return `${stage}${where}${n}`;
    }
    case 'not_configured':
      return s.message || 'Mail is not set up yet.';
    case 'cancelled':
      return s.message || 'Mail sync is paused.';
    case 'error':
      return s.message || 'Mail sync failed.';
    default:
      return s.message || (s.last_sync_at ? 'Up to date' : 'Not synced yet');
  }
}

/** statusLine is progressText plus when the last pull ended, for one line of UI. */
export function statusLine(s: MailStatus | null, now = new Date()): string {
  const text = progressText(s).replace(/\.$/, '');
  return s && s.last_sync_at && s.state !== 'syncing' ? `${text} · last ${when(s.last_sync_at, now)}` : text;
}

/** progressFraction is 0..1 for a progress bar, or null when unknown. */
export function progressFraction(s: MailStatus | null): number | null {
  if (!s || s.state !== 'syncing' || s.total <= 0) return null;
  return Math.min(1, Math.max(0, s.done / s.total));
}

/** unreadTotal counts unread emails across groups. */
export const unreadTotal = (groups: MailGroup[]) => groups.reduce((n, g) => n + g.emails.filter((e) => e.unread).length, 0);

/** flatten lists the emails in the order the inbox shows them (for ↑ ↓). */
export const flatten = (groups: MailGroup[]) => groups.flatMap((g) => g.emails);

/** canOpen tells the links the app hands to the system browser. */
export function canOpen(href: string): boolean {
  try {
    const u = new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:';
  } catch {
    return false;
  }
}

/** problemWords names a connection test's problem kind for a heading. */
export function problemWords(problem: string): string {
  return (
    {
      unreachable: 'The server cannot be reached',
      tls: 'The secure connection failed',
      auth: 'The server refused the user name or password',
      protocol: 'The server answered something unexpected',
    }[problem] ?? 'The connection failed'
  );
}

export function blankMailInput(): MailSettingsInput {
  return { host: '', port: 993, security: 'tls', username: '', auth: '', folders: [], password: '', clear_password: false };
}

export const saveMailSettings = (s: MailSettingsInput) => mailApi.saveSettings(s);
export const testMail = (s: MailSettingsInput) => mailApi.testConnection(s);
export const mailFolders = () => mailApi.folders();
export const syncMail = () => mailApi.syncNow();
export const cancelMail = () => mailApi.cancel();
export const readEmail = (id: string) => mailApi.read(id);
export const setEmailRead = (id: string, read: boolean) => mailApi.setRead(id, read);
export const markNotRelevant = (id: string) => mailApi.markNotRelevant(id);
export const linkEmailToCall = (id: string, callId: string) => mailApi.linkToCall(id, callId);
export const linkEmailToContact = (id: string, contactId: string) => mailApi.linkToContact(id, contactId);
export const unlinkEmail = (id: string, recordId: string) => mailApi.unlink(id, recordId);
export const linkEmailAsEvidence = (e: EmailEvidenceInput) => mailApi.linkAsEvidence(e);
export const openLink = (url: string) => mailApi.openLink(url);

/** emailContext is what the reader offers to link an email to: the
 * account's hypotheses, calls and contacts (all active hypotheses when the
 * email has no account). */
export type EmailContext = Pick<AccountBrief, 'hypotheses' | 'calls' | 'contacts'>;

export async function emailContext(accountId: string): Promise<EmailContext> {
  if (accountId) {
    const b = await api.brief(accountId);
    if (b.hypotheses.length) return b;
    return { ...b, hypotheses: await activeHypotheses() };
  }
  return { hypotheses: await activeHypotheses(), calls: [], contacts: [] };
}

async function activeHypotheses(): Promise<Hypothesis[]> {
  return (await api.hypotheses()).filter((h) => h.status === 'active');
}
