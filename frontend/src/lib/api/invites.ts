// The team's invites (app/bridge/invites.go): the hub's admin API, which
// product managers and admins may use. A new invite's link and code are
// only in the Create answer; the list never has them.
import * as Invites from '../../../wailsjs/go/bridge/Invites';
import type { bridge } from '../../../wailsjs/go/models';
import { call, type Plain } from './call';
import { copyText } from './events';

export type Invite = Plain<bridge.InviteDTO>;
export type NewInvite = Plain<bridge.NewInviteDTO>;
export type InviteInput = bridge.InviteInput;

export const invitesApi = {
  list: () => call(() => Invites.List()),
  create: (input: InviteInput) => call(() => Invites.Create(input)),
  revoke: (id: string) => call(() => Invites.Revoke(id)),
  /** copy puts text on the system clipboard (through Go: works in the window and a dev browser). */
  copy: (text: string) => call(() => copyText(text)),
};
