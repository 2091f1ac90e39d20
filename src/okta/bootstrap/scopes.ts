/**
 * Which okta.* scopes each okta-m2m command needs, and what a custom admin role must hold to allow them: the
 * permission (developer.okta.com permissions catalog) and the resource (roles guide, "Supported resources", as a
 * REST URL of the org) per scope. `login --help` prints both; the bootstrap builds the role from the second.
 */
export const COMMAND_SCOPES: ReadonlyArray<{ command: string; scopes: readonly string[] }> = [
  { command: 'init, status, destroy', scopes: ['okta.apps.manage', 'okta.authorizationServers.manage'] },
  {
    command: 'hook serve|deploy|remove token-hook',
    scopes: ['okta.inlineHooks.manage', 'okta.authorizationServers.manage'],
  },
  { command: 'sync auth0-role', scopes: ['okta.users.manage', 'okta.groups.manage'] },
];

/** What init, hook and sync use: the default of --scopes. */
export const DEFAULT_BOOTSTRAP_SCOPES = [...new Set(COMMAND_SCOPES.flatMap((c) => c.scopes))];

interface Coverage {
  permission: string;
  /** The collection the permission applies to, as a path of the org (none: the permission names its objects). */
  resource?: string;
}

const COVERAGE: Record<string, Coverage> = {
  'okta.apps.read': { permission: 'okta.apps.read', resource: '/api/v1/apps' },
  'okta.apps.manage': { permission: 'okta.apps.manage', resource: '/api/v1/apps' },
  'okta.authorizationServers.read': { permission: 'okta.authzServers.read', resource: '/api/v1/authorizationServers' },
  'okta.authorizationServers.manage': {
    permission: 'okta.authzServers.manage',
    resource: '/api/v1/authorizationServers',
  },
  'okta.users.read': { permission: 'okta.users.read', resource: '/api/v1/users' },
  'okta.users.manage': { permission: 'okta.users.manage', resource: '/api/v1/users' },
  'okta.groups.read': { permission: 'okta.groups.read', resource: '/api/v1/groups' },
  'okta.groups.manage': { permission: 'okta.groups.manage', resource: '/api/v1/groups' },
  // Hooks best practices guide, "Hook admin roles": custom roles may hold these (GA since 2026.04.0). No resource
  // set member names inline hooks; the set's other resources carry the role.
  'okta.inlineHooks.read': { permission: 'okta.inlinehooks.read' },
  'okta.inlineHooks.manage': { permission: 'okta.inlinehooks.manage' },
};

/** The permissions and resources of the least custom role for the scopes, and the scopes no custom role covers. */
export function customRoleFor(
  scopes: readonly string[],
  orgUrl: string,
): { permissions: string[]; resources: string[]; uncovered: string[] } {
  const permissions = new Set<string>();
  const resources = new Set<string>();
  const uncovered: string[] = [];
  for (const scope of scopes) {
    const coverage = COVERAGE[scope];
    if (!coverage) {
      uncovered.push(scope);
      continue;
    }
    permissions.add(coverage.permission);
    if (coverage.resource) resources.add(`${orgUrl}${coverage.resource}`);
  }
  return { permissions: [...permissions].sort(), resources: [...resources].sort(), uncovered };
}

/**
 * Why the custom role for these scopes can't be made, if it can't: a resource set needs at least one resource, and
 * the inline hook permissions name none (the caller refuses before any write).
 */
export function customRoleGap(scopes: readonly string[]): string | undefined {
  const { permissions, resources } = customRoleFor(scopes, '');
  if (permissions.length === 0 || resources.length > 0) return undefined;
  return `A custom admin role for ${scopes.join(' ')} alone has no resource set to go with: Okta documents no resource for the inline hook permissions.`;
}

/** One cheap read per kind of object the scopes reach (the bootstrap's check that the role allows them). */
export function readsFor(scopes: readonly string[]): Array<{ what: string; path: string }> {
  const reads: Array<{ what: string; path: string }> = [];
  const kinds: Array<[string, string, string]> = [
    ['okta.apps', 'list apps', '/api/v1/apps'],
    ['okta.authorizationServers', 'list authorization servers', '/api/v1/authorizationServers'],
    ['okta.inlineHooks', 'list inline hooks', '/api/v1/inlineHooks'],
    ['okta.users', 'list users', '/api/v1/users'],
    ['okta.groups', 'list groups', '/api/v1/groups'],
  ];
  for (const [prefix, what, path] of kinds)
    if (scopes.some((s) => s.startsWith(`${prefix}.`))) reads.push({ what, path });
  return reads;
}

/** What the custom role holds for a command's scopes, for `login --help`: its permissions and their resources. */
export function rolePartsFor(scopes: readonly string[]): { permissions: string[]; resources: string[] } {
  const covered = scopes.map((s) => COVERAGE[s]).filter((c): c is Coverage => c !== undefined);
  return {
    permissions: [...new Set(covered.map((c) => c.permission))],
    resources: [...new Set(covered.flatMap((c) => (c.resource ? [c.resource] : [])))],
  };
}

/** What a standard role allows, for the warning --role prints. */
export const STANDARD_ROLE_WARNINGS: Record<string, string> = {
  SUPER_ADMIN: 'full control of the org: every user, app, policy and admin role, including making other super admins',
  ORG_ADMIN: 'managing every user and group, and most org settings',
  APP_ADMIN: 'managing every app in the org',
  API_ACCESS_MANAGEMENT_ADMIN: 'managing every authorization server in the org',
};

export function bootstrapLabel(profile: string): string {
  return `okta-m2m (${profile})`;
}
