// One store per screen area; views use these, never lib/api directly.
import { api, type HomeView, type HypothesisRow, type RecordChange } from '../api';
import { Events, on, onRecordsChanged } from './events';
import { resource } from './resource';

/** withTallies fills in the rows' tallies, which Go counts separately
 * because counting reads every evidence item. */
export async function withTallies<R extends { id: string; tally: HypothesisRow['tally'] }>(rows: R[]): Promise<R[]> {
  if (!rows.length) return rows;
  const t = await api.tallies(rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, tally: t[r.id] ?? r.tally }));
}

const is = (...types: string[]) => (c: RecordChange) => types.includes(c.type);

// Home also follows the sync badge (`sync:status`: state and pending count).
export const homeStore = () =>
  resource(() => api.home(), {
    subscribe: (fn) => {
      const offRecords = onRecordsChanged(fn);
      const offSync = on(Events.syncStatus, () => fn({ type: 'sync', id: '', op: 'status', origin: 'sync', count: 0 }));
      return () => {
        offRecords();
        offSync();
      };
    },
  });
/** homeTallies loads the tallies of Home's hypotheses after Home itself. */
export const homeTallies = (home: HomeView) => withTallies(home.learn_now);
export const accountsStore = (filter: () => string) => resource(() => api.accounts(filter()), { relevant: is('account', 'call') });
export const briefStore = (id: string) => resource(() => api.brief(id));
// The list also follows `hypotheses:seen` (opening one clears its "new" /
// "changed" mark); the detail does not, or opening would reload it forever.
const hypothesisChanges = (fn: (c: RecordChange) => void) => {
  const offRecords = onRecordsChanged((c) => (is('hypothesis', 'evidence')(c) || c.op === 'batch' || c.op === 'restore' ? fn(c) : undefined));
  const offSeen = on(Events.hypothesesSeen, () => fn({ type: 'hypothesis', id: '', op: 'seen', origin: 'local', count: 0 }));
  return () => {
    offRecords();
    offSeen();
  };
};
export const hypothesesStore = () => resource(() => api.hypotheses(), { subscribe: hypothesisChanges });
export const hypothesesTallies = (rows: HypothesisRow[]) => withTallies(rows);
export const hypothesisStore = (id: string) => resource(() => api.hypothesis(id), { relevant: is('hypothesis', 'evidence') });
export const studiesStore = () => resource(() => api.studies(), { relevant: is('study', 'contact') });
export const settingsStore = () => resource(() => api.settings());
