// Welcome area of the Go bridge (app/bridge/welcome.go) and joining a team
// (Sync.Join in app/bridge/join.go): the first launch's three ways in.
import * as Welcome from '../../../wailsjs/go/bridge/Welcome';
import * as Sync from '../../../wailsjs/go/bridge/Sync';
import type { bridge } from '../../../wailsjs/go/models';
import { call, type Plain } from './call';

/** link: the fieldnotes:// link the app was started with, or "" */
export type WelcomeState = Plain<bridge.WelcomeState>;
export type JoinResult = Plain<bridge.JoinResult>;
export type DemoResult = Plain<bridge.DemoResult>;

export const welcomeApi = {
  state: () => call(() => Welcome.State()),
  dismiss: () => call(() => Welcome.Dismiss()),
  seedDemo: () => call(() => Welcome.SeedDemo()),
  join: (text: string) => call(() => Sync.Join(text)),
};
