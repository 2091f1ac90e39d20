import { SecretStore } from './secrets/store.js';
import { keychainBackend } from './secrets/keychain.js';
import { loadProfiles, resolveProfileName, type ProfilesDocument } from './config/profiles.js';
import { ProjectState } from './config/state.js';
import { Ui } from './ui/ui.js';
import type { Streams } from './ui/streams.js';
import type { HttpOptions } from './http/client.js';

export interface GlobalOptions {
  profile?: string;
  json: boolean;
  color: boolean;
  debug: boolean;
  yes: boolean;
  input: boolean;
  /** --timeout, in milliseconds: the longest wait for each remote request. */
  timeoutMs?: number;
}

export interface Io extends Streams {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * Everything a command touches comes in through here (streams, environment, config, secrets), so a test can run
 * any command without a terminal or a keychain it did not choose.
 */
export class Context {
  readonly ui: Ui;
  readonly secrets: SecretStore;
  private profilesDoc: ProfilesDocument | undefined;
  private projectState: ProjectState | undefined;

  constructor(
    readonly io: Io,
    readonly globals: GlobalOptions,
    secrets?: SecretStore,
  ) {
    this.ui = new Ui(io, { ...globals, env: io.env });
    this.secrets = secrets ?? new SecretStore(keychainBackend(io.env.OKTA_M2M_KEYCHAIN_SERVICE), io.env);
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  /** What every remote call of this command shares: the time limit, and retries reported with --debug. */
  httpOptions(): HttpOptions {
    return {
      ...(this.globals.timeoutMs !== undefined ? { timeoutMs: this.globals.timeoutMs } : {}),
      onRetry: (event) =>
        this.ui.debug(
          `retry ${event.attempt} of ${event.method} ${event.path} after ${event.reason}${event.status ? ` (${event.status})` : ''}, waiting ${event.delayMs} ms`,
        ),
    };
  }

  async profiles(): Promise<ProfilesDocument> {
    this.profilesDoc ??= await loadProfiles(this.io.env);
    return this.profilesDoc;
  }

  async profileName(): Promise<string> {
    return resolveProfileName(await this.profiles(), this.globals.profile, this.io.env);
  }

  async state(): Promise<ProjectState> {
    this.projectState ??= await ProjectState.load(this.io.cwd);
    return this.projectState;
  }
}
