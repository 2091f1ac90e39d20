// Which claims a token hook may carry from an assertion into a new token: the one rule, shared by the token-hook
// template (at run time) and the CLI (refusing bad --carry-claim names at serve and deploy). Dependency-free: the
// Lambda bundles it.

/**
 * The file beside index.mjs in a zip that `hook build token-hook --carry-claim ...` made: {"CARRY_CLAIMS": "a,b"},
 * what the function carries when its environment sets no CARRY_CLAIMS.
 */
export const BUILT_DEFAULTS_FILE = 'okta-m2m-build.json';

/** Claims Okta will not let a hook patch (a patch on them fails the whole patch, act claim included). */
const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'act',
  'amr',
  'aud',
  'auth_time',
  'cid',
  'client_id',
  'exp',
  'iat',
  'idp',
  'iss',
  'jti',
  'nbf',
  'scp',
  'sub',
  'uid',
  'ver',
  'at_hash',
  'c_hash',
  'nonce',
  'token_type',
  'scope',
]);

const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Names that are properties of every object: a lookup would find an inherited value, not a claim. */
const OBJECT_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Why a claim cannot be carried, or undefined when it can. Reserved names compare case-insensitively (Sub, SCP). */
export function carryClaimProblem(name: string): string | undefined {
  if (!CLAIM_NAME.test(name)) return 'a claim name is 1 to 64 letters, digits, "_", ".", ":" or "-"';
  if (RESERVED_CLAIMS.has(name.toLowerCase())) return 'Okta reserves it (a patch on it fails the whole patch)';
  if (OBJECT_NAMES.has(name)) return 'it is a property of every JavaScript object, not a claim';
  return undefined;
}

/** The claim's own value in the payload (never an inherited property), or undefined. */
export function ownClaim(payload: object, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(payload, name) ? (payload as Record<string, unknown>)[name] : undefined;
}
