// Welcome: the first launch's three ways in (join a team, try the demo,
// start empty); views use these, never lib/api/welcome directly.
import { Events } from '../api';
import { welcomeApi } from '../api/welcome';
import { on } from './events';

export type { DemoResult, JoinResult, WelcomeState } from '../api/welcome';

export const dismissWelcome = () => welcomeApi.dismiss();
export const joinTeam = (invite: string) => welcomeApi.join(invite);
export const seedDemo = () => welcomeApi.seedDemo();
export const welcomeState = () => welcomeApi.state();
/** onWelcomeLink: a later launch of the app (a clicked invite) handed its
 * link to this window ("" for a plain second launch); returns an unsubscribe. */
export const onWelcomeLink = (fn: (link: string) => void) => on(Events.welcomeLink, (d) => fn(typeof d === 'string' ? d : ''));
