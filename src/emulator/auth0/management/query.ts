import { badRequest, ReplyError, type Reply } from '../errors.js';

const MAX_PER_PAGE = 100;

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ReplyError(
      badRequest(
        `Query validation error: 'Invalid value "${raw}" for ${name}; expected an integer from ${min} to ${max}' on property ${name}.`,
        'invalid_query_string',
      ),
    );
  }
  return n;
}

function boolParam(url: URL, name: string): boolean {
  return url.searchParams.get(name) === 'true';
}

/** Checkpoint cursors are opaque to clients; here they carry the offset of the next item. */
const encodeCursor = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');
function decodeCursor(from: string): number {
  const m = /^o:(\d+)$/.exec(Buffer.from(from, 'base64url').toString('utf8'));
  if (!m)
    throw new ReplyError(
      badRequest("Query validation error: 'from' is not a valid checkpoint", 'invalid_query_string'),
    );
  return Number(m[1]);
}

/**
 * One page of a list as Auth0 answers it:
 * - checkpoint (`from`/`take`, where the endpoint has it): `{[key]: items, next?}`;
 * - `include_totals=true`: `{[key]: items, start, limit, total}`;
 * - otherwise a bare array.
 * `items` may be a lazily mapped view: only the page's slice is materialised.
 */
export function pageOf<T>(
  url: URL,
  key: string,
  total: number,
  slice: (start: number, end: number) => T[],
  opts: { checkpoint?: boolean } = {},
): Reply {
  const q = url.searchParams;
  if (opts.checkpoint && (q.has('from') || q.has('take'))) {
    const take = intParam(url, 'take', 50, 1, MAX_PER_PAGE);
    const fromRaw = q.get('from');
    const start = fromRaw ? decodeCursor(fromRaw) : 0;
    const end = Math.min(start + take, total);
    const body: Record<string, unknown> = { [key]: start < total ? slice(start, end) : [] };
    if (end < total) body.next = encodeCursor(end);
    return { status: 200, body };
  }
  const perPage = intParam(url, 'per_page', 50, 0, MAX_PER_PAGE);
  const page = intParam(url, 'page', 0, 0, Number.MAX_SAFE_INTEGER);
  const start = Math.min(page * perPage, total);
  const end = Math.min(start + perPage, total);
  const items = slice(start, end);
  if (boolParam(url, 'include_totals')) {
    return { status: 200, body: { start: page * perPage, limit: perPage, length: items.length, total, [key]: items } };
  }
  return { status: 200, body: items };
}

/** `fields` / `include_fields` projection. */
export function project<T extends object>(url: URL, obj: T): Partial<T> {
  const fields = url.searchParams.get('fields');
  if (!fields) return obj;
  const names = new Set(
    fields
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
  );
  const include = url.searchParams.get('include_fields') !== 'false';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (names.has(k) === include) out[k] = v;
  return out as Partial<T>;
}

export function requireObject(body: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!body) throw new ReplyError(badRequest("Payload validation error: 'Expected type object but found type null'."));
  return body;
}

export function optString(
  body: Record<string, unknown>,
  name: string,
  opts: { required?: boolean } = {},
): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (opts.required)
      throw new ReplyError(badRequest(`Payload validation error: 'Missing required property: ${name}'.`));
    return undefined;
  }
  if (typeof v !== 'string') {
    throw new ReplyError(
      badRequest(`Payload validation error: 'Expected type string but found type ${typeof v}' on property ${name}.`),
    );
  }
  return v;
}

export function optStringArray(body: Record<string, unknown>, name: string): string[] | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ReplyError(badRequest(`Payload validation error: 'Expected type array of strings' on property ${name}.`));
  }
  return v as string[];
}

export function rejectUnknown(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw new ReplyError(
      badRequest(`Payload validation error: 'Additional properties not allowed: ${extra.join(',')}'.`),
    );
  }
}
