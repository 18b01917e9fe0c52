// Company sign-in: the state of one "Sign in with your company account"
// button — whether the hub offers it, the sign-in under way (the browser is
// open), and how it ended.
import { writable, type Readable } from 'svelte/store';
import { signInApi, type SignInApi, type SignedIn } from '../api/signin';

export type { SignedIn } from '../api/signin';

export interface CompanySignInState {
  offered: boolean | null; // null: not asked yet, or the hub did not answer
  issuer: string;
  busy: boolean; // the browser is open; the person is signing in there
  error: string;
  signedIn: SignedIn | null;
}

export interface CompanySignInStore extends Readable<CompanySignInState> {
  check: (hubURL: string) => Promise<void>;
  signIn: (hubURL: string) => Promise<SignedIn | null>;
  cancel: () => Promise<void>;
}

const initial: CompanySignInState = { offered: null, issuer: '', busy: false, error: '', signedIn: null };

export function companySignIn(api: SignInApi = signInApi): CompanySignInStore {
  const { subscribe, update } = writable<CompanySignInState>({ ...initial });
  let asked = '';
  return {
    subscribe,
    // check asks the hub once per address; a hub that cannot be reached
    // leaves the button as it was (signing in says why).
    async check(hubURL: string) {
      const url = hubURL.trim();
      if (!/^https?:\/\/./.test(url) || url === asked) return;
      asked = url;
      try {
        const r = await api.offered(url);
        if (asked === url) update((s) => ({ ...s, offered: r.enabled, issuer: r.issuer }));
      } catch {
        if (asked === url) update((s) => ({ ...s, offered: null, issuer: '' }));
      }
    },
    async signIn(hubURL: string) {
      if (!hubURL.trim()) {
        update((s) => ({ ...s, error: 'Enter the hub address your admin gave you first.' }));
        return null;
      }
      update((s) => ({ ...s, busy: true, error: '', signedIn: null }));
      try {
        const r = await api.signIn(hubURL.trim());
        update((s) => ({ ...s, busy: false, signedIn: r }));
        return r;
      } catch (e) {
        update((s) => ({ ...s, busy: false, error: (e as { message: string }).message }));
        return null;
      }
    },
    // cancel ends the sign-in under way (the person closed the browser tab);
    // signIn then settles with "signing in was cancelled".
    async cancel() {
      await api.cancel().catch(() => {});
    },
  };
}
