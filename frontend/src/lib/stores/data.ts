// One store per screen area; views use these, never lib/api directly.
import { api, type RecordChange } from '../api';
import { resource } from './resource';

const is = (...types: string[]) => (c: RecordChange) => types.includes(c.type);

export const homeStore = () => resource(() => api.home());
export const accountsStore = (filter: () => string) => resource(() => api.accounts(filter()), { relevant: is('account', 'call') });
export const briefStore = (id: string) => resource(() => api.brief(id));
export const hypothesesStore = () => resource(() => api.hypotheses(), { relevant: is('hypothesis', 'evidence') });
export const hypothesisStore = (id: string) => resource(() => api.hypothesis(id), { relevant: is('hypothesis', 'evidence') });
export const studiesStore = () => resource(() => api.studies(), { relevant: is('study', 'contact') });
export const settingsStore = () => resource(() => api.settings());
