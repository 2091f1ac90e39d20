import { SecretStore } from './secrets/store.js';
import { keychainBackend } from './secrets/keychain.js';
import { loadProfiles, resolveProfileName, type ProfilesDocument } from './config/profiles.js';
import { ProjectState } from './config/state.js';
import { Ui } from './ui/ui.js';
import type { Streams } from './ui/streams.js';

export interface GlobalOptions {
  profile?: string;
  json: boolean;
  color: boolean;
  debug: boolean;
  yes: boolean;
  input: boolean;
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
