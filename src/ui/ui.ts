import { Chalk, type ChalkInstance } from 'chalk';
import { inspect } from 'node:util';
import { redact } from '../secrets/redact.js';
import { CliError, errorDocument } from '../errors.js';
import { neutralize } from './sanitize.js';
import type { Streams } from './streams.js';
import type { RetryEvent } from '../http/retry.js';
import { VISIBLE_WAIT_MS, retryDebugMessage, retryWaitMessage } from './progress.js';

interface UiOptions {
  json: boolean;
  color: boolean;
  debug: boolean;
  input: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * The only place that writes to the terminal. Results go to stdout (JSON with --json); progress, warnings and
 * errors go to stderr. Everything passes through `redact`, except `secretResult`, which prints exactly the value
 * the user asked for; everything, that included, passes through `neutralize` (no terminal escapes from data), and
 * before any styling of our own is added.
 */
export class Ui {
  readonly style: ChalkInstance;
  private readonly errStyle: ChalkInstance;

  constructor(
    readonly streams: Streams,
    readonly options: UiOptions,
  ) {
    const allowed = options.color && !('NO_COLOR' in options.env && options.env.NO_COLOR !== '');
    this.style = new Chalk({ level: allowed && streams.stdout.isTTY ? 1 : 0 });
    this.errStyle = new Chalk({ level: allowed && streams.stderr.isTTY ? 1 : 0 });
  }

  get json(): boolean {
    return this.options.json;
  }

  /** A person is there to answer prompts. */
  get interactive(): boolean {
    return this.options.input && Boolean(this.streams.stdin.isTTY) && Boolean(this.streams.stderr.isTTY);
  }

  get stdoutIsTTY(): boolean {
    return Boolean(this.streams.stdout.isTTY);
  }

  /** The command's result: JSON under --json, else the human rendering. */
  result<T>(value: T, human: (value: T) => string): void {
    const text = this.options.json ? JSON.stringify(value, null, 2) : human(value);
    this.out(text);
  }

  /** Plain text on stdout (a value for pipes), redacted. */
  out(text: string): void {
    this.streams.stdout.write(ensureNewline(clean(text)));
  }

  /** The one way to print a secret: only for the exact value the user asked for (a token, --show-secret). */
  secretResult(text: string): void {
    this.streams.stdout.write(ensureNewline(neutralize(text)));
  }

  info(message: string): void {
    this.err(clean(message));
  }

  progress(message: string): void {
    this.err(this.errStyle.dim(clean(message)));
  }

  /** A retry wait of the HTTP core: on stderr when it is long enough for a person to wonder, else with --debug. */
  retryWait(event: RetryEvent): void {
    if (event.delayMs > VISIBLE_WAIT_MS) this.progress(retryWaitMessage(event));
    else this.debug(retryDebugMessage(event));
  }

  success(message: string): void {
    this.err(`${this.errStyle.green('✓')} ${clean(message)}`);
  }

  warn(message: string): void {
    this.err(`${this.errStyle.yellow('warning:')} ${clean(message)}`);
  }

  debug(message: string): void {
    if (this.options.debug) this.err(this.errStyle.dim(`debug: ${clean(message)}`));
  }

  error(error: unknown): void {
    // With --json an error is one JSON object, for scripts: {"error": {code, message, hint, requestId, remoteCode}}.
    if (this.options.json) {
      this.err(clean(JSON.stringify(errorDocument(error))));
      return;
    }
    if (error instanceof CliError) {
      this.err(`${this.errStyle.red('error:')} ${clean(error.message)}`);
      if (error.hint) this.err(`${this.errStyle.dim('hint:')} ${clean(error.hint)}`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      this.err(`${this.errStyle.red('error:')} ${clean(message)}`);
      if (!this.options.debug) this.err(`${this.errStyle.dim('hint:')} run again with --debug for details.`);
    }
    if (this.options.debug) this.err(clean(describeForDebug(error)));
  }

  /** Text already made safe by `clean` (and styled after that). */
  private err(text: string): void {
    this.streams.stderr.write(ensureNewline(text));
  }
}

function describeForDebug(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 6; depth += 1) {
    if (current instanceof CliError && current.requestId) lines.push(`request id: ${current.requestId}`);
    const requestId =
      typeof current === 'object' && current !== null && 'requestId' in current ? current.requestId : undefined;
    if (!(current instanceof CliError) && typeof requestId === 'string') lines.push(`request id: ${requestId}`);
    lines.push(
      current instanceof Error
        ? (current.stack ?? `${current.name}: ${current.message}`)
        : typeof current === 'string'
          ? current
          : inspect(current),
    );
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) lines.push('caused by:');
  }
  return lines.join('\n');
}

/** Redacted first (a secret is matched as it was), then neutralized. */
function clean(text: string): string {
  return neutralize(redact(text));
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
