// Keyboard shortcuts: one table drives both the handlers and the `?` overlay.
import { IMPACTS, SIGNALS, type Impact, type Signal } from './constants';

export interface Shortcut {
  keys: string; // as shown in the overlay
  what: string;
  where: 'Everywhere' | 'Call capture' | 'Lists' | 'Account brief' | 'Recruiting' | 'Inbox' | 'Priorities (product)';
  product?: boolean; // only for product managers (the overlay hides it from reps)
}

/** shortcutsFor is the overlay's list: product-only keys only for product. */
export const shortcutsFor = (product: boolean) => shortcuts.filter((s) => product || !(s.product || s.where === 'Priorities (product)'));

export const shortcuts: Shortcut[] = [
  { keys: 'Ctrl K', what: 'Search everything', where: 'Everywhere' },
  { keys: '?', what: 'Show this list', where: 'Everywhere' },
  { keys: 'g h', what: 'Go home', where: 'Everywhere' },
  { keys: 'g a', what: 'Go to accounts', where: 'Everywhere' },
  { keys: 'g y', what: 'Go to hypotheses', where: 'Everywhere' },
  { keys: 'g r', what: 'Go to recruiting', where: 'Everywhere' },
  { keys: 'g s', what: 'Go to settings', where: 'Everywhere' },
  { keys: 'g i', what: 'Go to the inbox', where: 'Everywhere' },
  { keys: 'g p', what: 'Go to product priorities (product managers)', where: 'Everywhere', product: true },
  { keys: 'g t', what: 'Go to insights and time to signal (product managers)', where: 'Everywhere', product: true },
  { keys: 'g m', what: 'Go to the team: invite people (product managers)', where: 'Everywhere', product: true },
  { keys: 'Esc', what: 'Close a panel; in the notes: leave them (then g h …)', where: 'Everywhere' },
  { keys: '/', what: 'Focus the filter', where: 'Lists' },
  { keys: '↑ ↓  Enter', what: 'Move and open', where: 'Lists' },
  { keys: 'c', what: 'Start a call with this account', where: 'Account brief' },
  { keys: 'Alt ↓ / Alt ↑', what: 'Next / previous question', where: 'Call capture' },
  { keys: 'Alt 1', what: 'Answer supports the hypothesis', where: 'Call capture' },
  { keys: 'Alt 2', what: 'Answer refutes it', where: 'Call capture' },
  { keys: 'Alt 3', what: 'Answer is mixed', where: 'Call capture' },
  { keys: 'Alt 4', what: 'Answer is unclear', where: 'Call capture' },
  { keys: 'Alt 5', what: 'Impact: this deal is blocked on it', where: 'Call capture' },
  { keys: 'Alt 6', what: 'Impact: the renewal is at risk (retention)', where: 'Call capture' },
  { keys: 'Alt 7', what: 'Impact: an upsell depends on it (expansion)', where: 'Call capture' },
  { keys: 'Alt 8', what: 'Impact: nice to have', where: 'Call capture' },
  { keys: 'Alt Q', what: 'Selected notes become the quote', where: 'Call capture' },
  { keys: 'Alt W', what: 'Willingness to pay', where: 'Call capture' },
  { keys: 'Alt C', what: 'Requested capability and problem', where: 'Call capture' },
  { keys: 'Alt B', what: 'Blocker and severity', where: 'Call capture' },
  { keys: 'Alt U', what: 'Feature usage', where: 'Call capture' },
  { keys: 'Alt E', what: 'End the call', where: 'Call capture' },
  { keys: 'Alt S', what: 'Suggest evidence from the notes (AI)', where: 'Call capture' },
  { keys: 'j k  Enter', what: 'Move between emails and open one', where: 'Inbox' },
  { keys: 'e', what: 'Keep the open email (or the selected words) as evidence', where: 'Inbox' },
  { keys: 'n', what: 'New hypothesis', where: 'Priorities (product)' },
  { keys: 'Alt ↑ / Alt ↓', what: 'Move the focused hypothesis up / down the ranking', where: 'Priorities (product)' },
  { keys: '↑ ↓  Enter', what: 'Move between hypotheses; edit one', where: 'Priorities (product)' },
  { keys: 'Ctrl Enter / Esc', what: 'Save / cancel the form', where: 'Priorities (product)' },
];

/** isTyping reports whether a key event goes into a text field. */
export function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
  if (tag === 'input') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit'].includes(type);
  }
  return false;
}

/** isSearchKey: Ctrl+K or Cmd+K. */
export function isSearchKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k';
}

export const goTargets: Record<string, string> = {
  h: '#/home',
  a: '#/accounts',
  y: '#/hypotheses',
  r: '#/recruiting',
  s: '#/settings',
  i: '#/inbox',
  p: '#/product',
  t: '#/insights',
  m: '#/team',
};

/** Sequence tracks "g then letter" within a second. */
export class Sequence {
  private armedAt: number | null = null;
  constructor(private readonly now: () => number = () => Date.now()) {}
  /** feed returns the target hash when a sequence completes. */
  feed(key: string): string | null {
    const t = this.now();
    if (this.armedAt !== null && t - this.armedAt < 1000) {
      this.armedAt = null;
      return goTargets[key.toLowerCase()] ?? null;
    }
    this.armedAt = key === 'g' ? t : null;
    return null;
  }
}

export type CaptureAction =
  | { kind: 'signal'; signal: Signal }
  | { kind: 'impact'; impact: Impact }
  | { kind: 'move'; by: 1 | -1 }
  | { kind: 'quote' }
  | { kind: 'form'; form: 'wtp' | 'capability' | 'blocker' | 'usage' }
  | { kind: 'end' };

/** captureAction maps an Alt-chord in the capture screen to an action.
 * e.code is used because Alt changes e.key on some layouts (Option+1 = ¡). */
export function captureAction(e: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'code' | 'key'>): CaptureAction | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const signals = SIGNALS;
  const digit = /^(Digit|Numpad)([1-4])$/.exec(e.code);
  if (digit) return { kind: 'signal', signal: signals[Number(digit[2]) - 1] };
  const impacts = IMPACTS;
  const impactDigit = /^(Digit|Numpad)([5-8])$/.exec(e.code);
  if (impactDigit) return { kind: 'impact', impact: impacts[Number(impactDigit[2]) - 5] };
  switch (e.code) {
    case 'ArrowDown':
    case 'KeyJ':
      return { kind: 'move', by: 1 };
    case 'ArrowUp':
    case 'KeyK':
      return { kind: 'move', by: -1 };
    case 'KeyQ':
      return { kind: 'quote' };
    case 'KeyW':
      return { kind: 'form', form: 'wtp' };
    case 'KeyC':
      return { kind: 'form', form: 'capability' };
    case 'KeyB':
      return { kind: 'form', form: 'blocker' };
    case 'KeyU':
      return { kind: 'form', form: 'usage' };
    case 'KeyE':
      return { kind: 'end' };
  }
  return null;
}
