// The auth0 commands' handlers, loaded when one of them runs (registration and help text are in auth0.ts).
import type { Options } from './action.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { saveProfiles, type Profile } from '../config/profiles.js';
import { secretRefs } from '../secrets/refs.js';
import { registerSecret } from '../secrets/redact.js';
import { confirmOrYes, keyValues, prompts, readAll } from './handler-kit.js';
// Types only: the domain modules and the auth0 SDK load inside the handlers.
import type { Auth0ClientOptions } from '../auth0/client.js';
import type { Auth0Plan, Auth0PlanItem } from '../auth0/setup.js';
import type { Auth0State } from '../auth0/spec.js';

function retryOptions(ctx: Context): Auth0ClientOptions {
  return {
    onRetry: (event) =>
      ctx.ui.debug(`retry ${event.attempt} of ${event.method} ${event.path} after ${event.reason}, waiting ${event.delayMs} ms`),
  };
}

// ---- login ----

export async function login(ctx: Context, options: Options): Promise<void> {
  const { normalizeBaseUrl, normalizeDomain, createAuth0Management } = await import('../auth0/client.js');
  const { missingScopes } = await import('../auth0/scopes.js');
  const name = await ctx.profileName();
  const baseUrl = typeof options.baseUrl === 'string' ? normalizeBaseUrl(options.baseUrl) : undefined;
  let domainInput = typeof options.domain === 'string' ? options.domain : undefined;
  if (!domainInput && baseUrl) domainInput = new URL(baseUrl).host;
  if (!domainInput) {
    const { input } = await prompts(ctx.ui, 'The tenant domain (--domain)');
    domainInput = await input({ message: 'Auth0 tenant domain' }, { output: ctx.io.stderr, input: ctx.io.stdin });
  }
  const domain = normalizeDomain(domainInput);
  let clientId = typeof options.clientId === 'string' ? options.clientId.trim() : '';
  if (!clientId) {
    const { input } = await prompts(ctx.ui, "The management application's client id (--client-id)");
    clientId = (await input({ message: 'Client id' }, { output: ctx.io.stderr, input: ctx.io.stdin })).trim();
  }
  const secret = await readSecret(ctx, options);
  registerSecret(secret);

  ctx.ui.progress(`checking the management application ${clientId} against ${baseUrl ?? domain} ...`);
  const mgmt = await createAuth0Management({ domain, clientId, clientSecret: secret, ...(baseUrl ? { baseUrl } : {}) }, retryOptions(ctx));
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
  const value = { profile: name, domain, ...(baseUrl ? { baseUrl } : {}), clientId, scopes: token.scopes, missingScopes: missing };
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

async function readSecret(ctx: Context, options: Options): Promise<string> {
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
  const { password } = await prompts(ctx.ui, 'The client secret (--client-secret-stdin or $OKTA_M2M_AUTH0_MANAGEMENT_SECRET)');
  return (await password({ message: 'Client secret', mask: '*' }, { output: ctx.io.stderr, input: ctx.io.stdin })).trim();
}

// ---- init ----

export async function init(ctx: Context, options: Options): Promise<void> {
  const [{ connectAuth0 }, { requireScopes }, setup, { readAuth0State, validateAuth0Spec, Auth0StateRecorder }] = await Promise.all([
    import('../auth0/connect.js'),
    import('../auth0/scopes.js'),
    import('../auth0/setup.js'),
    import('../auth0/spec.js'),
  ]);
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const projectState = await ctx.state();
  let recorded = readAuth0State(projectState, name);
  const flagScopes = options.scope as string[] | undefined;
  const spec = validateAuth0Spec({
    name: options.name ?? recorded?.spec?.name,
    audience: options.audience ?? recorded?.spec?.audience,
    scopes: flagScopes ?? recorded?.spec?.scopes ?? [],
  });

  const mgmt = await connectAuth0(doc, name, ctx.secrets, retryOptions(ctx));
  if (recorded && recorded.domain !== mgmt.target.domain) {
    ctx.ui.warn(`the project state here was made for ${recorded.domain}; profile "${name}" uses ${mgmt.target.domain}. Its ids are ignored.`);
    recorded = undefined;
  }
  requireScopes('auth0 init / destroy', (await mgmt.tokens.get()).scopes);
  ctx.ui.progress(`reading what exists in ${mgmt.target.domain} ...`);
  const observed = await setup.observe(mgmt, spec, recorded, ctx.secrets, name);
  const plan = setup.computePlan(spec, observed);
  if (options.dryRun) {
    ctx.ui.result({ changed: plan.changed, items: plan.items, warnings: plan.warnings }, () => renderPlan(plan));
    return;
  }
  ctx.ui.info(renderPlan(plan));
  for (const warning of plan.warnings) ctx.ui.warn(warning);
  if (plan.changed) {
    if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Apply these changes?'))) {
      ctx.ui.info('nothing changed.');
      return;
    }
  } else {
    ctx.ui.success('everything is as the setup says; nothing to change.');
  }
  const recorder = new Auth0StateRecorder(projectState, name, recorded ?? { domain: mgmt.target.domain });
  const state = await setup.applyPlan(
    {
      mgmt,
      profile: name,
      secrets: ctx.secrets,
      recorder,
      report: (event) => ctx.ui.success(`${event.action} ${event.kind} ${event.name}${event.id ? ` (${event.id})` : ''}`),
      warn: (message) => ctx.ui.warn(message),
    },
    spec,
    observed,
  );
  const outputs = setup.outputsOf(state, name);
  ctx.ui.result(outputs, (o) =>
    keyValues([
      ['domain', String(o.domain)],
      ['token endpoint', String(o.tokenEndpoint)],
      ['audience', String(o.audience)],
      ['client id', String(o.clientId)],
      ['scopes', (o.scopes as string[]).join(' ')],
      ['client secret', 'in the OS keychain'],
      ['get a token', String(o.tokenCommand)],
    ]),
  );
}

function renderPlan(plan: Auth0Plan | { items: Auth0PlanItem[]; changed: boolean }): string {
  const mark = { create: '+', update: '~', unchanged: '=', delete: '-' } as const;
  const lines = ['Plan:'];
  for (const item of plan.items) {
    lines.push(`  ${mark[item.action]} ${item.action.padEnd(9)} ${item.kind} ${item.name}${item.id ? ` (${item.id})` : ''}`);
    if (item.action !== 'unchanged') for (const change of item.changes) lines.push(`        ${change}`);
  }
  if (!plan.changed) lines.push('  (no changes)');
  return lines.join('\n');
}

// ---- destroy ----

export async function destroyCommand(ctx: Context, options: Options): Promise<void> {
  const [{ connectAuth0, requireAuth0Profile }, { requireScopes }, setup, { readAuth0State, Auth0StateRecorder }] = await Promise.all([
    import('../auth0/connect.js'),
    import('../auth0/scopes.js'),
    import('../auth0/setup.js'),
    import('../auth0/spec.js'),
  ]);
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const projectState = await ctx.state();
  const recorded = readAuth0State(projectState, name);
  if (!recorded) {
    ctx.ui.info(`"auth0 init" has made nothing here for profile "${name}" (${projectState.file}).`);
    ctx.ui.result({ profile: name, deleted: [] }, () => 'nothing to destroy');
    return;
  }
  const profile = requireAuth0Profile(doc, name);
  if (recorded.domain !== profile.domain) {
    throw new UsageError(`The project state was made for ${recorded.domain}, but profile "${name}" uses ${profile.domain}.`, {
      hint: 'Use the profile that ran init (--profile).',
    });
  }
  const items = setup.destroyPlan(recorded);
  const kept = setup.keptByDestroy(recorded);
  const plan = { items, changed: items.length > 0, kept };
  for (const item of kept) {
    ctx.ui.info(`left in place: ${item.kind} ${item.name} (${item.id}) existed before "auth0 init" took it over.`);
  }
  if (options.dryRun) {
    ctx.ui.result(plan, () => renderPlan(plan));
    return;
  }
  ctx.ui.info(renderPlan(plan));
  if (items.length && !(await confirmOrYes(ctx.ui, ctx.globals.yes, `Delete these from ${recorded.domain}?`))) {
    ctx.ui.info('nothing changed.');
    return;
  }
  const mgmt = await connectAuth0(doc, name, ctx.secrets, retryOptions(ctx));
  if (items.length) requireScopes('auth0 init / destroy', (await mgmt.tokens.get()).scopes);
  const recorder = new Auth0StateRecorder(projectState, name, recorded);
  const deleted: Array<{ kind: string; id?: string | undefined }> = [];
  await setup.destroy(
    {
      mgmt,
      profile: name,
      secrets: ctx.secrets,
      recorder,
      report: (event) => {
        deleted.push({ kind: event.kind, id: event.id });
        ctx.ui.success(`${event.action} ${event.kind} ${event.name}${event.id ? ` (${event.id})` : ''}`);
      },
    },
    recorded,
  );
  ctx.ui.result({ profile: name, domain: recorded.domain, deleted }, () =>
    deleted.length ? `removed ${deleted.length} object(s) from ${recorded.domain}` : 'nothing was left to remove',
  );
}

// ---- status ----

export async function status(ctx: Context): Promise<void> {
  const [{ connectAuth0 }, { missingScopes }, setup, { readAuth0State }, { auth0Find }] = await Promise.all([
    import('../auth0/connect.js'),
    import('../auth0/scopes.js'),
    import('../auth0/setup.js'),
    import('../auth0/spec.js'),
    import('../auth0/client.js'),
  ]);
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const mgmt = await connectAuth0(doc, name, ctx.secrets, retryOptions(ctx));
  const token = await mgmt.tokens.get();
  const recorded: Auth0State | undefined = readAuth0State(await ctx.state(), name);
  const objects: Array<{ kind: string; id: string; exists: boolean }> = [];
  if (recorded && recorded.domain === mgmt.target.domain) {
    const { resourceServerId, clientId, clientGrantId } = recorded;
    if (resourceServerId) objects.push({ kind: 'resource server', id: resourceServerId, exists: Boolean(await auth0Find('read the API', () => mgmt.sdk.resourceServers.get(resourceServerId))) });
    if (clientId) objects.push({ kind: 'application', id: clientId, exists: Boolean(await setup.getClient(mgmt, clientId)) });
    if (clientGrantId) objects.push({ kind: 'client grant', id: clientGrantId, exists: Boolean(await auth0Find('read the client grant', () => mgmt.sdk.clientGrants.get(clientGrantId))) });
  }
  const value = {
    profile: name,
    domain: mgmt.target.domain,
    scopes: token.scopes,
    missingScopes: missingScopes(token.scopes),
    audience: recorded?.audience,
    clientId: recorded?.clientId,
    objects,
  };
  ctx.ui.result(value, (v) =>
    [
      keyValues([
        ['profile', v.profile],
        ['domain', v.domain],
        ['management scopes', v.scopes.join(' ') || '(none)'],
        ...Object.entries(v.missingScopes).map(([job, scopes]) => [`missing for ${job}`, scopes.join(' ')] as const),
        ['audience', v.audience],
        ['client id', v.clientId],
      ]),
      ...v.objects.map((o) => `${o.exists ? '✓' : '✗'} ${o.kind} ${o.id}${o.exists ? '' : ' (missing: run "okta-m2m auth0 init")'}`),
      ...(recorded ? [] : ['no "auth0 init" recorded in this folder']),
    ].join('\n'),
  );
}
