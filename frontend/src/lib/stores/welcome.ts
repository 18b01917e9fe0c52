// Welcome: the first launch's three ways in (join a team, try the demo,
// start empty); views use these, never lib/api/welcome directly.
import { welcomeApi } from '../api/welcome';

export type { DemoResult, JoinResult, WelcomeState } from '../api/welcome';

export const dismissWelcome = () => welcomeApi.dismiss();
export const joinTeam = (invite: string) => welcomeApi.join(invite);
export const seedDemo = () => welcomeApi.seedDemo();
export const welcomeState = () => welcomeApi.state();
