import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { keyCreatedAtFor, type Profile } from '../config/profiles.js';
import { secretRefs } from '../secrets/refs.js';
import { registerSecret } from '../secrets/redact.js';
import { keyValues } from '../ui/format.js';
import { prompts } from '../ui/prompt.js';
import { examples } from './define.js';
import { collectList } from './options.js';
import { promptApiToken, readApiToken, saveProfile } from './login-input.js';
import { COMMAND_SCOPES, rolePartsFor } from '../okta/bootstrap/scopes.js';
import { TOP_LEVEL_SUMMARIES } from './summaries.js';

export const command = () =>
  new Command('login')
    .description(TOP_LEVEL_SUMMARIES.login.description)
    .option('--org-url <url>', 'the Okta org, such as https://acme.okta.com')
    .option('--api-token-stdin', 'read an Okta API token (SSWS) from stdin (else $OKTA_M2M_API_TOKEN, else a prompt)')
    .option('--oauth', "authenticate as okta-m2m's own service app with private_key_jwt instead of an API token")
    .option('--client-id <id>', 'with --oauth: the client id of that service app')
    .option(
      '--private-key-file <path>',
      'with --oauth: its private key, PEM or JWK (else the one --generate-key stored)',
    )
    .option('--key-id <kid>', 'with --oauth: the key id (kid) registered for that key')
    .option(
      '--scopes <scopes>',
      'with --oauth: the okta.* scopes to request (repeatable, or space separated)',
      collectList,
    )
    .option(
      '--dpop',
      "with --oauth: the service app requires DPoP (Okta's default for new API Services apps): every management request carries a DPoP proof",
    )
    .option(
      '--generate-key',
      'with --oauth: make a key pair, keep the private key in the keychain, print the public JWK and what to set up in Okta',
    )
    .option(
      '--bootstrap',
      "with --oauth: make okta-m2m's own service app with an admin API token used once (--api-token-stdin, $OKTA_M2M_API_TOKEN, or the profile's), then switch the profile to it",
    )
    .option(
      '--role <role>',
      "with --bootstrap: assign this standard admin role (such as SUPER_ADMIN) instead of a custom role with just the scopes' permissions",
    )
    .option('--no-dpop', 'with --bootstrap: do not require DPoP-bound tokens for the app (default: required)')
    .option(
      '--revoke-api-token',
      'with --bootstrap: revoke the API token afterwards (DELETE /api/v1/api-tokens/current)',
    )
    .addHelpText('after', () => scopesHelp())
    .addHelpText(
      'after',
      examples(
        'okta-m2m login --org-url https://acme.okta.com --api-token-stdin < token.txt',
        'okta-m2m login --oauth --bootstrap --revoke-api-token --yes     from an API token profile: no console steps',
        'okta-m2m login --oauth --org-url https://acme.okta.com --generate-key',
        'okta-m2m login --oauth --org-url https://acme.okta.com --client-id 0oa1b2c3 --private-key-file key.pem',
      ),
    );

export type LoginOptions = ReturnType<ReturnType<typeof command>['opts']>;

/**
 * Which command needs which okta.* scope, and which custom admin role permissions (over which resources) --bootstrap
 * gives the app for them.
 */
function scopesHelp(): string {
  const width = Math.max(...COMMAND_SCOPES.map((c) => c.command.length));
  const pad = ' '.repeat(width + 4);
  const rows = COMMAND_SCOPES.map((c) => {
    const role = rolePartsFor(c.scopes);
    const over = role.resources.length ? ` over ${role.resources.join(' ')}` : '';
    return `  ${c.command.padEnd(width)}  ${c.scopes.join(' ')}\n${pad}role: ${role.permissions.join(' ')}${over}`;
  });
  return [
    '',
    'okta.* scopes by command (--scopes; --bootstrap grants these by default), and the permissions of the custom',
    'admin role --bootstrap makes for them (over a resource set of the collections named):',
    ...rows,
    'Inline hooks: okta.inlinehooks.manage is a custom role permission since Okta 2026.04.0; among the standard',
    'roles (--role) only SUPER_ADMIN manages inline hooks.',
  ].join('\n');
}

export async function run(ctx: Context, options: LoginOptions): Promise<void> {
  const { normalizeOrgUrl } = await import('../okta/client.js');
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const existing = doc.profiles[name];
  const orgUrl = normalizeOrgUrl(
    options.bootstrap && !options.orgUrl && existing?.orgUrl ? existing.orgUrl : await orgUrlOf(ctx, options, existing),
  );
  if (options.bootstrap) {
    const { bootstrapLogin } = await import('./login-bootstrap.js');
    return bootstrapLogin(ctx, options, name, orgUrl);
  }
  const oauth = Boolean(options.oauth || options.generateKey || options.clientId || options.privateKeyFile);
  if (oauth && options.apiTokenStdin) {
    throw new UsageError('--api-token-stdin and --oauth are two different ways to log in.', { hint: 'Choose one.' });
  }
  for (const [flag, set] of [
    ['--role', options.role !== undefined],
    ['--revoke-api-token', options.revokeApiToken],
    ['--no-dpop', options.dpop === false],
  ] as const) {
    if (set)
      throw new UsageError(`${flag} goes with --oauth --bootstrap.`, {
        hint: 'Add --oauth --bootstrap, or leave it out.',
      });
  }
  if (oauth && options.generateKey) return generateKey(ctx, options, name, orgUrl);
  await checkOktaOrg(ctx, orgUrl);
  if (oauth) return loginOAuth(ctx, options, name, orgUrl);
  return loginToken(ctx, options, name, orgUrl);
}

/** Before any credential leaves: is orgUrl an Okta org at all? */
async function checkOktaOrg(ctx: Context, orgUrl: string): Promise<void> {
  const { verifyOktaOrg } = await import('../okta/org-check.js');
  ctx.ui.progress(`checking that ${orgUrl} is an Okta org ...`);
  await verifyOktaOrg(orgUrl, ctx.httpOptions());
}

async function orgUrlOf(ctx: Context, options: LoginOptions, existing: Profile | undefined): Promise<string> {
  if (options.orgUrl !== undefined) return options.orgUrl;
  if (ctx.env.OKTA_M2M_ORG_URL) return ctx.env.OKTA_M2M_ORG_URL;
  const { input } = await prompts(ctx.ui, 'The org URL (--org-url)');
  return input(
    {
      message: 'Okta org URL',
      ...(existing?.orgUrl ? { default: existing.orgUrl } : {}),
      validate: (value: string) => /^https?:\/\/\S+$/.test(value.trim()) || 'Give a URL such as https://acme.okta.com',
    },
    { output: ctx.io.stderr, input: ctx.io.stdin },
  );
}

async function loginToken(ctx: Context, options: LoginOptions, name: string, orgUrl: string): Promise<void> {
  const given = await readApiToken(ctx, options);
  const token = given?.token ?? (await promptApiToken(ctx));
  const fromEnv = given?.fromEnv ?? false;
  registerSecret(token);
  ctx.ui.warn(
    'an API token acts as the admin who made it, with all of their rights, and Okta revokes it after 30 days unused. ' +
      'For lasting automation, prefer "okta-m2m login --oauth" with a service app.',
  );
  const { verifyCredentials } = await import('../okta/connect.js');
  ctx.ui.progress(`checking the token against ${orgUrl} ...`);
  await verifyCredentials({ orgUrl, mode: 'ssws', token }, ctx.httpOptions());
  // A token from the environment stays there (CI has no keychain): every command reads it from there.
  if (fromEnv) ctx.ui.info('the API token is not stored: okta-m2m reads it from OKTA_M2M_API_TOKEN each time.');
  else await ctx.secrets.set(secretRefs.oktaApiToken(name), token);
  await saveProfile(ctx, name, { orgUrl, authMode: 'ssws' });
  report(ctx, name, { orgUrl, authMode: 'ssws' }, fromEnv ? 'OKTA_M2M_API_TOKEN' : undefined);
}

async function loginOAuth(ctx: Context, options: LoginOptions, name: string, orgUrl: string): Promise<void> {
  const { MANAGEMENT_SCOPES, toPkcs8, verifyCredentials } = await import('../okta/connect.js');
  let clientId = options.clientId?.trim();
  if (!clientId) {
    const { input } = await prompts(ctx.ui, "The service app's client id (--client-id)");
    clientId = (
      await input({ message: "Client id of okta-m2m's service app" }, { output: ctx.io.stderr, input: ctx.io.stdin })
    ).trim();
  }
  const existing = (await ctx.profiles()).profiles[name];
  let keyId = options.keyId;
  let privateKey: string;
  const fromEnv = options.privateKeyFile === undefined && Boolean(ctx.env.OKTA_M2M_PRIVATE_KEY);
  if (options.privateKeyFile !== undefined) {
    const path = resolve(ctx.io.cwd, options.privateKeyFile);
    const text = await (await import('../config/files.js')).readInputFile(path, 'the private key file');
    registerSecret(text.trim());
    if (!keyId && text.trim().startsWith('{')) {
      try {
        const kid = (JSON.parse(text) as { kid?: unknown }).kid;
        if (typeof kid === 'string') keyId = kid;
      } catch {
        // toPkcs8 reports an unreadable key.
      }
    }
    privateKey = await toPkcs8(text);
  } else {
    const stored = await ctx.secrets.get(secretRefs.oktaPrivateKey(name));
    if (!stored) {
      throw new UsageError('No private key for the service app.', {
        hint: 'Pass --private-key-file <pem|jwk>, or run "okta-m2m login --oauth --generate-key" first.',
      });
    }
    privateKey = await toPkcs8(stored);
    keyId ??= existing?.keyId;
  }
  registerSecret(privateKey);
  const scopes = options.scopes?.length
    ? options.scopes
    : existing?.scopes?.length && existing.clientId === clientId
      ? existing.scopes
      : MANAGEMENT_SCOPES;
  // A DPoP-bound login stays so when logging in again as the same app without the flag.
  const dpop = Boolean(options.dpop) || (existing?.dpop === true && existing.clientId === clientId);
  const dpopProver = dpop
    ? await (await import('../okta/connect.js')).managementDpopProver(ctx.secrets, name, clientId)
    : undefined;
  ctx.ui.progress(`checking the service app ${clientId} against ${orgUrl}${dpop ? ' (DPoP)' : ''} ...`);
  const verified = await verifyCredentials(
    { orgUrl, mode: 'private_key_jwt', clientId, scopes: [...scopes], privateKey, ...(keyId ? { keyId } : {}) },
    { ...ctx.httpOptions(), ...(dpopProver ? { dpop: dpopProver } : {}) },
  );
  if (verified.missingScopes.length) {
    ctx.ui.warn(
      `Okta did not grant ${verified.missingScopes.join(' ')}; commands that need ${verified.missingScopes.length > 1 ? 'them' : 'it'} will fail until granted.`,
    );
  }
  const grantedScopes = scopes.filter((s) => !verified.missingScopes.includes(s));
  if (fromEnv) ctx.ui.info('the private key is not stored: okta-m2m reads it from OKTA_M2M_PRIVATE_KEY each time.');
  else await ctx.secrets.set(secretRefs.oktaPrivateKey(name), privateKey);
  // Ask later only for what Okta grants: it drops the rest anyway.
  const profile: Profile = { orgUrl, authMode: 'private_key_jwt', clientId, scopes: grantedScopes };
  if (keyId) profile.keyId = keyId;
  // The key is registered now, unless it is the profile's key already (the same key id).
  profile.keyCreatedAt = keyCreatedAtFor(existing, keyId, new Date());
  if (dpop) profile.dpop = true;
  await saveProfile(ctx, name, profile);
  report(ctx, name, profile, fromEnv ? 'OKTA_M2M_PRIVATE_KEY' : undefined);
}

async function generateKey(ctx: Context, options: LoginOptions, name: string, orgUrl: string): Promise<void> {
  const { generateClientKeyPair } = await import('../okta/keys.js');
  const { MANAGEMENT_SCOPES } = await import('../okta/connect.js');
  const pair = await generateClientKeyPair();
  registerSecret(pair.privateKeyPem);
  await ctx.secrets.set(secretRefs.oktaPrivateKey(name), pair.privateKeyPem);
  const scopes = options.scopes?.length ? options.scopes : MANAGEMENT_SCOPES;
  const doc = await ctx.profiles();
  const previous = doc.profiles[name];
  const profile: Profile = {
    orgUrl,
    authMode: 'private_key_jwt',
    keyId: pair.publicJwk.kid,
    keyCreatedAt: new Date().toISOString(),
    scopes,
  };
  const clientId = options.clientId ?? previous?.clientId;
  if (clientId) profile.clientId = clientId;
  await saveProfile(ctx, name, profile);
  const profileFlag = name === 'default' ? '' : ` --profile ${name}`;
  const steps = [
    "Set up okta-m2m's own service app in Okta (Admin Console):",
    '  1. Applications > Create App Integration > API Services; name it, for example, okta-m2m.',
    '  2. General > Client Credentials > Edit: Client authentication "Public key / Private key";',
    '     add the public key printed above (paste the JWK), and save. Leave "Require DPoP" on (Okta\'s default):',
    '     with --dpop at login, okta-m2m proves possession of its DPoP key on every request.',
    `  3. Okta API Scopes: grant ${scopes.join(' ')}.`,
    '  4. Admin roles, least privilege: a custom admin role (Security > Administrators > Roles) with only what your',
    '     commands need, over a resource set of the apps, authorization servers, users and groups they touch:',
    '       init, apply, destroy: okta.apps.manage, okta.authzServers.manage (plan, status: okta.apps.read,',
    '         okta.authzServers.read); sync auth0-role: okta.users.create, okta.users.manage, okta.groups.create,',
    '         okta.groups.members.manage; hook serve|deploy|remove: okta.inlinehooks.manage, okta.authzServers.manage.',
    `  5. Then run: okta-m2m login --oauth --org-url ${orgUrl} --client-id <the app's client id> --dpop${profileFlag}`,
    '     (leave out --dpop if the app does not require DPoP)',
  ].join('\n');
  const result = { profile: name, orgUrl, keyId: pair.publicJwk.kid, publicJwk: pair.publicJwk, scopes, next: steps };
  ctx.ui.result(result, () => `${JSON.stringify(pair.publicJwk, null, 2)}`);
  if (!ctx.ui.json)
    ctx.ui.info(
      `\nThe private key is in the keychain (okta-m2m ${name}/okta-private-key). Public JWK above.\n\n${steps}`,
    );
}

/** envVar: the secret stays in that environment variable, not in the keychain. */
function report(ctx: Context, name: string, profile: Profile, envVar?: string): void {
  ctx.ui.success(`logged in: profile "${name}" uses ${profile.orgUrl}`);
  const where = envVar ? `from $${envVar}` : 'in the keychain';
  const value = {
    profile: name,
    orgUrl: profile.orgUrl,
    authMode: profile.authMode,
    secretIn: envVar ?? 'keychain',
    ...(profile.clientId ? { clientId: profile.clientId } : {}),
    ...(profile.keyId ? { keyId: profile.keyId } : {}),
    ...(profile.scopes ? { scopes: profile.scopes } : {}),
    ...(profile.dpop ? { dpop: true } : {}),
  };
  ctx.ui.result(value, (v) =>
    keyValues([
      ['profile', v.profile],
      ['org', v.orgUrl],
      ['auth', v.authMode === 'ssws' ? `API token (${where})` : `OAuth private_key_jwt (key ${where})`],
      ['client id', v.clientId],
      ['key id', v.keyId],
      ['scopes', v.scopes?.join(' ')],
      ['DPoP', v.dpop ? 'yes (every management request carries a proof)' : undefined],
    ]),
  );
}
