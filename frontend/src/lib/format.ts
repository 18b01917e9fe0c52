// Formatting helpers shared by views.
import type { Impact, Signal } from './constants';

/** clock formats elapsed milliseconds as m:ss or h:mm:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

// The same words as notebook.WTPUnitName: a total and a per-seat price must
// never read alike.
const periods: Record<string, string> = {
  one_time: 'once',
  month: 'per month in total',
  year: 'per year in total',
  seat_month: 'per seat per month',
  seat_year: 'per seat per year',
};

export const periodOptions = Object.keys(periods);

export function periodName(p: string): string {
  return periods[p] ?? p;
}

/** money formats an amount with its currency, e.g. "€40 per seat per month". */
export function money(amount: number, currency: string, period = ''): string {
  let s: string;
  try {
    s = new Intl.NumberFormat('en', { style: 'currency', currency: currency || 'EUR', maximumFractionDigits: 2 }).format(amount);
  } catch {
    s = `${amount} ${currency}`;
  }
  return period ? `${s} ${periodName(period)}` : s;
}

/** arr formats annual revenue compactly: "€120k". */
export function arr(n: number): string {
  if (!n) return '—';
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`;
  return String(Math.round(n));
}

/** when formats an RFC 3339 time relative to now: "today 14:05", "yesterday", "3 Nov". */
export function when(iso: string, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  const day = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const diff = Math.round((day(now) - day(d)) / 86400000);
  const hm = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (diff === 0) return `today ${hm}`;
  if (diff === 1) return `yesterday ${hm}`;
  if (diff > 1 && diff < 7) return d.toLocaleDateString('en-GB', { weekday: 'short' }) + ` ${hm}`;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric' });
}

export const signalNames: Record<string, string> = {
  supports: 'Supports',
  refutes: 'Refutes',
  mixed: 'Mixed',
  unclear: 'Unclear',
} satisfies Record<Signal, string>;

export const impactNames: Record<string, string> = {
  blocker: 'Blocks the deal',
  retention: 'Renewal at risk',
  expansion: 'Upsell',
  nice_to_have: 'Nice to have',
} satisfies Record<Impact, string>;

export const statusNames: Record<string, string> = {
  '': 'Not in a study',
  nominated: 'Nominated',
  invited: 'Invited',
  consented: 'Consented',
  scheduled: 'Scheduled',
  done: 'Done',
  declined: 'Declined',
};

/** actionName is the button label for moving a contact to status s. */
export function actionName(s: string): string {
  return (
    { nominated: 'Nominate again', invited: 'Invite', consented: 'Mark consented', scheduled: 'Schedule', done: 'Mark done', declined: 'Decline' }[s] ?? s
  );
}
