import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { saveProfiles, type Profile } from '../../config/profiles.js';
import { secretRefs } from '../../secrets/refs.js';
import { registerSecret } from '../../secrets/redact.js';
import { keyValues } from '../../ui/format.js';
import { prompts } from '../../ui/prompt.js';
import { readAll } from '../../ui/streams.js';

export const command = () =>
  new Command('login')
    .description("connect a profile to an Auth0 tenant with a management application's client credentials")
    .option('--domain <domain>', 'the tenant domain, such as acme.eu.auth0.com')
    .option('--client-id <id>', 'the client id of a machine-to-machine application authorized for the Management API')
    .option(
      '--client-secret-stdin',
      'read its client secret from stdin (else $OKTA_M2M_AUTH0_MANAGEMENT_SECRET, else a prompt)',
    )
    .option('--base-url <url>', 'a local emulator origin (http://127.0.0.1:port) in place of https://{domain}')
    .addHelpText(
      'after',
      `
The management application needs these Management API scopes:
  auth0 init / destroy: create/read/update/delete:clients, :resource_servers and :client_grants
  sync auth0-role:      read:users read:roles read:role_members

Examples:
  $ okta-m2m auth0 login --domain acme.eu.auth0.com --client-id abc123 --client-secret-stdin < secret.txt
  $ okta-m2m auth0 login --base-url http://127.0.0.1:8708 --client-id <id> --client-secret-stdin   (the emulator)
`,
    );

type LoginOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: LoginOptions): Promise<void> {
  const { normalizeBaseUrl, normalizeDomain, createAuth0Management } = await import('../../auth0/client.js');
  const { missingScopes } = await import('../../auth0/scopes.js');
  const name = await ctx.profileName();
  const baseUrl = options.baseUrl !== undefined ? normalizeBaseUrl(options.baseUrl) : undefined;
  let domainInput = options.domain;
  if (!domainInput && baseUrl) domainInput = new URL(baseUrl).host;
  if (!domainInput) {
    const { input } = await prompts(ctx.ui, 'The tenant domain (--domain)');
    domainInput = await input({ message: 'Auth0 tenant domain' }, { output: ctx.io.stderr, input: ctx.io.stdin });
  }
  const domain = normalizeDomain(domainInput);
  let clientId = options.clientId?.trim() ?? '';
  if (!clientId) {
    const { input } = await prompts(ctx.ui, "The management application's client id (--client-id)");
    clientId = (await input({ message: 'Client id' }, { output: ctx.io.stderr, input: ctx.io.stdin })).trim();
  }
  const secret = await readSecret(ctx, options);
  registerSecret(secret);

  ctx.ui.progress(`checking the management application ${clientId} against ${baseUrl ?? domain} ...`);
  const mgmt = await createAuth0Management(
    { domain, clientId, clientSecret: secret, ...(baseUrl ? { baseUrl } : {}) },
    ctx.httpOptions(),
  );
  const token = await mgmt.tokens.get();
  const missing = missingScopes(token.scopes);

  await ctx.secrets.set(secretRefs.auth0ManagementSecret(name), secret);
  const doc = await ctx.profiles();
  const auth0: NonNullable<Profile['auth0']> = { domain, clientId, ...(baseUrl ? { baseUrl } : {}) };
  const profiles = { ...doc.profiles, [name]: { ...(doc.profiles[name] ?? {}), auth0 } };
  await saveProfiles({ current: doc.profiles[doc.current] ? doc.current : name, profiles }, ctx.env);

  ctx.ui.success(`logged in: profile "${name}" uses the Auth0 tenant ${domain}`);
  for (const [job, scopes] of Object.entries(missing)) {
    ctx.ui.warn(`"${job}" will not work: the management application lacks ${scopes.join(', ')}.`);
  }
  if (Object.keys(missing).length) {
    ctx.ui.info(
      'Grant them in the Auth0 Dashboard: Applications > APIs > Auth0 Management API > Machine to Machine Applications.',
    );
  }
  const value = {
    profile: name,
    domain,
    ...(baseUrl ? { baseUrl } : {}),
    clientId,
    scopes: token.scopes,
    missingScopes: missing,
  };
  ctx.ui.result(value, (v) =>
    keyValues([
      ['profile', v.profile],
      ['domain', v.domain],
      ['base URL', baseUrl],
      ['client id', v.clientId],
      ['scopes', v.scopes.join(' ') || '(none)'],
      ...Object.entries(missing).map(([job, scopes]) => [`missing for ${job}`, scopes.join(' ')] as const),
    ]),
  );
}

async function readSecret(ctx: Context, options: LoginOptions): Promise<string> {
  if (options.clientSecretStdin) {
    if (ctx.io.stdin.isTTY) {
      throw new UsageError('--client-secret-stdin reads a pipe, but stdin is a terminal.', {
        hint: 'Pipe the secret in: okta-m2m auth0 login ... --client-secret-stdin < secret.txt',
      });
    }
    const secret = (await readAll(ctx.io.stdin, 64 * 1024)).trim();
    if (!secret) throw new UsageError('stdin held no client secret.', { hint: 'Pipe the secret in.' });
    return secret;
  }
  const fromEnv = ctx.env.OKTA_M2M_AUTH0_MANAGEMENT_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const { password } = await prompts(
    ctx.ui,
    'The client secret (--client-secret-stdin or $OKTA_M2M_AUTH0_MANAGEMENT_SECRET)',
  );
  return (
    await password({ message: 'Client secret', mask: '*' }, { output: ctx.io.stderr, input: ctx.io.stdin })
  ).trim();
}
