import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { companySignIn } from './signin';
import type { SignInApi } from '../api/signin';

const api = (over: Partial<SignInApi> = {}): SignInApi => ({
  offered: async () => ({ enabled: true, issuer: 'https://login.acme.example' }),
  signIn: async (hub) => ({ hub_url: hub, email: 'ana@acme.example', role: 'field' }),
  cancel: async () => {},
  ...over,
});

describe('company sign-in', () => {
  it('asks the hub whether it offers sign-in, once per address', async () => {
    let asked = 0;
    const s = companySignIn(api({ offered: async () => (asked++, { enabled: true, issuer: 'https://login.acme.example' }) }));
    await s.check('not a url');
    expect(get(s).offered).toBeNull();
    await s.check('https://hub.acme.example');
    await s.check('https://hub.acme.example ');
    expect(asked).toBe(1);
    expect(get(s)).toMatchObject({ offered: true, issuer: 'https://login.acme.example' });
  });
  it('signs in and keeps who, or says why not', async () => {
    const ok = companySignIn(api());
    expect(await ok.signIn(' https://hub.acme.example ')).toMatchObject({ email: 'ana@acme.example' });
    expect(get(ok)).toMatchObject({ busy: false, error: '', signedIn: { hub_url: 'https://hub.acme.example' } });

    const refused = companySignIn(api({ signIn: async () => Promise.reject({ message: 'is not verified' }) }));
    expect(await refused.signIn('https://hub.acme.example')).toBeNull();
    expect(get(refused)).toMatchObject({ busy: false, error: 'is not verified', signedIn: null });
    expect(await refused.signIn('  ')).toBeNull();
    expect(get(refused).error).toMatch(/hub address/);
  });
  it('cancelling ends the wait with the reason', async () => {
    let settle: (e: unknown) => void = () => {};
    const s = companySignIn(api({ signIn: () => new Promise((_, reject) => (settle = reject)), cancel: async () => settle({ message: 'signing in was cancelled' }) }));
    const pending = s.signIn('https://hub.acme.example');
    expect(get(s).busy).toBe(true);
    await s.cancel();
    expect(await pending).toBeNull();
    expect(get(s)).toMatchObject({ busy: false, error: 'signing in was cancelled' });
  });
});
