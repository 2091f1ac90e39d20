// Tiny, pure helpers shared by the Lambda templates. Node builtins only; no AWS SDK, nothing from src/.
// Every accessor is defensive: a function URL can be called with anything, and a handler must always answer.

/** The structured result a function URL turns into an HTTP response. */
export interface FunctionUrlResult {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** The part of the Lambda context object the templates use (both fields optional: tests call handlers bare). */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Case-insensitive header lookup; function URLs lowercase names, hand-made events may not. */
export function header(event: unknown, name: string): string | undefined {
  if (!isRecord(event) || !isRecord(event.headers)) return undefined;
  const headers = event.headers;
  const lower = name.toLowerCase();
  const direct = headers[lower];
  if (typeof direct === 'string') return direct;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower && typeof v === 'string') return v;
  }
  return undefined;
}

export function httpMethod(event: unknown): string {
  if (!isRecord(event) || !isRecord(event.requestContext)) return 'GET';
  const http = event.requestContext.http;
  const m = isRecord(http) ? http.method : undefined;
  return typeof m === 'string' && /^[A-Za-z]{1,16}$/.test(m) ? m.toUpperCase() : 'GET';
}

export function requestIdOf(event: unknown, context: unknown, fallback: () => string): string {
  const clean = (v: unknown) => (typeof v === 'string' && /^[\w.:-]{1,128}$/.test(v) ? v : undefined);
  const fromEvent =
    isRecord(event) && isRecord(event.requestContext) ? clean(event.requestContext.requestId) : undefined;
  const fromContext = isRecord(context) ? clean(context.awsRequestId) : undefined;
  return fromEvent ?? fromContext ?? fallback();
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'bad-encoding' };

/** The request body as bytes, refusing anything larger than `max` bytes (checked before and after decoding). */
export function eventBody(event: unknown, max: number): BodyResult {
  if (!isRecord(event)) return { ok: true, body: Buffer.alloc(0) };
  const raw = event.body;
  if (raw === undefined || raw === null) return { ok: true, body: Buffer.alloc(0) };
  if (typeof raw !== 'string') return { ok: false, reason: 'bad-encoding' };
  if (event.isBase64Encoded === true) {
    // 4 base64 characters carry 3 bytes: refuse early without decoding something huge.
    if (Math.floor((raw.length * 3) / 4) > max + 3) return { ok: false, reason: 'too-large' };
    const compact = raw.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return { ok: false, reason: 'bad-encoding' };
    const body = Buffer.from(compact, 'base64');
    return body.length > max ? { ok: false, reason: 'too-large' } : { ok: true, body };
  }
  if (raw.length > max) return { ok: false, reason: 'too-large' };
  const body = Buffer.from(raw, 'utf8');
  return body.length > max ? { ok: false, reason: 'too-large' } : { ok: true, body };
}

/** Positive integer from an environment variable, or the default. */
export function envInt(value: string | undefined, dflt: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value.trim() === '') return dflt;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? Math.floor(n) : dflt;
}

export function envFlag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** One JSON line per call on stdout (CloudWatch). Callers pass only non-secret fields. */
export function logLine(fields: Record<string, unknown>): void {
  try {
    console.log(JSON.stringify({ time: new Date().toISOString(), ...fields }));
  } catch {
    // Logging must never break a request.
  }
}

export { isLoopbackHost } from '../../src/scim/bridge-token.js';

/** `Bearer <token>` -> token; undefined when the header is missing or uses another scheme. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
}

export { isTextual } from '../../src/lambda/text-content.js';
