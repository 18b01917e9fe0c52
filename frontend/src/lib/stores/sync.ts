// Sync: the engine's status (first Status, then every `sync:status`), what
// waits to be sent, what the hub refused, and the hub settings.
import { readable, type Readable } from 'svelte/store';
import type { RecordChange } from '../api';
import { Events, on as onShared, onRecordsChanged, type On } from './events';
import { syncApi, type SyncApi, type SyncSettingsInput, type SyncStatus } from '../api/sync';
import { resource } from './resource';
import { when } from '../format';

export type { PendingChange, SyncRejection, SyncSettings, SyncSettingsInput, SyncStatus } from '../api/sync';

/** syncStatus is the engine's status from a first Status call and then every
 * `sync:status` event. The call's answer can arrive after a newer event, so
 * the highest rev wins: a stale "Syncing…" must not stick until the next change. */
export function syncStatus(api?: SyncApi, on?: On): Readable<SyncStatus | null> {
  if (!api && !on) return (shared ??= followStatus(syncApi, onShared));
  return followStatus(api ?? syncApi, on ?? onShared);
}

// the one status store the screens share (the badge, Settings, Sync, Welcome)
let shared: Readable<SyncStatus | null> | undefined;

function followStatus(api: SyncApi, on: On): Readable<SyncStatus | null> {
  return readable<SyncStatus | null>(null, (set) => {
    let live = true;
    let rev = -1;
    const keepNewest = (s: SyncStatus) => {
      if (!live || (s.rev ?? 0) < rev) return;
      rev = s.rev ?? 0;
      set(s);
    };
    api.status().then(keepNewest, () => {});
    const off = on(Events.syncStatus, keepNewest);
    return () => {
      live = false;
      off();
    };
  });
}

/** changesAndStatus reloads on record changes and on every sync status. */
const changesAndStatus = (fn: (c: RecordChange) => void) => {
  const a = onRecordsChanged(fn);
  const b = onShared(Events.syncStatus, () => fn({ type: 'sync', id: '', op: 'batch', origin: 'sync', count: 0 }));
  return () => {
    a();
    b();
  };
};

export const pendingStore = (api: SyncApi = syncApi) => resource(() => api.pending(500), { subscribe: changesAndStatus, debounceMs: 300 });
export const rejectionsStore = (api: SyncApi = syncApi) => resource(() => api.rejections(), { subscribe: changesAndStatus, debounceMs: 300 });
export const syncSettingsStore = (api: SyncApi = syncApi) => resource(() => api.settings(), { subscribe: () => () => {} });
export const saveSyncSettings = (s: SyncSettingsInput) => syncApi.saveSettings(s);
export const syncNow = () => syncApi.syncNow();

export const syncStateLabel: Record<string, string> = {
  not_configured: 'Offline — sync not configured',
  offline: 'Offline',
  syncing: 'Syncing…',
  idle: 'Up to date',
  error: 'Sync failed',
};

const errorWords: Record<string, string> = {
  offline: 'The hub cannot be reached; changes wait on this laptop.',
  unauthorized: 'The hub refused the token: paste a new one in Settings.',
  wrong_user: 'This notebook belongs to another user than the token.',
  outdated: 'The hub needs a newer version of Fieldnotes.',
  hub_error: 'The hub had a problem; retrying shortly.',
};

/** describe is the badge in words: state, pending, last synced, last error;
 * refused counts the changes the hub refused, so "Up to date" never shows
 * while one waits for the rep to look at it — nor before the refusals are
 * read (null), which would flash "Up to date" over refused changes. */
export function describe(s: SyncStatus, now = new Date(), refused: number | null = 0): { label: string; detail: string; error: string } {
  let label = syncStateLabel[s.state] ?? s.state;
  if (s.state === 'idle' && refused === null) label = 'Checking…';
  else if (s.state === 'idle' && refused !== null && refused > 0) label = refused === 1 ? '1 change refused' : `${refused} changes refused`;
  const parts: string[] = [];
  parts.push(s.pending === 1 ? '1 change waiting' : `${s.pending} changes waiting`);
  parts.push(s.last_synced_at ? `last synced ${when(s.last_synced_at, now)}` : 'never synced');
  // not configured is a state, not a failure: the label already says it
  // a known kind in words alone: the raw text says the same again
  const error = s.last_error && s.state !== 'not_configured' ? errorWords[s.error_kind] ?? s.last_error : '';
  return { label, detail: parts.join(' · '), error };
}

/** progressOf is a download's progress bar: records received of about how
 * many, and the time left in words; null unless a download with an
 * estimate is running. */
export function progressOf(s: SyncStatus | null): { value: number; max: number; label: string } | null {
  if (!s || s.state !== 'syncing' || !(s.remaining > 0)) return null;
  const max = s.received + s.remaining;
  let label = `${s.received.toLocaleString('en-US')} of about ${max.toLocaleString('en-US')} records`;
  if (s.seconds_left > 0) label += ` · about ${timeLeft(s.seconds_left)} left`;
  return { value: s.received, max, label };
}

function timeLeft(sec: number): string {
  if (sec < 60) return `${sec} s`;
  const min = Math.round(sec / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** typeName names a record type for people. */
export function typeName(t: string): string {
  return ({ call: 'Call', evidence: 'Evidence', contact: 'Contact', account: 'Account', email: 'Email', hypothesis: 'Hypothesis', study: 'Study' } as Record<string, string>)[t] ?? t;
}

/** settled waits (up to ms) for the engine to try new settings: the first
 * status that is no longer syncing or waiting to start. */
export async function settled(api: SyncApi = syncApi, ms = 4000): Promise<SyncStatus | null> {
  const end = Date.now() + ms;
  let last: SyncStatus | null = null;
  while (Date.now() < end) {
    last = await api.status().catch(() => last);
    if (last && (last.state === 'error' || last.state === 'offline' || (last.state === 'idle' && last.last_synced_at))) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

/** refusedCount is how many changes the hub refused, or null while the list
 * is still loading (a failed load counts none: its error shows beside). */
export function refusedCount(r: { data: unknown[] | null; error: unknown } | undefined): number | null {
  if (r?.data) return r.data.length;
  return r?.error ? 0 : null;
}
