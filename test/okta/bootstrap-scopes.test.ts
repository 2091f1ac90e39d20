// What the custom admin role holds for okta.* scopes (src/okta/bootstrap/scopes.ts): the permission and resource
// per scope, from Okta's permissions catalog and the roles guide's "Supported resources"; the inline hook
// permissions from the hooks best practices guide ("Hook admin roles", GA in release 2026.04.0).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  DEFAULT_BOOTSTRAP_SCOPES,
  customRoleFor,
  customRoleGap,
  rolePartsFor,
} from '../../src/okta/bootstrap/scopes.js';
import { validateOktaApiSpec } from '../../src/okta/okta-api/setup.js';

const ORG = 'https://acme.okta.com';

describe('the custom role for okta.* scopes', () => {
  it("holds okta.inlinehooks.manage for hook's scope, with no resource of its own", () => {
    expect(customRoleFor(DEFAULT_BOOTSTRAP_SCOPES, ORG)).toEqual({
      permissions: [
        'okta.apps.manage',
        'okta.authzServers.manage',
        'okta.groups.manage',
        'okta.inlinehooks.manage',
        'okta.users.manage',
      ],
      resources: [
        `${ORG}/api/v1/apps`,
        `${ORG}/api/v1/authorizationServers`,
        `${ORG}/api/v1/groups`,
        `${ORG}/api/v1/users`,
      ],
      uncovered: [],
    });
    expect(customRoleFor(['okta.inlineHooks.read', 'okta.apps.read'], ORG).permissions).toEqual([
      'okta.apps.read',
      'okta.inlinehooks.read',
    ]);
    expect(rolePartsFor(['okta.inlineHooks.manage', 'okta.authorizationServers.manage'])).toEqual({
      permissions: ['okta.inlinehooks.manage', 'okta.authzServers.manage'],
      resources: ['/api/v1/authorizationServers'],
    });
    expect(customRoleFor(['okta.logs.read'], ORG).uncovered).toEqual(['okta.logs.read']);
  });

  it('refuses inline hook scopes alone (no resource set to go with them), before any write', () => {
    expect(customRoleGap(DEFAULT_BOOTSTRAP_SCOPES)).toBeUndefined();
    expect(customRoleGap(['okta.logs.read'])).toBeUndefined();
    expect(customRoleGap(['okta.inlineHooks.manage'])).toMatch(/no resource set to go with/);
    expect(() => validateOktaApiSpec({ name: 'hooks', scopes: ['okta.inlineHooks.read'] }, '--okta-scope')).toThrow(
      UsageError,
    );
    expect(validateOktaApiSpec({ name: 'hooks', scopes: ['okta.inlineHooks.read'], role: 'super_admin' }, 'x')).toEqual(
      { kind: 'okta-api', name: 'hooks', scopes: ['okta.inlineHooks.read'], role: 'SUPER_ADMIN' },
    );
  });
});
