// The outputs init shows for the Okta setup (its plan: src/ui/plan.ts).
import { keyValues } from '../ui/format.js';
import type { SetupOutputs } from '../okta/setup/outputs.js';

export function renderOutputs(o: SetupOutputs): string {
  return keyValues([
    ['client id', o.clientId],
    ['auth method', o.authMethod],
    ['credential', o.credential],
    ['issuer', o.issuer],
    ['metadata', o.wellKnownUrl],
    ['token endpoint', o.tokenEndpoint],
    ['audience', o.audience],
    ['scopes', o.scopes.join(' ')],
    ['default scope', o.defaultScope],
    ['key id', o.keyId],
    ['get a token', o.tokenCommand],
  ]);
}
