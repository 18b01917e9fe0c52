// Welcome area of the Go bridge (app/bridge/welcome.go) and joining a team
// (Sync.Join in app/bridge/join.go): the first launch's three ways in.
import * as Welcome from '../../../wailsjs/go/bridge/Welcome';
import * as Sync from '../../../wailsjs/go/bridge/Sync';
import { onEvent, toApiError } from './index';

export interface WelcomeState {
  show: boolean;
  link: string; // the fieldnotes:// link the app was started with, or ""
}

export interface JoinResult {
  hub_url: string;
  email: string;
  role: string;
}

async function call<R>(p: () => Promise<unknown>): Promise<R> {
  try {
    return (await p()) as R;
  } catch (e) {
    throw toApiError(e);
  }
}

export const welcomeApi = {
  state: () => call<WelcomeState>(() => Welcome.State()),
  dismiss: () => call<void>(() => Welcome.Dismiss()),
  seedDemo: () => call<{ summary: string }>(() => Welcome.SeedDemo()),
  join: (text: string) => call<JoinResult>(() => Sync.Join(text)),
  /** onLink: a later launch of the app (a clicked invite) handed its link to
   * this window ("" for a plain second launch); returns an unsubscribe. */
  onLink: (fn: (link: string) => void) => onEvent('welcome:link', (d) => fn(typeof d === 'string' ? d : '')),
};
