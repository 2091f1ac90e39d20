import type { IncomingMessage, ServerResponse } from 'node:http';
import { OktaError } from './errors.js';

export type Json = Record<string, any>;

/** What a route handler returns; the server adds the common headers. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new OktaError(413, 'E0000001', 'Api validation failed: request', ['request: The request body is too large']);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function writeResult(res: ServerResponse, result: HandlerResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.body === undefined) {
    res.writeHead(result.status);
    res.end();
    return;
  }
  const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'application/json');
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
