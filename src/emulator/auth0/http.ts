import { ReplyError, badRequest, type Reply } from './errors.js';

/** JSON or form-urlencoded body as a plain object; undefined when empty. */
export function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> | undefined {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ReplyError(badRequest('Invalid request payload JSON format', 'invalid_body'));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ReplyError(badRequest("Payload validation error: 'Expected type object'.", 'invalid_body'));
  }
  return value as Record<string, unknown>;
}

export const json = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });
