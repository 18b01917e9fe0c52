// One subscription per event: every store listens through `on`, which
// registers one Wails listener per event name (lib/api/events.ts) and fans
// each arrival out to the stores that want it; the listener goes when the
// last of them unsubscribes.
import { Events, onEvent, type EventName, type EventPayloads, type RecordChange } from '../api';

type Listener<N extends EventName> = (data: EventPayloads[N]) => void;

const listeners = new Map<EventName, Set<Listener<EventName>>>();
const offs = new Map<EventName, () => void>();

/** on calls fn for every event `name`; returns an unsubscribe. */
export function on<N extends EventName>(name: N, fn: Listener<N>): () => void {
  let set = listeners.get(name) as Set<Listener<N>> | undefined;
  if (!set) {
    const fresh = new Set<Listener<N>>();
    set = fresh;
    listeners.set(name, fresh as Set<Listener<EventName>>);
    offs.set(name, onEvent(name, (d) => fresh.forEach((l) => l(d))));
  }
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0 && listeners.get(name) === set) {
      listeners.delete(name);
      offs.get(name)?.();
      offs.delete(name);
    }
  };
}

/** the shape stores take to subscribe, so tests can pass a fake */
export type On = typeof on;

/** onRecordsChanged calls fn for every `records:changed`. */
export const onRecordsChanged = (fn: (c: RecordChange) => void) => on(Events.recordsChanged, fn);

export { Events };
