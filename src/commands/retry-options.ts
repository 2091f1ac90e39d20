import type { Context } from '../context.js';

/** Options for the Okta client (`okta/connect.js`): each retry is reported with --debug. */
export function retryOptions(ctx: Context) {
  return {
    retry: {
      onRetry: (event: { reason: string; method: string; path: string; attempt: number; delayMs: number; status?: number }) =>
        ctx.ui.debug(
          `retry ${event.attempt} of ${event.method} ${event.path} after ${event.reason}${event.status ? ` (${event.status})` : ''}, waiting ${event.delayMs} ms`,
        ),
    },
  };
}
