import { OAuthError } from './errors.js';
import type { Stored } from './state.js';

/**
 * The value of a custom claim's Okta Expression Language expression in a client credentials token. The emulator
 * evaluates string, number and boolean literals and `app.clientId`; for anything else (functions, `user.*`,
 * `app.profile.*`, operators) it fails the token request with an error that says so, instead of leaving the claim
 * out of the token as if Okta had evaluated it to nothing.
 */
export function claimValue(claimName: string, expression: string, app: Stored): unknown {
  const trimmed = expression.trim();
  const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(trimmed) ?? /^'((?:[^'\\]|\\.)*)'$/.exec(trimmed);
  if (literal) return literal[1];
  if (trimmed === 'app.clientId') return app.credentials.oauthClient.client_id;
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  throw new OAuthError(
    400,
    'invalid_request',
    `The emulator can't evaluate the expression of custom claim '${claimName}' (${JSON.stringify(trimmed)}); it evaluates string, number and boolean literals and app.clientId. Okta would evaluate it: change the claim, or test it against an Okta org.`,
  );
}
