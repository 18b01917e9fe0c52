// Sync area of the Go bridge (app/bridge/sync.go): the engine's status,
// hub settings, what waits in the outbox and what the hub refused.
import * as Sync from '../../../wailsjs/go/bridge/Sync';
import { bridge } from '../../../wailsjs/go/models';
import { call, type Plain } from './call';

/** rev grows with every change: of two arrivals the higher is newer */
export type SyncStatus = Plain<bridge.SyncStatus>;
export type SyncSettings = Plain<bridge.SyncSettingsDTO>;
export type SyncSettingsInput = Plain<bridge.SyncSettingsInput>;
/** one record with changes waiting (a burst of autosaves is one row) */
export type PendingChange = Plain<bridge.PendingChange>;
export type SyncRejection = Plain<bridge.SyncRejection>;

export const syncApi = {
  status: () => call(() => Sync.Status()),
  syncNow: () => call(() => Sync.SyncNow()),
  settings: () => call(() => Sync.Settings()),
  saveSettings: (s: SyncSettingsInput) => call(() => Sync.SaveSettings(bridge.SyncSettingsInput.createFrom(s))),
  pending: (limit = 200) => call(() => Sync.Pending(limit)),
  rejections: () => call(() => Sync.Rejections()),
};

export type SyncApi = typeof syncApi;
