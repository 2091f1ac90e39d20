/**
 * Typed errors. Domain code throws these; only the CLI turns them into a message, a hint and an exit code.
 * Messages and hints are for a person and must never carry a secret.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface CliErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Okta's X-Okta-Request-Id (or the Auth0 equivalent), shown with --debug. */
  requestId?: string;
}

export class CliError extends Error {
  readonly hint: string | undefined;
  readonly requestId: string | undefined;
  readonly exitCode: number = ExitCode.failed;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.requestId = options.requestId;
  }
}

/** Bad flags, arguments or input files: exit 2. */
export class UsageError extends CliError {
  override readonly exitCode = ExitCode.usage;
}

/** Credentials missing, rejected, or lacking a permission. */
export class AuthError extends CliError {}

export class NotFoundError extends CliError {}

export class ConflictError extends CliError {}

/** A remote service answered with an error we cannot map to anything more specific. */
export class RemoteError extends CliError {
  readonly status: number | undefined;
  constructor(message: string, options: CliErrorOptions & { status?: number } = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/** The OS keychain cannot be reached; the hint names the environment variable to use instead. */
export class SecretStoreError extends CliError {}

export class InterruptedError extends CliError {
  override readonly exitCode = ExitCode.interrupted;
  constructor() {
    super('interrupted');
  }
}

export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : ExitCode.failed;
}
