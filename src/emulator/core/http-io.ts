import type { IncomingMessage, ServerResponse } from 'node:http';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Okta's JSON documents, read and patched as JSON; validation.ts checks their shape
export type Json = Record<string, any>;

/** What a route handler returns (both dialects); the pipeline adds the common headers. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

/** Thrown while reading a body past the cap; each dialect renders it in its own error shape. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body larger than ${limitBytes} bytes`);
  }
}

/** The request body, at most maxBytes. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Writes a result: JSON bodies get `contentType` unless the result sets one, and a Content-Length. */
export function writeResult(res: ServerResponse, result: HandlerResult, contentType = 'application/json'): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.body === undefined || result.status === 204) {
    res.setHeader('Content-Length', '0');
    res.writeHead(result.status);
    res.end();
    return;
  }
  const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  res.writeHead(result.status);
  res.end(text);
}

export function json(status: number, body: unknown, headers?: Record<string, string | string[]>): HandlerResult {
  return headers ? { status, body, headers } : { status, body };
}

export function noContent(): HandlerResult {
  return { status: 204 };
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
