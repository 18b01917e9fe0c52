// The call-capture state: the notes (autosaved), one evidence item per
// question answered, the current question, and one combined save state that
// says "saved" only after every change has come back from Go durable.
import { derived, get, writable, type Readable } from 'svelte/store';
import { api as realApi, toApiError, type Api, type ApiError, type CallView, type Evidence, type Hypothesis, type Impact, type Question, type Signal } from '../api';
import { Autosaver, type SaveState } from '../autosave';

export interface QuestionRef {
  key: string; // hypothesisId/questionId
  hypothesis: Hypothesis;
  question: Question;
}

export type FormKind = 'wtp' | 'capability' | 'blocker' | 'usage';

export interface SaveStatus {
  state: SaveState;
  savedAt?: number;
  latencyMs?: number; // first unsaved keystroke → durable
  error?: ApiError;
}

export const keyOf = (hypothesisId: string, questionId: string) => `${hypothesisId}/${questionId}`;

/** questionsOf flattens the hypotheses' questions in checklist order. */
export function questionsOf(hs: Hypothesis[]): QuestionRef[] {
  return hs.flatMap((h) => h.questions.map((q) => ({ key: keyOf(h.id, q.id), hypothesis: h, question: q })));
}

export function blankEvidence(callId: string, accountId: string, ref: QuestionRef): Evidence {
  return {
    id: '',
    hypothesis_id: ref.hypothesis.id,
    question_id: ref.question.id,
    account_id: accountId,
    call_id: callId,
    contact_id: '',
    opportunity_id: '',
    impact: '',
    signal: '',
    strength: 0,
    quote: '',
    wtp: null,
    capability: '',
    problem: '',
    blocker: '',
    severity: '',
    feature: '',
    usage: '',
    source: 'manual',
    captured_at: '',
  };
}

/** defaultForm is the quick form a question's kind asks for. */
export function defaultForm(kind: string): FormKind | null {
  return kind === 'wtp' || kind === 'capability' || kind === 'blocker' || kind === 'usage' ? kind : null;
}

/** selectionOf returns the selected text of a textarea, trimmed of spaces
 * and of the quote marks the rep typed around it (the UI adds its own). */
export function selectionOf(text: string, start: number, end: number): string {
  if (start === end) return '';
  const s = text.slice(Math.min(start, end), Math.max(start, end)).trim();
  const m = /^["“”'‘’«»]+(.*?)["“”'‘’«»]+$/s.exec(s);
  return (m ? m[1] : s).trim();
}

export function createCapture(callId: string, api: Api = realApi) {
  const view = writable<CallView | null>(null);
  const loadError = writable<ApiError | null>(null);
  const notes = writable('');
  const evidence = writable<Record<string, Evidence>>({});
  const current = writable(0);
  const openForm = writable<{ key: string; form: FormKind } | null>(null);
  const notesState = writable<SaveStatus>({ state: 'idle' });
  const evState = writable<{ inflight: number; error?: ApiError; savedAt?: number; latencyMs?: number; saved: boolean }>({ inflight: 0, saved: false });
  const ended = writable('');
  // The deal new evidence in this call links to: null until the rep picks one
  // (then the Go side links the account's only open deal, notebook.DealFor),
  // 'none' for no deal, or a deal id.
  const chosenDeal = writable<string | null>(null);

  const notesSaver = new Autosaver<string>((text) => api.saveNotes(callId, text), {
    delay: 150,
    onState: (state, info) =>
      notesState.set({ state, savedAt: info.savedAt, latencyMs: info.latencyMs, error: info.error ? toApiError(info.error) : undefined }),
  });

  const questions: Readable<QuestionRef[]> = derived(view, (v) => (v ? questionsOf(v.hypotheses) : []));

  const status: Readable<SaveStatus> = derived([notesState, evState], ([n, e]): SaveStatus => {
    if (n.state === 'error' || e.error) return { state: 'error', error: n.error ?? e.error };
    if (n.state === 'dirty' || n.state === 'saving' || e.inflight > 0) return { state: 'saving' };
    if (n.state === 'saved' || e.saved) {
      const useNotes = (n.savedAt ?? 0) >= (e.savedAt ?? 0);
      return { state: 'saved', savedAt: useNotes ? n.savedAt : e.savedAt, latencyMs: useNotes ? n.latencyMs : e.latencyMs };
    }
    return { state: 'idle' };
  });

  async function load() {
    try {
      const v = await api.callView(callId);
      const map: Record<string, Evidence> = {};
      for (const e of v.evidence) map[keyOf(e.hypothesis_id, e.question_id)] = e;
      evidence.set(map);
      notes.set(v.call.notes);
      ended.set(v.call.ended_at);
      view.set(v);
      loadError.set(null);
    } catch (e) {
      loadError.set(toApiError(e));
    }
  }

  function setNotes(text: string) {
    notes.set(text);
    notesSaver.change(text);
  }

  // Evidence saves: one in flight per question; edits made meanwhile are sent
  // right after with the id the first save returned.
  const inflight = new Set<string>();
  const again = new Set<string>();

  async function persist(key: string, startedAt = Date.now()) {
    if (inflight.has(key)) {
      again.add(key);
      return;
    }
    const item = get(evidence)[key];
    if (!item) return;
    inflight.add(key);
    evState.update((s) => ({ ...s, inflight: s.inflight + 1 }));
    let failed: ApiError | undefined;
    try {
      const saved = await api.saveEvidence(item);
      evidence.update((m) => ({
        ...m,
        [key]: { ...m[key], id: saved.id, signal: m[key].signal || saved.signal, captured_at: saved.captured_at, account_id: saved.account_id, opportunity_id: saved.opportunity_id },
      }));
    } catch (e) {
      failed = toApiError(e);
    } finally {
      inflight.delete(key);
      const more = again.delete(key);
      evState.update((s) => ({
        inflight: s.inflight - 1,
        error: failed,
        saved: s.saved || !failed,
        savedAt: failed ? s.savedAt : Date.now(),
        latencyMs: failed ? s.latencyMs : Date.now() - startedAt,
      }));
      if (more) void persist(key, startedAt);
    }
  }

  function edit(ref: QuestionRef, change: (e: Evidence) => Evidence) {
    const v = get(view);
    if (!v) return;
    // A new answer is attributed to the one person on the call, if there is one.
    const fresh = () => ({
      ...blankEvidence(callId, v.account.id, ref),
      contact_id: v.call.contact_ids.length === 1 ? v.call.contact_ids[0] : '',
      opportunity_id: get(chosenDeal) ?? '',
    });
    evidence.update((m) => ({ ...m, [ref.key]: change(m[ref.key] ?? fresh()) }));
    void persist(ref.key);
  }

  function currentRef(): QuestionRef | undefined {
    return get(questions)[get(current)];
  }

  return {
    callId,
    view,
    loadError,
    notes,
    evidence,
    questions,
    current,
    openForm,
    status,
    ended,
    chosenDeal,
    /** dealOfNew is the deal shown for new evidence: the rep's pick, else the default. */
    dealOfNew: derived([chosenDeal, view], ([c, v]) => c ?? (v?.default_deal_id || 'none')),
    /** chooseDeal sets the deal that evidence captured from now on links to. */
    chooseDeal(id: string) {
      chosenDeal.set(id || 'none');
    },
    load,
    setNotes,
    /** mark sets the signal of a question (the current one by default). */
    mark(signal: Signal, ref = currentRef()) {
      if (ref) edit(ref, (e) => ({ ...e, signal }));
    },
    /** impact sets what a question's answer means for revenue; the same key again clears it. */
    impact(impact: Impact, ref = currentRef()) {
      if (ref) edit(ref, (e) => ({ ...e, impact: e.impact === impact ? '' : impact }));
    },
    /** quote puts text on a question's evidence as the verbatim quote. */
    quote(text: string, ref = currentRef()): boolean {
      if (!ref || !text) return false;
      edit(ref, (e) => ({ ...e, quote: text }));
      return true;
    },
    /** update changes fields of a question's evidence (quick forms). */
    update(ref: QuestionRef, fields: Partial<Evidence>) {
      edit(ref, (e) => ({ ...e, ...fields }));
    },
    async clear(ref: QuestionRef) {
      const item = get(evidence)[ref.key];
      if (!item) return;
      evidence.update((m) => {
        const { [ref.key]: _, ...rest } = m;
        return rest;
      });
      if (item.id) await api.deleteEvidence(item.id);
    },
    move(by: number) {
      const n = get(questions).length;
      if (n) current.update((i) => (i + by + n) % n);
    },
    select(i: number) {
      current.set(i);
    },
    showForm(form: FormKind | null, ref = currentRef()) {
      openForm.set(ref && form ? { key: ref.key, form } : null);
    },
    /** toggleContact adds or removes a contact from the people on the call. */
    async toggleContact(contactId: string) {
      const v = get(view);
      if (!v) return;
      const ids = v.call.contact_ids.includes(contactId) ? v.call.contact_ids.filter((x) => x !== contactId) : [...v.call.contact_ids, contactId];
      view.set({ ...v, call: { ...v.call, contact_ids: ids } });
      evState.update((s) => ({ ...s, inflight: s.inflight + 1 }));
      let failed: ApiError | undefined;
      try {
        await api.saveCallDetails(callId, v.call.title, v.call.kind, ids);
      } catch (e) {
        failed = toApiError(e);
        view.set(v); // roll back the chip
      } finally {
        evState.update((s) => ({ ...s, inflight: s.inflight - 1, error: failed, saved: s.saved || !failed, savedAt: failed ? s.savedAt : Date.now() }));
      }
    },
    async end() {
      await notesSaver.flush();
      const r = await api.endCall(callId);
      ended.set(r.saved_at);
    },
    flush: () => notesSaver.flush(),
    dispose() {
      void notesSaver.flush();
      notesSaver.dispose();
    },
  };
}

export type Capture = ReturnType<typeof createCapture>;
