import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MAX_HOOK_RESPONSE_BYTES } from './hook-limits.js';
import { isObject, type Json } from '../core/http-io.js';
import type { EmulatorState, Stored } from './state.js';

const HOOK_TIMEOUT_MS = 3000;

export type HookOutcome =
  | { kind: 'ok'; body: Json }
  | { kind: 'http-error'; status: number }
  | { kind: 'timeout' }
  | { kind: 'unreachable' }
  | { kind: 'malformed' }
  /** the answer reached 256 KB, more than Okta reads */
  | { kind: 'too-large' };

/** POSTs the payload to the hook's endpoint with its configured headers, waiting at most 3 seconds like Okta. */
export function callHook(
  state: EmulatorState,
  hook: Stored,
  payload: unknown,
  timeoutMs = HOOK_TIMEOUT_MS,
): Promise<HookOutcome> {
  const config = hook.channel?.config ?? {};
  const url = new URL(String(config.uri));
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
  };
  for (const header of (config.headers ?? []) as Json[]) headers[String(header.key)] = String(header.value);
  const authValue = state.inlineHookAuthValues.get(hook.id);
  if (config.authScheme?.key && authValue !== undefined) headers[String(config.authScheme.key)] = authValue;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: HookOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size < MAX_HOOK_RESPONSE_BYTES) return void chunks.push(c);
        finish({ kind: 'too-large' });
        req.destroy();
      });
      res.on('error', () => finish({ kind: 'unreachable' }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status !== 200 && status !== 204) return finish({ kind: 'http-error', status });
        const text = Buffer.concat(chunks).toString('utf8');
        if (status === 204 || text.trim() === '') return finish({ kind: 'ok', body: {} });
        try {
          const parsed: unknown = JSON.parse(text);
          finish(isObject(parsed) ? { kind: 'ok', body: parsed } : { kind: 'malformed' });
        } catch {
          finish({ kind: 'malformed' });
        }
      });
    });
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', () => finish({ kind: 'unreachable' }));
    req.end(body);
  });
}
