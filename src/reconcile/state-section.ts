import type { ProjectState, StateSection } from '../config/state.js';

/**
 * The one writer of a project state section during a reconcile. Changes are record()ed in memory and written one
 * write at a time, and only when something changed since the last write: update() writes at once, step() once when
 * a step of work ends (whether it succeeded or not), so an interrupted run leaves every id it made.
 */
export class StateSectionRecorder<T extends object> {
  private chain: Promise<void> = Promise.resolve();
  /** The section as last written (or as read), as JSON; undefined once cleared. */
  private saved: string | undefined;

  constructor(
    private readonly state: ProjectState,
    private readonly profile: string,
    private readonly section: StateSection,
    public current: T,
  ) {
    this.saved = JSON.stringify(withoutUndefined(current));
  }

  /** Records a change and writes the section. */
  update(patch: Partial<T>): Promise<void> {
    this.record(patch);
    return this.save();
  }

  /** Records a change in memory only; the next save() (or the end of the step) writes it. */
  record(patch: Partial<T>): void {
    this.current = withoutUndefined({ ...this.current, ...patch });
  }

  /** Writes what is recorded so far, if it differs from what was last written. */
  save(): Promise<void> {
    const text = JSON.stringify(this.current);
    if (text === this.saved) return this.chain;
    this.saved = text;
    const snapshot = JSON.parse(text) as T;
    this.chain = this.chain.then(() => this.state.set(this.profile, this.section, snapshot));
    return this.chain;
  }

  /** Runs one step of work that record()s, and saves once when it ends, whether it succeeded or not. */
  async step<R>(work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } finally {
      await this.save();
    }
  }

  /** Removes the section (after a destroy). */
  clear(): Promise<void> {
    this.saved = undefined;
    this.chain = this.chain.then(() => this.state.set(this.profile, this.section, undefined));
    return this.chain;
  }

  flush(): Promise<void> {
    return this.chain;
  }
}

function withoutUndefined<T extends object>(value: T): T {
  const out = { ...value } as Record<string, unknown>;
  for (const [key, entry] of Object.entries(out)) if (entry === undefined) delete out[key];
  return out as T;
}
