// The names `hook` accepts, in a module of their own: the CLI's option parsers need them at start-up, before (and
// without) the rest of the hooks domain.
export const TEMPLATE_NAMES = ['scim-bridge', 'token-hook'] as const;
export type DeployTemplate = (typeof TEMPLATE_NAMES)[number];

export const RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export const ARCHITECTURES = ['arm64', 'x86_64'] as const;
export type ArchitectureName = (typeof ARCHITECTURES)[number];

/** Where `hook deploy scim-bridge` keeps the private half of the bridge key. */
export const BRIDGE_KEY_STORES = ['environment', 'secrets-manager'] as const;
export type BridgeKeyStore = (typeof BRIDGE_KEY_STORES)[number];
