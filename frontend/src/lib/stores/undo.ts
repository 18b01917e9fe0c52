// Deletes that wait a few seconds before they happen, so "Undo" is a real
// undo: nothing is deleted (or sent to the hub) until the time is up.
// Closing the app inside the window keeps the record — the safe side.
import { writable } from 'svelte/store';

export interface PendingDelete {
  key: string; // the record id
  label: string; // "Account Acme Tooling"
  timer: ReturnType<typeof setTimeout>;
}

const list = writable<PendingDelete[]>([]);
export const pendingDeletes = { subscribe: list.subscribe };
export const UNDO_MS = 8000;

/** deleteLater hides the record now and deletes it after ms unless undone. */
export function deleteLater(key: string, label: string, run: () => Promise<void>, onError: (e: unknown) => void, ms = UNDO_MS) {
  const timer = setTimeout(() => {
    list.update((l) => l.filter((d) => d.key !== key));
    run().catch(onError);
  }, ms);
  list.update((l) => [...l.filter((d) => d.key !== key), { key, label, timer }]);
}

/** undoDelete keeps the record. */
export function undoDelete(key: string) {
  list.update((l) => {
    l.filter((d) => d.key === key).forEach((d) => clearTimeout(d.timer));
    return l.filter((d) => d.key !== key);
  });
}
