// The events the Go side sends to the window: one name constant and one
// payload type each, and one subscription per event in lib/stores (see
// stores/events.ts). The payloads of bound types come from the generated
// models; the others are the Go structs named beside them (events carry no
// bound method, so Wails does not generate them).
import { ClipboardSetText, EventsOn } from '../../../wailsjs/runtime/runtime';
import type { bridge } from '../../../wailsjs/go/models';
import type { Plain } from './call';

export const Events = {
  /** bridge.RecordChange (app/bridge/events.go): the store changed */
  recordsChanged: 'records:changed',
  /** bridge.SyncStatus (app/bridge/sync.go) */
  syncStatus: 'sync:status',
  /** bridge.MailStatus (app/bridge/mail_status.go) */
  mailProgress: 'mail:progress',
  /** bridge.MailFetched: a pull stored new mail */
  mailFetched: 'mail:fetched',
  /** the id of a hypothesis this user has now seen (app/bridge/seen.go) */
  hypothesesSeen: 'hypotheses:seen',
  /** bridge.AssistProgress (app/bridge/assist_events.go) */
  assistProgress: 'assist:progress',
  /** bridge.AssistDone (app/bridge/assist_events.go) */
  assistDone: 'assist:done',
  /** bridge.UpdateStatus (app/bridge/update.go) */
  updateChanged: 'update:changed',
  /** a later launch handed its fieldnotes:// link to this window (app/desktop/single.go) */
  welcomeLink: 'welcome:link',
} as const;

export type EventName = (typeof Events)[keyof typeof Events];

/** bridge.RecordChange in app/bridge/events.go */
export interface RecordChange {
  type: string;
  id: string;
  op: string; // upsert, delete, batch, restore
  origin: string;
  count: number;
}

/** bridge.AssistProgress in app/bridge/assist_events.go */
export interface AssistProgress {
  job_id: string;
  kind: string;
  phase: 'sending' | 'receiving' | 'retrying' | string;
  received: number;
}

/** bridge.AssistDone in app/bridge/assist_events.go */
export interface AssistDone {
  job_id: string;
  kind: string;
  state: string;
  call_id: string;
  account_id: string;
  email_id: string;
  message: string;
}

/** bridge.MailFetched in app/bridge/mail_status.go */
export interface MailFetched {
  counts: Plain<bridge.MailCounts>;
  at: string;
}

/** what each event carries */
export interface EventPayloads {
  'records:changed': RecordChange;
  'sync:status': Plain<bridge.SyncStatus>;
  'mail:progress': Plain<bridge.MailStatus>;
  'mail:fetched': MailFetched;
  'hypotheses:seen': string;
  'assist:progress': AssistProgress;
  'assist:done': AssistDone;
  'update:changed': Plain<bridge.UpdateStatus>;
  'welcome:link': string;
}

/** onEvent calls fn for every Wails event `name`; returns an unsubscribe.
 * Outside the window (unit tests) there is no runtime and nothing arrives. */
export function onEvent<N extends EventName>(name: N, fn: (data: EventPayloads[N]) => void): () => void {
  if (typeof window === 'undefined' || !('runtime' in window)) return () => {};
  return EventsOn(name, fn);
}

/** the signature stores take to subscribe (tests pass a fake) */
export type OnEvent = typeof onEvent;

/** copyText puts text on the system clipboard through Go (works in the
 * window and in a dev browser); this file is the one door to the runtime. */
export const copyText = (text: string): Promise<boolean> => ClipboardSetText(text);
