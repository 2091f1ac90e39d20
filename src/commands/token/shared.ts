// What the token verbs share: reading a token argument, and showing a JWT's fields safely.
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import type { DecodedJwt } from '../../oauth/jwt.js';
import { keyValues, relativeTime } from '../../ui/format.js';
import { readAll } from '../../ui/streams.js';

/** The token argument, or stdin for "-" (and by default when stdin is not a terminal). */
export async function tokenInput(ctx: Context, argument: string | undefined): Promise<string> {
  if (argument !== undefined && argument !== '-') return argument;
  if (argument === undefined && ctx.io.stdin.isTTY) {
    throw new UsageError('No token given.', { hint: 'Pass it as an argument, or "-" and pipe it to stdin.' });
  }
  return readAll(ctx.io.stdin).catch(() => {
    throw new UsageError('The token on stdin is too large.', { hint: 'An access token is a few kilobytes at most.' });
  });
}

export function renderDecoded(decoded: DecodedJwt): string {
  const now = Date.now();
  return ['Header', renderFields(decoded.header, now), '', 'Claims', renderFields(decoded.claims, now)].join('\n');
}

/** Claims that hold a time (seconds since the epoch). */
const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp', 'auth_time']);

export function renderFields(record: Record<string, unknown>, nowMs: number): string {
  return keyValues(
    Object.entries(record).map(([name, value]) => [printable(name), renderValue(name, value, nowMs)] as const),
  );
}

function renderValue(name: string, value: unknown, nowMs: number): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
    const date = new Date(value * 1000);
    if (!Number.isNaN(date.getTime())) {
      const relative = relativeTime(value, nowMs);
      const phrase =
        name === 'exp' ? (value * 1000 >= nowMs ? `expires ${relative}` : `expired ${relative}`) : relative;
      return `${date.toISOString()} (${phrase})`;
    }
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return printable(value.join(' '));
  return printable(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
}

/** Claims come from anyone: control characters (terminal escapes) are shown escaped, never sent to the terminal. */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- escapes control characters in claims before they reach a terminal
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function parsed<T>(value: string | undefined, parse: (text: string) => T): T | undefined {
  const text = optionalString(value);
  return text === undefined ? undefined : parse(text);
}

export function optionalString(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
