// The text init, status and destroy show for the Okta setup's objects and outputs.
import { keyValues } from '../ui/format.js';
import type { Plan } from '../okta/plan.js';
import type { SetupOutputs } from '../okta/outputs.js';

export function label(kind: string): string {
  return (
    { app: 'app', credential: '', authServer: 'authorization server', scope: 'scope', policy: 'access policy', rule: 'rule', grant: 'scope grant', customRole: 'custom admin role', resourceSet: 'resource set', roleAssignment: 'admin role assignment' } as Record<string, string>
  )[kind] ?? kind;
}

export function renderPlan(plan: Plan): string {
  const mark = { create: '+', update: '~', unchanged: '=', delete: '-' } as const;
  const lines = ['Plan:'];
  for (const item of plan.items) {
    const kind = label(item.kind);
    lines.push(`  ${mark[item.action]} ${item.action.padEnd(9)} ${kind ? `${kind} ` : ''}${item.name}${item.id ? ` (${item.id})` : ''}`);
    if (item.action !== 'unchanged') for (const change of item.changes) lines.push(`        ${change}`);
  }
  lines.push(plan.changed ? '' : '  (no changes)');
  return lines.join('\n').trimEnd();
}

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
