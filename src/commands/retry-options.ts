import type { Context } from '../context.js';

/** Options for the remote clients (`okta/connect.js`): --timeout, and each retry reported with --debug. */
export function retryOptions(ctx: Context) {
  return ctx.httpOptions();
}
