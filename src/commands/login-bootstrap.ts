import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { keychainPreflight } from '../reconcile/keychain-preflight.js';
import { keyCreatedAtFor, type BootstrapRecord, type Profile } from '../config/profiles.js';
import { secretRefs } from '../secrets/refs.js';
import { confirmOrYes } from '../ui/prompt.js';
import { keyValues } from '../ui/format.js';
import { renderPlan } from '../ui/plan.js';
import { accessLabel as label } from './okta-access-text.js';
import type { LoginOptions } from './login.js';
import { promptApiToken, readApiToken, saveProfile } from './login-input.js';

/**
 * `login --oauth --bootstrap`: the API token is used for this run only (never stored); okta-m2m makes its own
 * service app with it, checks the app works, and moves the profile to it.
 */
export async function bootstrapLogin(ctx: Context, options: LoginOptions, name: string, orgUrl: string): Promise<void> {
  if (options.clientId || options.privateKeyFile || options.generateKey || options.keyId) {
    throw new UsageError(
      '--bootstrap makes the app and its key itself; --client-id, --private-key-file, --key-id and --generate-key do not go with it.',
      {
        hint: 'Leave them out, or log in to an existing app with "okta-m2m login --oauth --client-id ...".',
      },
    );
  }
  const [
    { DEFAULT_BOOTSTRAP_SCOPES, STANDARD_ROLE_WARNINGS, customRoleFor, customRoleGap },
    setup,
    { createOktaClient },
  ] = await Promise.all([
    import('../okta/bootstrap/scopes.js'),
    import('../okta/bootstrap/setup.js'),
    import('../okta/client.js'),
  ]);
  const doc = await ctx.profiles();
  const existing = doc.profiles[name];
  const scopes = options.scopes?.length ? [...new Set(options.scopes)] : DEFAULT_BOOTSTRAP_SCOPES;
  const bad = scopes.filter((s) => !/^okta\.[A-Za-z]+\.(read|manage)$/.test(s));
  if (bad.length)
    throw new UsageError(
      `${bad.join(', ')} ${bad.length > 1 ? 'are not' : 'is not an'} okta.* scope${bad.length > 1 ? 's' : ''}.`,
      { hint: 'See "okta-m2m login --help" for the scopes by command.' },
    );
  const standardRole = options.role?.trim().toUpperCase();
  if (standardRole !== undefined && !/^[A-Z_]+$/.test(standardRole)) {
    throw new UsageError(`"${options.role}" is not a standard admin role.`, {
      hint: 'Such as SUPER_ADMIN, ORG_ADMIN or APP_ADMIN.',
    });
  }
  const gap = standardRole ? undefined : customRoleGap(scopes);
  if (gap)
    throw new UsageError(gap, {
      hint: 'Add the scopes hook uses with it (okta.authorizationServers.manage), or pass --role SUPER_ADMIN.',
    });

  const token = await apiTokenFor(ctx, options, name, existing);
  const admin = await createOktaClient({ orgUrl, mode: 'ssws', token }, ctx.httpOptions());
  const input = {
    profile: name,
    orgUrl: admin.orgUrl,
    scopes,
    standardRole,
    dpop: options.dpop !== false,
    record: existing?.orgUrl === admin.orgUrl ? existing.bootstrap : undefined,
  };

  if (standardRole) {
    ctx.ui.warn(
      `--role ${standardRole} gives okta-m2m's app ${STANDARD_ROLE_WARNINGS[standardRole] ?? `everything the ${standardRole} role allows`}, ` +
        'far more than its scopes need. Without --role, okta-m2m makes a custom role with just those permissions.',
    );
  } else {
    const { uncovered } = customRoleFor(scopes, admin.orgUrl);
    if (uncovered.length) {
      ctx.ui.warn(
        `no custom admin role permission okta-m2m knows covers ${uncovered.join(' ')}; the scope is granted, but its calls ` +
          'get 403 until the app holds a role that allows them (--role).',
      );
    }
  }

  ctx.ui.progress(`reading what exists in ${admin.orgUrl} ...`);
  const observed = await setup.observeBootstrap(admin, input, ctx.secrets);
  const plan = setup.planBootstrap(input, observed);
  ctx.ui.info(renderPlan(plan, { label }));
  if (plan.changed) {
    const yes = await confirmOrYes(
      ctx.ui,
      ctx.globals.yes,
      "Make okta-m2m's service app and switch the profile to it?",
    );
    if (!yes) {
      ctx.ui.info('nothing changed.');
      return;
    }
    await keychainPreflight(ctx.secrets, name, {
      message:
        "--bootstrap keeps the app's private key in the OS keychain, and it cannot be reached; nothing was changed.",
      hint: 'Run it where a keychain is available (on Linux: a Secret Service such as gnome-keyring).',
    });
  }
  const result = await setup.applyBootstrap(
    {
      admin,
      secrets: ctx.secrets,
      save: (record) => recordProgress(ctx, name, admin.orgUrl, record),
      report: (event) =>
        ctx.ui.success(`${event.action} ${label(event.kind)} ${event.name}${event.id ? ` (${event.id})` : ''}`),
    },
    input,
    observed,
  );

  ctx.ui.progress('checking the app: a token from the org authorization server, then one read of each kind ...');
  const verified = await setup.verifyBootstrap(input, result, ctx.httpOptions());

  const profile: Profile = {
    orgUrl: admin.orgUrl,
    authMode: 'private_key_jwt',
    clientId: result.clientId,
    keyId: result.keyId,
    keyCreatedAt: keyCreatedAtFor(existing, result.keyId, new Date()),
    scopes,
    bootstrap: result.record,
    ...(input.dpop ? { dpop: true } : {}),
  };
  await saveProfile(ctx, name, profile);
  // The profile no longer uses the API token: it is not kept.
  await ctx.secrets.delete(secretRefs.oktaApiToken(name));

  let revoked = false;
  if (options.revokeApiToken) {
    const { revokeCurrentApiToken } = await import('../okta/resources/iam.js');
    await revokeCurrentApiToken(admin);
    revoked = true;
    ctx.ui.success('revoked the API token it used');
  } else {
    ctx.ui.info(
      'The API token still works: it acts as its admin with all of their rights. Revoke it once nothing else needs it: ' +
        'Admin Console > Security > API > Tokens, or run this again with --revoke-api-token.',
    );
  }
  ctx.ui.success(`logged in: profile "${name}" uses okta-m2m's own service app ${result.clientId}`);
  const value = {
    profile: name,
    orgUrl: admin.orgUrl,
    authMode: 'private_key_jwt' as const,
    clientId: result.clientId,
    keyId: result.keyId,
    scopes,
    dpop: input.dpop,
    role: standardRole ?? 'CUSTOM',
    changed: plan.changed,
    checked: verified.reads,
    apiTokenRevoked: revoked,
    bootstrap: result.record,
  };
  ctx.ui.result(value, (v) =>
    keyValues([
      ['profile', v.profile],
      ['org', v.orgUrl],
      ['auth', 'OAuth private_key_jwt (key in the keychain)'],
      ['client id', v.clientId],
      ['key id', v.keyId],
      ['scopes', v.scopes.join(' ')],
      ['DPoP', v.dpop ? 'required' : 'off'],
      [
        'admin role',
        v.role === 'CUSTOM'
          ? `custom role ${v.bootstrap.roleId ?? ''} over resource set ${v.bootstrap.resourceSetId ?? ''}`
          : v.role,
      ],
      ['API token', v.apiTokenRevoked ? 'revoked' : 'still valid (not stored)'],
    ]),
  );
}

/** The API token: --api-token-stdin, $OKTA_M2M_API_TOKEN, the profile's own (an SSWS profile), else a prompt. */
async function apiTokenFor(
  ctx: Context,
  options: LoginOptions,
  name: string,
  existing: Profile | undefined,
): Promise<string> {
  const given = await readApiToken(ctx, options);
  if (given) return given.token;
  if (existing?.authMode !== 'private_key_jwt') {
    const stored = await ctx.secrets.get(secretRefs.oktaApiToken(name));
    if (stored) return stored;
  }
  if (!ctx.ui.interactive) {
    throw new UsageError('--bootstrap needs an admin API token, used once and not stored.', {
      hint: 'Pipe it in with --api-token-stdin, set OKTA_M2M_API_TOKEN, or run it from a profile logged in with an API token.',
    });
  }
  return promptApiToken(ctx);
}

/** Ids go to the profile as they are made, so an interrupted run finds them; the mode switches only at the end. */
async function recordProgress(ctx: Context, name: string, orgUrl: string, record: BootstrapRecord): Promise<void> {
  const { saveProfiles } = await import('../config/profiles.js');
  const doc = await ctx.profiles();
  const current = doc.profiles[name] ?? { orgUrl };
  doc.profiles[name] = { ...current, orgUrl: current.orgUrl ?? orgUrl, bootstrap: record };
  await saveProfiles(doc, ctx.env);
}
