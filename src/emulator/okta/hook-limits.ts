import { validationError } from './errors.js';
import type { EmulatorState } from './state.js';

/** createInlineHook: "The total number of inline hooks that you can create in an Okta org is limited to 50". */
const MAX_INLINE_HOOKS = 50;
/** TokenHookResponse (and every inline hook response): "The size of your response payload must be less than 256 KB." */
export const MAX_HOOK_RESPONSE_BYTES = 256 * 1024;

export function assertInlineHookCapacity(state: EmulatorState): void {
  if (state.inlineHooks.size >= MAX_INLINE_HOOKS) {
    throw validationError(
      'inlineHook',
      `inlineHook: The org already has ${MAX_INLINE_HOOKS} inline hooks, the most Okta allows; delete one first.`,
    );
  }
}
