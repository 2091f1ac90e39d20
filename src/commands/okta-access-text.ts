// How the Okta API access objects (login --oauth --bootstrap, init --okta-api) read in plans, status and destroy.
import { oktaLabel } from '../ui/plan.js';

const ACCESS_LABELS: Record<string, string> = {
  grant: 'scope grant',
  customRole: 'custom admin role',
  resourceSet: 'resource set',
  roleAssignment: 'admin role assignment',
};

export function accessLabel(kind: string): string {
  return ACCESS_LABELS[kind] ?? oktaLabel(kind);
}
