import type { ProjectState, StateSection } from '../config/state.js';

/**
 * The one writer of a project state section during a reconcile: each change is written at once, one write at a
 * time, so an interrupted run leaves every id it made.
 */
export class StateSectionRecorder<T extends object> {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: ProjectState,
    private readonly profile: string,
    private readonly section: StateSection,
    public current: T,
  ) {}

  update(patch: Partial<T>): Promise<void> {
    const next = { ...this.current, ...patch } as Record<string, unknown>;
    for (const [key, value] of Object.entries(next)) if (value === undefined) delete next[key];
    this.current = next as T;
    const snapshot = JSON.parse(JSON.stringify(this.current)) as T;
    this.chain = this.chain.then(() => this.state.set(this.profile, this.section, snapshot));
    return this.chain;
  }

  /** Removes the section (after a destroy). */
  clear(): Promise<void> {
    this.chain = this.chain.then(() => this.state.set(this.profile, this.section, undefined));
    return this.chain;
  }

  flush(): Promise<void> {
    return this.chain;
  }
}
