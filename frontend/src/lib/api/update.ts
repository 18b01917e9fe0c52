// Updates area of the Go bridge (app/bridge/update.go): what the updater
// found on the team hub, and "Restart to update".
import * as Updates from '../../../wailsjs/go/bridge/Updates';
import type { bridge } from '../../../wailsjs/go/models';
import { call, type Plain } from './call';

/** the generated bridge.UpdateStatus (also the payload of `update:changed`) */
export type UpdateStatus = Plain<bridge.UpdateStatus>;

export const updateApi = {
  status: () => call(() => Updates.Status()),
  checkNow: () => call(() => Updates.CheckNow()),
  restart: () => call(() => Updates.Restart()),
};

export type UpdateApi = typeof updateApi;
