// Light, dark or follow the system; remembered on this machine.
import { writable } from 'svelte/store';

export type Theme = 'system' | 'light' | 'dark';

function initial(): Theme {
  try {
    const t = localStorage.getItem('fieldnotes.theme');
    if (t === 'light' || t === 'dark' || t === 'system') return t;
  } catch {
    /* storage unavailable */
  }
  return 'system';
}

export const theme = writable<Theme>(typeof localStorage === 'undefined' ? 'system' : initial());

theme.subscribe((t) => {
  if (typeof document === 'undefined') return;
  document.documentElement.dataset.theme = t;
  try {
    localStorage.setItem('fieldnotes.theme', t);
  } catch {
    /* storage unavailable */
  }
});
