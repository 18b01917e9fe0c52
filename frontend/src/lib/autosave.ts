// Autosave for free text. A change is written at most `delay` ms after it was
// typed (the timer starts at the first unsaved change and is not pushed back
// by further typing, so a rep who never pauses is still saved every `delay`
// ms). Only one save is in flight; edits made meanwhile are saved right after.
// The state becomes 'saved' only when the newest text has come back from Go,
// which returns after the store's fsync.

export type SaveState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

export interface AutosaverOptions {
  delay?: number; // ms from first unsaved change to save (≤ 300 per the product brief)
  retry?: number; // ms before retrying a failed save
  onState?: (s: SaveState, info: { error?: unknown; savedAt?: number; latencyMs?: number }) => void;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (h: unknown) => void };
  now?: () => number;
}

export class Autosaver<V> {
  private value: V | undefined;
  private version = 0; // bumped on every change
  private savedVersion = 0;
  private timer: unknown = null;
  private inflight: Promise<void> | null = null;
  private firstDirtyAt = 0;
  state: SaveState = 'idle';
  private readonly delay: number;
  private readonly retry: number;
  private readonly timers: NonNullable<AutosaverOptions['timers']>;
  private readonly now: () => number;

  constructor(
    private readonly save: (v: V) => Promise<unknown>,
    private readonly opts: AutosaverOptions = {},
  ) {
    this.delay = opts.delay ?? 200;
    this.retry = opts.retry ?? 1000;
    this.timers = opts.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
    this.now = opts.now ?? (() => Date.now());
  }

  /** change records a new value and schedules its save. */
  change(v: V): void {
    this.value = v;
    this.version++;
    if (this.state !== 'saving') this.set('dirty');
    if (!this.firstDirtyAt) this.firstDirtyAt = this.now();
    this.schedule(this.delay);
  }

  /** pending reports whether some change is not yet durable. */
  get pending(): boolean {
    return this.version !== this.savedVersion;
  }

  /** flush saves now (on leaving the screen) and resolves when all is saved. */
  async flush(): Promise<void> {
    this.cancelTimer();
    while (this.pending) {
      if (this.inflight) {
        await this.inflight;
        continue;
      }
      await this.run();
      if (this.state === 'error') return;
    }
  }

  private schedule(ms: number) {
    if (this.timer !== null) return;
    this.timer = this.timers.set(() => {
      this.timer = null;
      void this.run();
    }, ms);
  }

  private cancelTimer() {
    if (this.timer !== null) {
      this.timers.clear(this.timer);
      this.timer = null;
    }
  }

  private run(): Promise<void> {
    if (this.inflight || !this.pending) return this.inflight ?? Promise.resolve();
    const version = this.version;
    const value = this.value as V;
    const started = this.firstDirtyAt;
    this.set('saving');
    this.inflight = this.save(value).then(
      () => {
        this.inflight = null;
        this.savedVersion = Math.max(this.savedVersion, version);
        if (this.pending) {
          this.set('dirty');
          this.firstDirtyAt = this.now();
          this.schedule(0);
        } else {
          this.firstDirtyAt = 0;
          this.set('saved', { savedAt: this.now(), latencyMs: started ? this.now() - started : undefined });
        }
      },
      (error) => {
        this.inflight = null;
        this.set('error', { error });
        this.schedule(this.retry);
      },
    );
    return this.inflight;
  }

  private set(s: SaveState, info: { error?: unknown; savedAt?: number; latencyMs?: number } = {}) {
    this.state = s;
    this.opts.onState?.(s, info);
  }

  dispose() {
    this.cancelTimer();
  }
}
