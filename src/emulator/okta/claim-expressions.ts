import type { Stored } from './state.js';

/**
 * The Okta Expression Language the emulator evaluates in custom claims of client credentials tokens (there is no
 * user): string, number and boolean literals and app.clientId. Anything else it refuses when the claim is made
 * rather than leaving it out of tokens unnoticed.
 */
export const SUPPORTED_CLAIM_EXPRESSIONS = 'string, number and boolean literals, and app.clientId';

type Evaluated = { ok: true; value: unknown } | { ok: false };

export function evaluateClaimExpression(expression: string, app: Stored | undefined): Evaluated {
  const trimmed = expression.trim();
  const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(trimmed) ?? /^'((?:[^'\\]|\\.)*)'$/.exec(trimmed);
  if (literal) return { ok: true, value: literal[1] };
  if (trimmed === 'app.clientId') return { ok: true, value: app?.credentials.oauthClient.client_id };
  if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: trimmed === 'true' };
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return { ok: true, value: Number(trimmed) };
  return { ok: false };
}
