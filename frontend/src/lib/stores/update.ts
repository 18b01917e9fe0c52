// Updates: the updater's status (first Status, then every `update:changed`)
// and what the banner shows of it. Only a few phases deserve a banner: a
// verified update waiting for a restart, one waiting for the package
// manager, and a refused one (the user should know why nothing changed).
import { readable, type Readable } from 'svelte/store';
import { updateApi, type UpdateApi, type UpdateStatus } from '../api/update';
import { Events, on as onAny, type On } from './events';

export type { UpdateStatus } from '../api/update';

export function updateStatus(api: Pick<UpdateApi, 'status'> = updateApi, on: On = onAny): Readable<UpdateStatus | null> {
  return readable<UpdateStatus | null>(null, (set) => {
    let live = true;
    let evented = false; // an event is newer than the first answer
    api.status().then(
      (s) => {
        if (live && !evented) set(s);
      },
      () => {},
    );
    const off = on(Events.updateChanged, (s) => {
      evented = true;
      if (live) set(s);
    });
    return () => {
      live = false;
      off();
    };
  });
}

export interface Banner {
  kind: 'ready' | 'waiting' | 'refused';
  text: string;
  canRestart: boolean;
}

/** banner is what the update banner says, or null for no banner. */
export function banner(s: UpdateStatus | null): Banner | null {
  if (!s) return null;
  switch (s.phase) {
    case 'ready':
      return { kind: 'ready', text: s.message, canRestart: s.can_restart };
    case 'package_manager':
      return { kind: 'waiting', text: s.message, canRestart: false };
    case 'refused':
      return { kind: 'refused', text: s.message, canRestart: false };
  }
  return null;
}

export const restartToUpdate = () => updateApi.restart();
