import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { collect, collectList, lazy } from './action.js';

// The handlers (with the oauth domain and jose) load only when a token command runs, so `--help` stays fast.
const run = () => import('./token-run.js');

const GET_HELP = `
Defaults come from what \`okta-m2m init\` (or \`auth0 init\`) recorded for the profile in .okta-m2m/state.json;
each flag overrides its field. The secret comes from --client-secret-stdin, else $OKTA_M2M_CLIENT_SECRET or the
keychain, else a prompt on a terminal; a private key from --private-key-file, else $OKTA_M2M_CLIENT_PRIVATE_KEY or
the keychain.

Output: on a terminal, a summary (the token itself with --raw); in a pipe or with --raw, the access token alone;
with --json, the token response. --curl prints the equivalent curl command instead of requesting a token (the
credential as a shell variable; nothing is read from the keychain).

Tokens are reused until a minute before they expire; the cache lives only in the OS keychain. --force gets a
new one (and caches it), --no-cache neither reads nor writes the cache.

The audience: Okta sets it on the authorization server, so none is sent; Auth0 gets "audience" in a JSON body;
--provider generic sends it as "resource" (RFC 8707) (add --param audience=... for servers that want that).

Examples:
  $ okta-m2m token get                                     what init made
  $ curl -H "Authorization: Bearer $(okta-m2m token get)" https://api.example.com/orders
  $ okta-m2m token get --issuer https://acme.okta.com/oauth2/aus1 --client-id 0oa1 \\
      --scope orders:read --client-secret-stdin < secret.txt
  $ okta-m2m token get --auth-method private_key_jwt --private-key-file key.pem --key-id k1
`;

export function registerToken(program: Command, action: ActionFactory): void {
  const group = program.command('token').description('get, decode and verify access tokens');

  group
    .command('get')
    .description('get an access token with the client credentials grant')
    .option('--issuer <url>', 'the authorization server (its token endpoint is found by discovery)')
    .option('--token-url <url>', 'the token endpoint (no discovery)')
    .option('--client-id <id>', 'the client to authenticate as')
    .option('--auth-method <method>', 'client_secret_basic, client_secret_post or private_key_jwt')
    .option('--client-secret-stdin', 'read the client secret from stdin')
    .option('--private-key-file <file>', 'private key for private_key_jwt: PEM (PKCS#8) or JWK JSON')
    .option('--key-id <kid>', 'the key id to put in the client assertion header')
    .option('--scope <scope>', 'scope to request (repeatable; commas or spaces also separate)', collectList)
    .option('--audience <audience>', 'the API the token is for (Auth0; "resource" for --provider generic)')
    .option('--provider <provider>', 'okta, auth0 or generic (default: from the state, else generic)')
    .option('--param <name=value>', 'an extra parameter for the token request (repeatable)', collect)
    .option('--allow-cross-origin', "accept a discovered token endpoint on another origin than the issuer's")
    .option('--raw', 'print only the access token, also on a terminal')
    .option('--curl', 'print the equivalent curl command instead of getting a token')
    .option('--no-cache', 'neither reuse nor store a cached token')
    .option('--force', 'get a new token even when a cached one is still good')
    .addHelpText('after', GET_HELP)
    .action(action(lazy(run, (m) => m.get)));

  group
    .command('decode')
    .description('show the header and claims of a JWT (no signature check: see "token verify")')
    .argument('[jwt]', 'the token, or "-" for stdin (the default when stdin is not a terminal)')
    .action(action(lazy(run, (m) => m.decode)));

  group
    .command('verify')
    .description("check a JWT's signature, issuer, audience, times and scopes; exit 1 with the reason when invalid")
    .argument('[jwt]', 'the token, or "-" for stdin (the default when stdin is not a terminal)')
    .option('--issuer <url>', 'the expected issuer (default: from the state); its keys come from discovery')
    .option('--audience <audience>', 'the expected audience (default: from the state)')
    .option('--scope <scope>', 'a scope the token must grant (repeatable)', collectList)
    .option('--clock-tolerance <seconds>', 'leeway for exp, nbf and iat', '30')
    .option('--allow-cross-origin', "accept the issuer's keys (jwks_uri) on another origin than the issuer's")
    .action(action(lazy(run, (m) => m.verify)));
}
