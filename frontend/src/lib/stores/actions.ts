// Actions views may run; they go through lib/api and speak ApiError.
import { writable, type Readable } from 'svelte/store';
import { api, type ApiError, type AccountInput, type ConsentInput, type Deal, type WTP } from '../api';

/** Job is what a panel of one-at-a-time actions shows: which one runs, and the last one's problem. */
export type Job = { busy: string; problem: string };

/**
 * jobRunner runs a panel's actions one at a time (Settings, Import): while
 * one runs, busy names it (the panel disables its buttons); a failure
 * becomes problem, shown next to the buttons, and run resolves to null.
 */
export function jobRunner(): Readable<Job> & { run<T>(what: string, fn: () => Promise<T>): Promise<T | null> } {
  const job = writable<Job>({ busy: '', problem: '' });
  return {
    subscribe: job.subscribe,
    async run<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
      job.set({ busy: what, problem: '' });
      try {
        const r = await fn();
        job.set({ busy: '', problem: '' });
        return r;
      } catch (e) {
        job.set({ busy: '', problem: (e as ApiError).message });
        return null;
      }
    },
  };
}

export const startCall = (accountId: string, kind: string) => api.startCall(accountId, kind);
export const searchAll = (q: string) => api.search(q, 20);
export const searchIndexing = () => api.searchIndexing();
export const findContacts = (filter: string) => api.contacts(filter);
export const nominate = (contactId: string, studyId: string) => api.nominate(contactId, studyId);
export const moveContact = (contactId: string, to: string, acknowledged = false) => api.move(contactId, to, acknowledged);
export const recordConsent = (contactId: string, c: ConsentInput) => api.recordConsent(contactId, c);
export const setDoNotContact = (contactId: string, on: boolean) => api.setDoNotContact(contactId, on);
export const importFile = () => api.importFile();
export const chooseImport = () => api.chooseImport();
export const previewImport = (path: string, mapping: Record<string, string>) => api.previewImport(path, mapping);
export const importMapped = (path: string, mapping: Record<string, string>) => api.importMapped(path, mapping);
export const exportAll = (format: string) => api.exportAll(format);
export const backup = () => api.backup();
export const restore = () => api.restore();
export const dismissConflict = (callId: string, hlc: string, clientId: string) => api.dismissConflict(callId, hlc, clientId);
export const saveDeal = (d: Deal) => api.saveDeal(d);
export const deleteDeal = (id: string) => api.deleteDeal(id);
export const updateAccount = (id: string, input: AccountInput) => api.updateAccount(id, input);
export const deleteAccount = (id: string) => api.deleteAccount(id);
export const deleteCall = (id: string) => api.deleteCall(id);
export const setFieldRole = (role: string) => api.setFieldRole(role);
export const wtpDefaults = () => api.wtpDefaults();
export const checkWTP = (w: WTP) => api.checkWTP(w);
