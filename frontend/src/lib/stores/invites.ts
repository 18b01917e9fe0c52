// The Team screen's state: the hub's invites, the one just made (its link
// and code are shown until the next one), and the pure helpers the view uses.
import { writable, type Readable } from 'svelte/store';
import { invitesApi, type Invite, type InviteInput, type NewInvite } from '../api/invites';
import type { ApiError } from '../api';
import { toast } from './toasts';

export interface TeamState {
  invites: Invite[];
  loading: boolean;
  error: ApiError | null;
  created: NewInvite | null;
}

export interface TeamStore extends Readable<TeamState> {
  reload(): Promise<void>;
  /** create makes an invite; it resolves to the hub's refusal in words, or "" when made. */
  create(input: InviteInput): Promise<string>;
  revoke(id: string): Promise<void>;
  copy(what: string, text: string): Promise<void>;
}

export function teamStore(api: typeof invitesApi = invitesApi): TeamStore {
  const state = writable<TeamState>({ invites: [], loading: true, error: null, created: null });

  async function reload() {
    state.update((s) => ({ ...s, loading: true }));
    try {
      const invites = await api.list();
      state.update((s) => ({ ...s, invites: invites ?? [], loading: false, error: null }));
    } catch (e) {
      state.update((s) => ({ ...s, loading: false, error: e as ApiError }));
    }
  }

  async function create(input: InviteInput): Promise<string> {
    try {
      const created = await api.create(input);
      state.update((s) => ({ ...s, created }));
      await reload();
      return '';
    } catch (e) {
      return (e as ApiError).message;
    }
  }

  async function revoke(id: string) {
    try {
      await api.revoke(id);
      state.update((s) => ({ ...s, created: s.created?.invite.id === id ? null : s.created }));
      toast('Invite revoked: it can no longer be used.');
    } catch (e) {
      toast((e as ApiError).message, 'error');
    }
    await reload();
  }

  async function copy(what: string, text: string) {
    try {
      await api.copy(text);
      toast(`${what} copied.`);
    } catch (e) {
      toast((e as ApiError).message, 'error');
    }
  }

  return { subscribe: state.subscribe, reload, create, revoke, copy };
}

/** stateLabel words an invite's state for the list. */
export function stateLabel(i: Pick<Invite, 'state' | 'used_at' | 'expires_at'>): string {
  switch (i.state) {
    case 'pending':
      return `Pending, expires ${day(i.expires_at)}`;
    case 'used':
      return i.used_at ? `Used ${day(i.used_at)}` : 'Used';
    case 'revoked':
      return 'Revoked';
    case 'expired':
      return `Expired ${day(i.expires_at)}`;
  }
  return i.state;
}

function day(iso: string): string {
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}
