import { SecretStore } from './secrets/store.js';
import { keychainBackend } from './secrets/keychain.js';
import { loadProfiles, resolveProfileName, type ProfilesDocument } from './config/profiles.js';
import { ProjectState } from './config/state.js';
import { Ui } from './ui/ui.js';
import type { Streams } from './ui/streams.js';
// Types only: the clients (and their SDKs) load when a command first asks for one.
import type { Auth0Management } from './auth0/client.js';
import type { AwsClients } from './lambda/aws-clients.js';
import type { HttpOptions } from './http/client.js';
import type { OktaClient } from './okta/client.js';

export interface GlobalOptions {
  profile?: string;
  json: boolean;
  color: boolean;
  debug: boolean;
  yes: boolean;
  input: boolean;
  /** --timeout, in milliseconds (seconds on the command line): the longest wait for each remote request. */
  timeoutMs: number;
}

export interface Io extends Streams {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * How the context makes what reaches outside the process. Each has a real default; a test passes its own (a
 * keychain under a test service, the in-memory AWS fake) to run a command against things it chose.
 */
export interface Factories {
  secrets: (env: NodeJS.ProcessEnv) => SecretStore;
  /** `timeoutMs`: the global --timeout, per AWS request. */
  aws: (region: string | undefined, timeoutMs?: number) => Promise<AwsClients>;
}

const defaultFactories: Factories = {
  secrets: (env) => new SecretStore(keychainBackend(env.OKTA_M2M_KEYCHAIN_SERVICE), env),
  aws: async (region, timeoutMs) => (await import('./lambda/aws-clients.js')).createAwsClients(region, timeoutMs),
};

/**
 * Everything a command touches comes in through here (gh's Factory): the streams and environment, the UI, the
 * profiles and project state, the keychain, and, made on first use, the Okta, Auth0 and AWS clients. A test can run
 * any command in-process without a terminal, keychain or network it did not choose.
 */
export class Context {
  readonly ui: Ui;
  readonly secrets: SecretStore;
  private readonly factories: Factories;
  private profilesDoc: ProfilesDocument | undefined;
  private projectState: ProjectState | undefined;
  private oktaClient: Promise<OktaClient> | undefined;
  private auth0Client: Promise<Auth0Management> | undefined;

  constructor(
    readonly io: Io,
    readonly globals: GlobalOptions,
    factories: Partial<Factories> = {},
  ) {
    this.factories = { ...defaultFactories, ...factories };
    this.ui = new Ui(io, { ...globals, env: io.env });
    this.secrets = this.factories.secrets(io.env);
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

  /** Drops what was read of the profiles and the project state, so the next read sees what another run wrote. */
  forgetFiles(): void {
    this.profilesDoc = undefined;
    this.projectState = undefined;
  }

  /**
   * What every remote call of this command shares, whichever client makes it (Okta, Auth0, a token endpoint,
   * discovery): the --timeout limit per request, and each retry wait shown (on stderr when over 2 s, else with
   * --debug).
   */
  httpOptions(): Pick<HttpOptions, 'timeoutMs' | 'onRetry'> {
    return { timeoutMs: this.globals.timeoutMs, onRetry: (event) => this.ui.retryWait(event) };
  }

  /** The Okta management client of the profile, with httpOptions(). */
  okta(): Promise<OktaClient> {
    this.oktaClient ??= (async () => {
      const { connect } = await import('./okta/connect.js');
      return connect(await this.profiles(), await this.profileName(), this.secrets, this.httpOptions());
    })();
    return this.oktaClient;
  }

  /** The Auth0 Management API client of the profile, with httpOptions(). */
  auth0(): Promise<Auth0Management> {
    this.auth0Client ??= (async () => {
      const { connectAuth0 } = await import('./auth0/connect.js');
      return connectAuth0(await this.profiles(), await this.profileName(), this.secrets, this.httpOptions());
    })();
    return this.auth0Client;
  }

  /** AWS clients for a region (undefined: the SDK's own resolution). */
  aws(region: string | undefined): Promise<AwsClients> {
    return this.factories.aws(region, this.globals.timeoutMs);
  }
}
