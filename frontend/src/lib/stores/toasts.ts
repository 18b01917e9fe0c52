// Short messages at the bottom of the window (errors in words, confirmations).
import { writable } from 'svelte/store';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

const list = writable<Toast[]>([]);
let next = 1;

export const toasts = { subscribe: list.subscribe };

export function toast(text: string, kind: Toast['kind'] = 'info', ms = 4000) {
  const id = next++;
  list.update((l) => [...l.slice(-3), { id, kind, text }]);
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number) {
  list.update((l) => l.filter((t) => t.id !== id));
}
