// Updates area of the Go bridge (app/bridge/update.go): what the updater
// found on the team hub, and "Restart to update".
import * as Updates from '../../../wailsjs/go/bridge/Updates';
import type { bridge } from '../../../wailsjs/go/models';
import { toApiError } from './index';

/** UpdateStatus is the generated bridge.UpdateStatus (payload of `update:changed`). */
export type UpdateStatus = bridge.UpdateStatus;

async function call<R>(p: () => Promise<R>): Promise<R> {
  try {
    return await p();
  } catch (e) {
    throw toApiError(e);
  }
}

export const updateApi = {
  status: () => call<UpdateStatus>(() => Updates.Status()),
  checkNow: () => call<void>(() => Updates.CheckNow()),
  restart: () => call<UpdateStatus>(() => Updates.Restart()),
};

export type UpdateApi = typeof updateApi;
