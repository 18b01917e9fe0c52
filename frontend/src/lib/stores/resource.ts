// A resource is data loaded from Go that reloads itself when records change
// elsewhere (`records:changed`: another screen, a CLI import, sync, mail).
import { writable, type Readable } from 'svelte/store';
import { toApiError, type ApiError, type RecordChange } from '../api';
import { onRecordsChanged } from './events';

export interface ResourceState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
}

export interface Resource<T> extends Readable<ResourceState<T>> {
  reload(): Promise<void>;
  set(data: T): void;
}

export interface ResourceOptions {
  /** which changes matter; default: all */
  relevant?: (c: RecordChange) => boolean;
  /** debounce for change-driven reloads */
  debounceMs?: number;
  /** events source, replaceable in tests */
  subscribe?: (fn: (c: RecordChange) => void) => () => void;
}

export function resource<T>(load: () => Promise<T>, opts: ResourceOptions = {}): Resource<T> {
  const state = writable<ResourceState<T>>({ data: null, error: null, loading: true });
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function reload() {
    const mine = ++seq;
    state.update((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (mine === seq) state.set({ data, error: null, loading: false });
    } catch (e) {
      if (mine === seq) state.update((s) => ({ ...s, error: toApiError(e), loading: false }));
    }
  }

  const sub = opts.subscribe ?? onRecordsChanged;
  const store = writable<ResourceState<T>>(undefined as unknown as ResourceState<T>, (set) => {
    const unsubState = state.subscribe(set);
    void reload();
    const off = sub((c) => {
      if (opts.relevant && c.op !== 'batch' && c.op !== 'restore' && !opts.relevant(c)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void reload(), opts.debounceMs ?? 150);
    });
    return () => {
      unsubState();
      off();
      if (timer) clearTimeout(timer);
      seq++; // ignore answers that arrive after the last subscriber left
    };
  });

  return {
    subscribe: store.subscribe,
    reload,
    set: (data: T) => state.set({ data, error: null, loading: false }),
  };
}
