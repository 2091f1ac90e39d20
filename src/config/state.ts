import { stateFile } from './paths.js';
import { readJsonFile, writeJsonAtomic } from './files.js';
import { expectRecord } from './validate.js';

/**
 * Project state: the ids of the objects okta-m2m made, per profile and per section (`okta`, `auth0`, `hooks`, `scimBridge`),
 * kept in `.okta-m2m/state.json` beside the project. Never a secret. Each domain owns and validates its section.
 */
export type StateSection = 'okta' | 'auth0' | 'hooks' | 'sync' | 'scimBridge' | 'rotation';

export class ProjectState {
  private constructor(
    readonly file: string,
    private readonly doc: { version: 1; profiles: Record<string, Record<string, unknown>> },
  ) {}

  static async load(cwd: string): Promise<ProjectState> {
    const file = stateFile(cwd);
    const raw = await readJsonFile(file, 'project state');
    if (raw === undefined) return new ProjectState(file, { version: 1, profiles: {} });
    const doc = expectRecord(raw, 'the file', file);
    const profiles = expectRecord(doc.profiles ?? {}, '"profiles"', file);
    const checked: Record<string, Record<string, unknown>> = {};
    for (const [name, value] of Object.entries(profiles))
      checked[name] = expectRecord(value, `profile "${name}"`, file);
    return new ProjectState(file, { version: 1, profiles: checked });
  }

  get(profile: string, section: StateSection): unknown {
    return this.doc.profiles[profile]?.[section];
  }

  /** Sets (or with undefined, removes) a section and writes the file at once, atomically. */
  async set(profile: string, section: StateSection, value: unknown): Promise<void> {
    const sections = { ...(this.doc.profiles[profile] ?? {}) };
    if (value === undefined) delete sections[section];
    else sections[section] = value;
    if (Object.keys(sections).length === 0) delete this.doc.profiles[profile];
    else this.doc.profiles[profile] = sections;
    await writeJsonAtomic(this.file, this.doc);
  }
}
