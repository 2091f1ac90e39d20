/**
 * Typed errors. Domain code throws these; only the CLI turns them into a message, a hint and an exit code.
 * Messages and hints are for a person and must never carry a secret.
 *
 * Every error has a stable `code` (jose-style: one per class, a few refined where the kind says more), for scripts
 * that read `--json` errors; docs/ci.md lists them. The remote's own code (Okta's errorCode, Auth0's errorCode, the
 * AWS error name) travels along as `remoteCode`.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, drift: 3, noToken: 4, interrupted: 130 } as const;

/** A command that finished and printed its result, but exits with a code that says something (status --exit-code). */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit code ${code}`);
    this.name = 'ExitWith';
  }
}

export const ERROR_CODES = [
  'ERR_USAGE',
  'ERR_AUTH',
  'ERR_NOT_FOUND',
  'ERR_CONFLICT',
  'ERR_REMOTE',
  'ERR_RATE_LIMITED',
  'ERR_KEYCHAIN',
  'ERR_INTERRUPTED',
  'ERR_TOKEN_INVALID',
  'ERR_PARTIAL',
  'ERR_FAILED',
  'ERR_INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface CliErrorOptions {
  hint?: string | undefined;
  cause?: unknown;
  /** Okta's X-Okta-Request-Id (or the Auth0 equivalent), shown with --debug. */
  requestId?: string | undefined;
  /** A more precise code than the class's own (from the same closed list). */
  code?: ErrorCode;
  /** The remote's own error code: Okta's errorCode (E0000011), Auth0's errorCode, the AWS error name. */
  remoteCode?: string | undefined;
}

export class CliError extends Error {
  static readonly code: ErrorCode = 'ERR_FAILED';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly requestId: string | undefined;
  readonly remoteCode: string | undefined;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? new.target.code;
    this.hint = options.hint;
    this.requestId = options.requestId;
    this.remoteCode = options.remoteCode ?? remoteCodeOf(options.cause);
  }

  /** Follows from the code, so a usage code is exit 2 whichever class carries it. */
  get exitCode(): number {
    return this.code === 'ERR_USAGE'
      ? ExitCode.usage
      : this.code === 'ERR_INTERRUPTED'
        ? ExitCode.interrupted
        : ExitCode.failed;
  }
}

/** Bad flags, arguments or input files: exit 2. */
export class UsageError extends CliError {
  static override readonly code: ErrorCode = 'ERR_USAGE';
}

/** Credentials missing, rejected, or lacking a permission. */
export class AuthError extends CliError {
  static override readonly code: ErrorCode = 'ERR_AUTH';
}

export class NotFoundError extends CliError {
  static override readonly code: ErrorCode = 'ERR_NOT_FOUND';
}

export class ConflictError extends CliError {
  static override readonly code: ErrorCode = 'ERR_CONFLICT';
}

/** A remote service answered with an error we cannot map to anything more specific. */
export class RemoteError extends CliError {
  static override readonly code: ErrorCode = 'ERR_REMOTE';
  readonly status: number | undefined;
  constructor(message: string, options: CliErrorOptions & { status?: number | undefined } = {}) {
    super(
      message,
      options.code === undefined && options.status === 429 ? { ...options, code: 'ERR_RATE_LIMITED' } : options,
    );
    this.status = options.status;
  }
}

/** The OS keychain cannot be reached; the hint names the environment variable to use instead. */
export class SecretStoreError extends CliError {
  static override readonly code: ErrorCode = 'ERR_KEYCHAIN';
}

/** Ctrl-C (at a prompt, or while waiting): exit 130, "interrupted", no stack. */
export class InterruptedError extends CliError {
  static override readonly code: ErrorCode = 'ERR_INTERRUPTED';
  constructor(options: { cause?: unknown } = {}) {
    super('interrupted', options);
  }
}

export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : ExitCode.failed;
}

function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof CliError ? error.code : 'ERR_INTERNAL';
}

/** What `--json` prints on stderr for an error: one object, the same keys every time. */
interface ErrorDocument {
  error: { code: ErrorCode; message: string; hint: string | null; requestId: string | null; remoteCode: string | null };
}

export function errorDocument(error: unknown): ErrorDocument {
  const cli = error instanceof CliError ? error : undefined;
  return {
    error: {
      code: errorCodeOf(error),
      message: error instanceof Error ? error.message : String(error),
      hint: cli?.hint ?? (cli ? null : 'run again with --debug for details.'),
      requestId: cli?.requestId ?? requestIdOf(error) ?? null,
      remoteCode: cli?.remoteCode ?? remoteCodeOf(error) ?? null,
    },
  };
}

/**
 * The remote's code, looked for along the cause chain: `errorCode` (the Okta SDK's OktaApiError, an Okta or Auth0
 * error body), `body.errorCode`, or the name of an AWS SDK error (those carry `$metadata`).
 */
export function remoteCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    if (current instanceof CliError && current.remoteCode) return current.remoteCode;
    const record = current as {
      errorCode?: unknown;
      body?: unknown;
      $metadata?: unknown;
      name?: unknown;
      cause?: unknown;
    };
    if (typeof record.errorCode === 'string' && record.errorCode) return record.errorCode;
    const body = record.body as { errorCode?: unknown } | undefined;
    if (body && typeof body === 'object' && typeof body.errorCode === 'string' && body.errorCode) return body.errorCode;
    if (record.$metadata !== undefined && typeof record.name === 'string') return record.name;
    current = record.cause;
  }
  return undefined;
}

function requestIdOf(error: unknown): string | undefined {
  const requestId = (error as { requestId?: unknown } | null)?.requestId;
  return typeof requestId === 'string' ? requestId : undefined;
}
