// A hash router: #/home, #/accounts, #/accounts/ID, #/calls/ID,
// #/hypotheses[/ID], #/recruiting[/STUDY], #/settings, #/inbox[/EMAIL], #/sync, #/team. Hash routes survive a
// reload in the window and in the e2e browser alike.
import { readable } from 'svelte/store';

export type Route =
  | { name: 'home' }
  | { name: 'accounts' }
  | { name: 'account'; id: string }
  | { name: 'call'; id: string }
  | { name: 'hypotheses'; id?: string }
  | { name: 'recruiting'; id?: string }
  | { name: 'settings' }
  | { name: 'product'; id?: string }
  | { name: 'insights'; id?: string }
  | { name: 'inbox'; id?: string }
  | { name: 'sync' }
  | { name: 'team' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id] = parts;
  switch (head) {
    case 'accounts':
      return id ? { name: 'account', id } : { name: 'accounts' };
    case 'calls':
      return id ? { name: 'call', id } : { name: 'home' };
    case 'hypotheses':
      return { name: 'hypotheses', id };
    case 'recruiting':
      return { name: 'recruiting', id };
    case 'settings':
      return { name: 'settings' };
    case 'product':
      return { name: 'product', id };
    case 'insights':
      return { name: 'insights', id };
    case 'inbox':
      return { name: 'inbox', id };
    case 'sync':
      return { name: 'sync' };
    case 'team':
      return { name: 'team' };
    default:
      return { name: 'home' };
  }
}

export function href(r: Route): string {
  switch (r.name) {
    case 'account':
      return `#/accounts/${encodeURIComponent(r.id)}`;
    case 'call':
      return `#/calls/${encodeURIComponent(r.id)}`;
    case 'hypotheses':
    case 'recruiting':
    case 'product':
    case 'insights':
    case 'inbox':
      return r.id ? `#/${r.name}/${encodeURIComponent(r.id)}` : `#/${r.name}`;
    default:
      return `#/${r.name}`;
  }
}

export function go(to: string | Route) {
  const h = typeof to === 'string' ? to : href(to);
  if (location.hash !== h) location.hash = h;
}

export const route = readable<Route>(parseRoute(typeof location === 'undefined' ? '' : location.hash), (set) => {
  if (typeof window === 'undefined') return;
  const update = () => set(parseRoute(location.hash));
  window.addEventListener('hashchange', update);
  return () => window.removeEventListener('hashchange', update);
});
