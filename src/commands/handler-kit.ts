// The small helpers the command handlers share, in one module on purpose: the bundle (split at every dynamic
// import, one chunk per set of importers) then keeps them together in one chunk, loaded once at start-up (the
// eager scim-token handlers use them), instead of one tiny file per helper for each `*-run` chunk to load.
// Handlers import these from here, not from ../ui/* directly.
export { keyValues, relativeTime, table } from '../ui/format.js';
export { readAll } from '../ui/streams.js';
export { confirmOrYes, prompts } from '../ui/prompt.js';
export { resolveClientSecret } from './secret-input.js';
export { retryOptions } from './retry-options.js';
