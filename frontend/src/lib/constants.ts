// The closed lists the UI offers, one home each. The sets come from Go:
// notebook.Signal and notebook.Impact are bound with EnumBind
// (app/bridge/enums.go), so a value Go does not know, or a Go value
// missing here, fails svelte-check. The order is the UI's (keyboard 1–4,
// 5–8 in the capture screen; the enums are sorted by name).
import type { notebook } from '../../wailsjs/go/models';

export type Signal = `${notebook.Signal}`;
export type Impact = `${notebook.Impact}`;

/** every key of T listed once: an array type that fails when one is missing */
type Covers<T extends string, L extends readonly T[]> = [T] extends [L[number]] ? L : never;

const signalList = ['supports', 'refutes', 'mixed', 'unclear'] as const satisfies readonly Signal[];
const impactList = ['blocker', 'retention', 'expansion', 'nice_to_have'] as const satisfies readonly Impact[];

/** the signals in keyboard order (Alt+1–4) */
export const SIGNALS: Covers<Signal, typeof signalList> = signalList;
/** the impacts in keyboard order (Alt+5–8) */
export const IMPACTS: Covers<Impact, typeof impactList> = impactList;

export function isSignal(s: string): s is Signal {
  return (SIGNALS as readonly string[]).includes(s);
}
