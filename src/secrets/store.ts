import { registerSecret } from './redact.js';
import type { SecretRef } from './refs.js';
import { SecretStoreError } from '../errors.js';

/** The backend: the OS keychain in production. Tests may pass another implementation of this small interface. */
export interface SecretBackend {
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/**
 * Secrets by reference: the environment variable first (CI), then the keychain. Every secret read or written is
 * registered with the redactor, so it cannot reach output by accident afterwards.
 */
export class SecretStore {
  private readonly probes = new Map<string, Promise<void>>();
  /** Each entry is read from the keychain once a run: every read opens a Secret Service connection. */
  private readonly reads = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly backend: SecretBackend,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The secret, or undefined when neither the environment nor the keychain has it. */
  async get(ref: SecretRef): Promise<string | undefined> {
    const fromEnv = ref.envVar ? this.env[ref.envVar] : undefined;
    if (fromEnv) {
      registerSecret(fromEnv);
      return fromEnv;
    }
    const value = await (this.reads.get(ref.account) ?? this.read(ref));
    registerSecret(value);
    return value;
  }

  async require(ref: SecretRef, hint?: string): Promise<string> {
    const value = await this.get(ref);
    if (value === undefined) {
      throw new SecretStoreError(`${capitalize(ref.label)} is not in the keychain.`, {
        hint: hint ?? (ref.envVar ? `Run the command that stores it, or set ${ref.envVar}.` : undefined),
      });
    }
    return value;
  }

  async set(ref: SecretRef, value: string): Promise<void> {
    registerSecret(value);
    this.reads.delete(ref.account);
    await this.guard(ref, () => this.backend.set(ref.account, value));
    this.reads.set(ref.account, Promise.resolve(value));
  }

  async delete(ref: SecretRef): Promise<boolean> {
    this.reads.delete(ref.account);
    const deleted = await this.guard(ref, () => this.backend.delete(ref.account));
    this.reads.set(ref.account, Promise.resolve(undefined));
    return deleted;
  }

  private read(ref: SecretRef): Promise<string | undefined> {
    const read = this.guard(ref, () => this.backend.get(ref.account));
    this.reads.set(ref.account, read);
    // A failed read is tried again by the next caller.
    read.catch(() => {
      if (this.reads.get(ref.account) === read) this.reads.delete(ref.account);
    });
    return read;
  }

  /**
   * Whether the keychain itself can keep a new secret: writes and deletes a neutral entry (an environment variable
   * provides a secret that exists; it cannot keep a new one). Throws what the keychain threw.
   */
  probe(account: string): Promise<void> {
    // Once a run: a command may start the check early, while its reads are on the wire, and await it later.
    let probed = this.probes.get(account);
    if (!probed) {
      probed = (async () => {
        await this.backend.set(account, 'probe');
        await this.backend.delete(account);
      })();
      this.probes.set(account, probed);
    }
    return probed;
  }

  private async guard<T>(ref: SecretRef, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof SecretStoreError) throw error;
      throw new SecretStoreError(`The OS keychain cannot be reached to store or read ${ref.label}.`, {
        hint:
          ref.envVar && !this.env[ref.envVar]
            ? `Unlock or start the keychain (on Linux: a Secret Service such as gnome-keyring), or set ${ref.envVar} instead.`
            : 'Unlock or start the keychain (on Linux: a Secret Service such as gnome-keyring).',
        cause: error,
      });
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
