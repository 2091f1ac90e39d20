import { createHash } from 'node:crypto';
import { json } from '../core/http-io.js';
import type { Route } from './context.js';
import type { EmulatorState } from './state.js';

/**
 * getWellknownOrgMetadata: the unauthenticated `/.well-known/okta-organization` document (id, pipeline, _links),
 * as an Identity Engine org without a custom domain serves it; what a client reads to know it talks to Okta.
 */
export const orgMetadataRoutes: Route[] = [
  {
    method: 'GET',
    path: '/.well-known/okta-organization',
    handler: (ctx) =>
      json(200, { id: orgId(ctx.state), pipeline: 'idx', _links: { organization: { href: ctx.orgUrl } } }),
  },
];

/**
 * The org's id (`00o...`), as `/.well-known/okta-organization` and ORNs show it. Derived from the org's signing
 * key so it stays the same across restarts with a state file.
 */
export function orgId(state: EmulatorState): string {
  const digest = createHash('sha256').update(state.orgKey.kid).digest('base64url').replace(/[-_]/g, '');
  return '00o' + digest.slice(0, 17);
}
