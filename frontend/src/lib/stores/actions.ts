// Actions views may run; they go through lib/api and speak ApiError.
import { api, type AccountInput, type ConsentInput, type Deal, type WTP } from '../api';

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
