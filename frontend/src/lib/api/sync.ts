// Sync area of the Go bridge (app/bridge/sync.go): the engine's status,
// hub settings, what waits in the outbox and what the hub refused.
import * as Sync from '../../../wailsjs/go/bridge/Sync';
import { toApiError } from './index';

export interface SyncStatus {
  state: 'not_configured' | 'offline' | 'syncing' | 'idle' | 'error' | string;
  message: string;
  phase: string;
  online: boolean;
  pending: number;
  last_synced_at: string;
  last_error: string;
  error_kind: string;
  retry_at: string;
  hub_url: string;
  rev: number; // grows with every change: of two arrivals the higher is newer
  received: number; // a download in progress: records received so far
  remaining: number; // about how many are left (0: unknown or done)
  seconds_left: number; // at the rate so far (0: too early to say)
}

export interface SyncSettings {
  hub_url: string;
  has_token: boolean;
}

export interface SyncSettingsInput {
  hub_url: string;
  token: string; // "" keeps the stored token
  clear_token: boolean;
}

/** PendingChange is one record with changes waiting (a burst of autosaves is one row). */
export interface PendingChange {
  mutation_id: number;
  op: 'upsert' | 'delete' | string;
  type: string;
  id: string;
  name: string;
  changes: number;
  fields: string[];
}

export interface SyncRejection {
  mutation_id: number;
  op: string;
  type: string;
  id: string;
  code: string;
  message: string;
  at: string;
}

async function call<R>(p: () => Promise<unknown>): Promise<R> {
  try {
    return (await p()) as R;
  } catch (e) {
    throw toApiError(e);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export const syncApi = {
  status: () => call<SyncStatus>(() => Sync.Status()),
  syncNow: () => call<SyncStatus>(() => Sync.SyncNow()),
  settings: () => call<SyncSettings>(() => Sync.Settings()),
  saveSettings: (s: SyncSettingsInput) => call<SyncSettings>(() => Sync.SaveSettings(s as any)),
  pending: (limit = 200) => call<PendingChange[]>(() => Sync.Pending(limit)),
  rejections: () => call<SyncRejection[]>(() => Sync.Rejections()),
};

export type SyncApi = typeof syncApi;
