import type { RetryEvent } from '../http/retry.js';

/** Waits longer than this are shown on stderr without --debug; shorter ones only with it. */
export const VISIBLE_WAIT_MS = 2000;

/** What the HTTP core is about to wait for, in words: "waiting 61 s for the rate limit on GET /api/v1/apps (retry 1)". */
export function retryWaitMessage(event: RetryEvent): string {
  const seconds = Math.max(1, Math.round(event.delayMs / 1000));
  const target = `${event.method} ${event.path}`;
  const status = event.status ? `, HTTP ${event.status}` : '';
  switch (event.reason) {
    case 'rate-limit':
      return `waiting ${seconds} s for the rate limit on ${target} to reset (retry ${event.attempt}${status})`;
    case 'server-error':
      return `waiting ${seconds} s before trying ${target} again after a server error (retry ${event.attempt}${status})`;
    case 'connection':
      return `waiting ${seconds} s before trying ${target} again after a dropped connection (retry ${event.attempt})`;
  }
}

/** The same wait for --debug, exact: "retry 1 of GET /api/v1/apps after connection, waiting 100 ms". */
export function retryDebugMessage(event: RetryEvent): string {
  return `retry ${event.attempt} of ${event.method} ${event.path} after ${event.reason}${event.status ? ` (${event.status})` : ''}, waiting ${event.delayMs} ms`;
}
