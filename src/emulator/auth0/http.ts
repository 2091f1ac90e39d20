import type { IncomingMessage, ServerResponse } from 'node:http';
import { ReplyError, badRequest, type Reply } from './errors.js';

const MAX_BODY = 16 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new ReplyError({ status: 413, body: { statusCode: 413, error: 'Payload Too Large', message: 'Request payload too large' } });
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

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
    throw new ReplyError(badRequest('Payload validation error: \'Expected type object\'.', 'invalid_body'));
  }
  return value as Record<string, unknown>;
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.body !== undefined && reply.status !== 204) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
    headers['content-length'] = String(Buffer.byteLength(payload));
  } else {
    headers['content-length'] = '0';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export const json = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });
