import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { collectList, lazy } from './action.js';

// The handler (with the Okta SDK and the prompts) loads only when login runs.
const run = () => import('./login-run.js');

export function registerLogin(program: Command, action: ActionFactory): void {
  program
    .command('login')
    .description('connect a profile to an Okta org (API token, or OAuth with private_key_jwt)')
    .option('--org-url <url>', 'the Okta org, such as https://acme.okta.com')
    .option('--api-token-stdin', 'read an Okta API token (SSWS) from stdin (else $OKTA_M2M_API_TOKEN, else a prompt)')
    .option('--oauth', "authenticate as okta-m2m's own service app with private_key_jwt instead of an API token")
    .option('--client-id <id>', 'with --oauth: the client id of that service app')
    .option('--private-key-file <path>', 'with --oauth: its private key, PEM or JWK (else the one --generate-key stored)')
    .option('--key-id <kid>', 'with --oauth: the key id (kid) registered for that key')
    .option('--scopes <scopes>', 'with --oauth: the okta.* scopes to request (repeatable, or space separated)', collectList)
    .option('--generate-key', 'with --oauth: make a key pair, keep the private key in the keychain, print the public JWK and what to set up in Okta')
    .addHelpText(
      'after',
      `
Examples:
  $ okta-m2m login --org-url https://acme.okta.com --api-token-stdin < token.txt
  $ okta-m2m login --oauth --org-url https://acme.okta.com --generate-key
  $ okta-m2m login --oauth --org-url https://acme.okta.com --client-id 0oa1b2c3 --private-key-file key.pem
`,
    )
    .action(action(lazy(run, (m) => m.login)));
}
