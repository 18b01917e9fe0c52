import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { stateLabel, teamStore } from './invites';
import type { invitesApi, Invite, NewInvite } from '../api/invites';

const invite = (id: string, state: string): Invite =>
  ({ id, email: `${id}@acme.com`, role: 'field', state, created_at: '2026-12-01T10:00:00Z', expires_at: '2026-12-08T10:00:00Z', used_at: '', device: '' }) as Invite;

// A stand-in for the hub's answers, to test the store's own logic (the real
// hub is in app/bridge/invites_test.go and e2e/tests/team.spec.ts).
function fakeApi(): typeof invitesApi & { list_: Invite[] } {
  const api = {
    list_: [] as Invite[],
    list: async () => api.list_,
    create: async (input: { email: string; role: string; expires: string }) => {
      if (!input.email.includes('@')) throw { code: 'invalid', message: `email: "${input.email}" is not an address` };
      const i = invite(input.email.split('@')[0], 'pending');
      api.list_ = [i, ...api.list_];
      return { invite: i, link: 'fieldnotes://join?x', code: 'FN1-x' } as NewInvite;
    },
    revoke: async (id: string) => {
      api.list_ = api.list_.map((i) => (i.id === id ? { ...i, state: 'revoked' } : i));
    },
    copy: async () => true,
  };
  return api;
}

describe('team store', () => {
  it('keeps the new invite to show, words a refusal, and forgets a revoked one', async () => {
    const api = fakeApi();
    const team = teamStore(api);
    await team.reload();
    expect(get(team)).toMatchObject({ invites: [], loading: false, error: null, created: null });
    expect(await team.create({ email: 'nope', role: 'field', expires: '7d' })).toContain('is not an address');
    expect(get(team).created).toBeNull();
    expect(await team.create({ email: 'ana@acme.com', role: 'field', expires: '7d' })).toBe('');
    expect(get(team).created?.code).toBe('FN1-x');
    expect(get(team).invites.map((i) => i.id)).toEqual(['ana']);
    await team.revoke('ana');
    expect(get(team).created).toBeNull();
    expect(get(team).invites[0].state).toBe('revoked');
  });

  it('words each state', () => {
    expect(stateLabel(invite('a', 'pending'))).toBe('Pending, expires 2026-12-08');
    expect(stateLabel({ ...invite('a', 'used'), used_at: '2026-12-02T09:00:00Z' })).toBe('Used 2026-12-02');
    expect(stateLabel(invite('a', 'revoked'))).toBe('Revoked');
    expect(stateLabel(invite('a', 'expired'))).toBe('Expired 2026-12-08');
  });
});
