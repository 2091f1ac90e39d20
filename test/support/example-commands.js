// The example commands that `npm run demo`, the benchmarks and the tests all run, written once. Plain JavaScript,
// so that scripts/demo.js and bench/*.js (plain Node scripts) can import it as they are; its types are in
// example-commands.d.ts.

/** The orders API's name and audience, as `init` takes them. */
export const ORDERS_API = ['--name', 'orders-api', '--audience', 'api://orders'];

/** The orders API's scopes: read and write, read the default. */
export const ORDERS_SCOPES = ['--scope', 'orders:read', '--scope', 'orders:write', '--default-scope', 'orders:read'];

/** `okta-m2m hook serve token-hook --register` with the policy file policy.json, as the demo runs it. */
export const SERVE_TOKEN_HOOK = [
  'hook',
  'serve',
  'token-hook',
  '--register',
  '--policy-file',
  'policy.json',
  '--env',
  'REQUIRE_ASSERTION=false',
  '--out-dir',
  'build',
];

/** `okta-m2m scim-token encode` for a made-up org and client: the secret comes from OKTA_M2M_CLIENT_SECRET. */
export const SCIM_TOKEN_ENCODE = [
  'scim-token',
  'encode',
  '--token-url',
  'https://acme.okta.com/oauth2/aus1/v1/token',
  '--client-id',
  '0oa1',
];
