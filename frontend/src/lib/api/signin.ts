// "Sign in with your company account" (app/bridge/signin.go): whether a hub
// offers it, and the sign-in itself (system browser, then the hub's token).
import * as Sync from '../../../wailsjs/go/bridge/Sync';
import type { bridge } from '../../../wailsjs/go/models';
import { toApiError } from './index';

export type CompanySignIn = bridge.CompanySignIn;
export type SignedIn = bridge.JoinResult;

async function call<R>(p: () => Promise<R>): Promise<R> {
  try {
    return await p();
  } catch (e) {
    throw toApiError(e);
  }
}

export interface SignInApi {
  offered: (hubURL: string) => Promise<CompanySignIn>;
  signIn: (hubURL: string) => Promise<SignedIn>;
  cancel: () => Promise<void>;
}

export const signInApi: SignInApi = {
  offered: (hubURL) => call(() => Sync.CompanySignIn(hubURL)),
  signIn: (hubURL) => call(() => Sync.SignInWithCompany(hubURL)),
  cancel: () => call(() => Sync.CancelSignIn()),
};
