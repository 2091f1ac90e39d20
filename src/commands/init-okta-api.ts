import { resolve } from 'node:path';
import type { JsonWebKey } from 'node:crypto';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { requireProfile } from '../config/profiles.js';
import { readInputFile, readJsonFile } from '../config/files.js';
import { isRecord } from '../config/validate.js';
import { secretRefs } from '../secrets/refs.js';
import { confirmOrYes, passes } from '../ui/prompt.js';
import { keychainPreflight } from '../reconcile/keychain-preflight.js';
import { StateSectionRecorder } from '../reconcile/state-section.js';
import { keyValues, table } from '../ui/format.js';
import type { JsonWebKeyLike } from '../okta/types.js';
import type { OktaApiSpec, OktaApiState } from '../okta/okta-api/setup.js';
import { planJson, renderPlan } from '../ui/plan.js';
import { itemDetails } from '../reconcile/plan.js';
import { accessLabel as label } from './okta-access-text.js';

/**
 * `init --okta-api` and what status and destroy do for such a setup. init, status and destroy call in here when
 * the flag (or the file's or state's `kind: "okta-api"`) says so; the rest of those commands is untouched.
 */
interface OktaApiFlags {
  name?: string | undefined;
  oktaScope?: string[] | undefined;
  role?: string | undefined;
  publicKeyFile?: string | undefined;
  file?: string | undefined;
  dryRun?: boolean | undefined;
}

/** Whether --file names an okta-api setup. */
export async function isOktaApiFile(ctx: Context, file: string | undefined): Promise<boolean> {
  if (file === undefined) return false;
  const raw = await readJsonFile(resolve(ctx.io.cwd, file), 'setup');
  return isRecord(raw) && raw.kind === 'okta-api';
}

/** The raw state section, when it holds an okta-api setup. */
export async function recordedOktaApi(ctx: Context, profile: string): Promise<OktaApiState | undefined> {
  const { readOktaApiState } = await import('../okta/okta-api/setup.js');
  return readOktaApiState((await ctx.state()).get(profile, 'okta'));
}

async function specOf(ctx: Context, flags: OktaApiFlags, recorded: OktaApiState | undefined): Promise<OktaApiSpec> {
  const { validateOktaApiSpec } = await import('../okta/okta-api/setup.js');
  if (flags.file !== undefined) {
    if (flags.name !== undefined || flags.oktaScope !== undefined || flags.role !== undefined) {
      throw new UsageError('--file and --name/--okta-scope/--role do not mix.', {
        hint: 'Put everything in the file, or pass everything as flags.',
      });
    }
    const path = resolve(ctx.io.cwd, flags.file);
    const raw = await readJsonFile(path, 'setup');
    if (!isRecord(raw)) throw new UsageError(`${path} must hold a JSON object.`);
    const unknown = Object.keys(raw).filter(
      (k) => !['version', 'kind', 'name', 'scopes', 'role', '$schema'].includes(k),
    );
    if (unknown.length)
      throw new UsageError(`${path} has unknown field(s) ${unknown.join(', ')}.`, {
        hint: 'An okta-api setup has kind, name, scopes and role.',
      });
    return validateOktaApiSpec(raw, path);
  }
  if (flags.name === undefined && flags.oktaScope === undefined && recorded?.spec)
    return validateOktaApiSpec(recorded.spec, 'the project state');
  return validateOktaApiSpec(
    {
      name: flags.name ?? recorded?.spec?.name,
      scopes: flags.oktaScope ?? recorded?.spec?.scopes,
      role: flags.role ?? recorded?.spec?.role,
    },
    'the flags',
  );
}

async function publicKeyOf(ctx: Context, file: string | undefined): Promise<JsonWebKeyLike | undefined> {
  if (file === undefined) return undefined;
  const text = (await readInputFile(resolve(ctx.io.cwd, file), 'the public key file')).trim();
  const { createPublicKey } = await import('node:crypto');
  const jose = await import('jose');
  try {
    const parsed = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    if (parsed && 'd' in parsed) throw new Error('a private key');
    const key = parsed ? createPublicKey({ key: parsed as JsonWebKey, format: 'jwk' }) : createPublicKey(text);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    const jwk = await jose.exportJWK(key);
    const kid = typeof parsed?.kid === 'string' ? parsed.kid : await jose.calculateJwkThumbprint(jwk, 'sha256');
    return { kty: jwk.kty, e: jwk.e, n: jwk.n, kid, use: 'sig', alg: 'RS256' };
  } catch (error) {
    throw new UsageError(`${file} is not an RSA public key (PEM or JWK without "d").`, {
      hint: 'Give the public half only; the private key stays with you.',
      cause: error,
    });
  }
}

export async function initOktaApi(ctx: Context, flags: OktaApiFlags): Promise<void> {
  const name = await ctx.profileName();
  requireProfile(await ctx.profiles(), name);
  const projectState = await ctx.state();
  const raw = projectState.get(name, 'okta');
  const recorded = await recordedOktaApi(ctx, name);
  if (raw !== undefined && !recorded) {
    throw new UsageError(`The project state here already holds an init setup for profile "${name}".`, {
      hint: 'One setup per profile and project: run "okta-m2m destroy" first, or use another --profile.',
    });
  }
  const spec = await specOf(ctx, flags, recorded);
  const publicKey = await publicKeyOf(ctx, flags.publicKeyFile);
  const setup = await import('../okta/okta-api/setup.js');
  const client = await ctx.okta();
  const base = recorded && recorded.orgUrl === client.orgUrl ? recorded : undefined;
  ctx.ui.progress(`reading what exists in ${client.orgUrl} ...`);
  const observed = await setup.observeOktaApi(client, spec, base, ctx.secrets, name, publicKey);
  const plan = setup.planOktaApi(client, spec, base, observed);
  if (flags.dryRun) {
    ctx.ui.result(planJson(plan), () => renderPlan(plan, { label }));
    return;
  }
  ctx.ui.info(renderPlan(plan, { label }));
  if (spec.role)
    ctx.ui.warn(`--role ${spec.role}: the app gets everything that role allows, not only what its scopes need.`);
  if (plan.changed) {
    if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Apply these changes?'))) {
      ctx.ui.info('nothing changed.');
      return;
    }
    if (!publicKey) {
      await keychainPreflight(ctx.secrets, name, {
        message:
          "init --okta-api keeps the app's private key in the OS keychain, and it cannot be reached; nothing was changed.",
        hint: 'Run it where a keychain is available, or pass --public-key-file with your own key.',
      });
    }
  } else {
    ctx.ui.success('everything is as the setup says; nothing to change.');
  }
  const recorder = new StateSectionRecorder<OktaApiState>(
    projectState,
    name,
    'okta',
    base ?? { kind: 'okta-api', orgUrl: client.orgUrl },
  );
  const state = await setup.applyOktaApi(
    {
      client,
      secrets: ctx.secrets,
      profile: name,
      current: () => recorder.current,
      save: (patch) => recorder.update(patch),
      report: (event) =>
        ctx.ui.success(`${event.action} ${label(event.kind)} ${event.name}${event.id ? ` (${event.id})` : ''}`),
    },
    spec,
    observed,
    publicKey,
  );
  const outputs = setup.oktaApiOutputs(state, name);
  ctx.ui.result(outputs, (o) =>
    [
      keyValues([
        ['client id', o.clientId],
        ['token endpoint', o.tokenEndpoint],
        ['scopes', o.scopes.join(' ')],
        ['key id', o.keyId],
        ['credential', publicKey ? 'your own key (the public half is on the app)' : o.credential],
        ['get a token', o.tokenCommand],
      ]),
      '',
      "Okta's SDKs (for example @okta/okta-sdk-nodejs):",
      `  { orgUrl: '${o.sdk.orgUrl}', authorizationMode: 'PrivateKey', clientId: '${o.sdk.clientId}',`,
      `    scopes: [${o.sdk.scopes.map((s) => `'${s}'`).join(', ')}], keyId: '${o.sdk.keyId ?? ''}', privateKey: <the private key> }`,
    ].join('\n'),
  );
}

/** The wizard's first question, on a terminal: which kind of setup. */
export async function wizardChoosesOktaApi(ctx: Context): Promise<boolean> {
  const { prompts } = await import('../ui/prompt.js');
  const { select } = await prompts(ctx.ui, 'The setup (--name and --scope, --okta-api, or --file okta-m2m.json)');
  const kind = await select(
    {
      message: 'What to set up',
      choices: [
        {
          name: 'M2M access to an API of yours (an app, a custom authorization server, scopes, policy, rule)',
          value: 'api',
        },
        { name: "A service app for Okta's own management API (okta.* scopes, a custom admin role)", value: 'okta-api' },
      ],
      default: 'api',
    },
    { output: ctx.io.stderr, input: ctx.io.stdin },
  );
  return kind === 'okta-api';
}

/** The wizard for an okta-api setup: a name and the okta.* scopes, then init --okta-api with them. */
export async function oktaApiWizard(ctx: Context): Promise<void> {
  const { prompts } = await import('../ui/prompt.js');
  const { validateOktaApiSpec } = await import('../okta/okta-api/setup.js');
  const { input } = await prompts(ctx.ui, 'The setup (--okta-api --name and --okta-scope)');
  const io = { output: ctx.io.stderr, input: ctx.io.stdin };
  const name = await input(
    {
      message: 'Name of the service app',
      validate: (v: string) =>
        passes(() => validateOktaApiSpec({ name: v, scopes: ['okta.users.read'] }, 'the wizard')),
    },
    io,
  );
  const scopeText = await input(
    {
      message: 'okta.* scopes it needs (space or comma separated)',
      default: 'okta.users.read',
      validate: (v: string) =>
        passes(() => validateOktaApiSpec({ name: 'x', scopes: v.split(/[\s,]+/).filter(Boolean) }, 'the wizard')),
    },
    io,
  );
  return initOktaApi(ctx, { name, oktaScope: scopeText.split(/[\s,]+/).filter(Boolean) });
}

export async function statusOktaApi(ctx: Context, state: OktaApiState, mint: boolean): Promise<void> {
  const name = await ctx.profileName();
  const setup = await import('../okta/okta-api/setup.js');
  const client = await ctx.okta();
  const spec = state.spec;
  const objects: Array<{ kind: string; name: string; id?: string; status: string; changes: string[] }> = [];
  if (spec) {
    const observed = await setup.observeOktaApi(client, spec, state, ctx.secrets, name, undefined);
    for (const item of setup.planOktaApi(client, spec, state, observed).items) {
      objects.push({
        kind: item.kind,
        name: item.name,
        ...(item.id ? { id: item.id } : {}),
        status: item.action === 'unchanged' ? 'ok' : item.action === 'create' ? 'missing' : 'drifted',
        changes: itemDetails(item),
      });
    }
  }
  let token: { checked: false } | { ok: boolean; error?: string; expiresIn?: number; scope?: string } = {
    checked: false,
  };
  if (mint && state.clientId) {
    const { probeToken } = await import('../oauth/probe.js');
    const key = await ctx.secrets.get(secretRefs.clientPrivateKey(name, state.clientId));
    token = await probeToken({
      tokenEndpoint: setup.oktaApiOutputs(state, name).tokenEndpoint,
      clientId: state.clientId,
      authMethod: 'private_key_jwt',
      scopes: state.scopes ?? [],
      privateKey: key,
      keyId: state.keyId,
      http: client.http,
    });
  }
  const value = {
    profile: name,
    kind: 'okta-api',
    setup: setup.oktaApiOutputs(state, name),
    complete: Boolean(spec && state.access?.assignmentId),
    drift: objects.some((o) => o.status !== 'ok'),
    objects,
    token,
  };
  ctx.ui.result(value, (v) =>
    [
      keyValues([
        ['profile', v.profile],
        ['kind', 'okta-api (a service app for the Okta management API)'],
        ['client id', v.setup.clientId],
        ['token endpoint', v.setup.tokenEndpoint],
        ['scopes', v.setup.scopes.join(' ')],
        ['drift', v.drift ? 'yes (run "okta-m2m init --okta-api" to correct it)' : 'none'],
        ['token', 'ok' in v.token ? (v.token.ok ? 'yes' : `no: ${v.token.error ?? ''}`) : 'not tried'],
      ]),
      '',
      table(
        ['STATE', 'KIND', 'NAME', 'ID', 'DIFFERENCES'],
        v.objects.map((o) => [
          o.status,
          label(o.kind as never) || 'credential',
          o.name,
          o.id ?? '-',
          o.changes.join('; '),
        ]),
      ),
    ].join('\n'),
  );
}

export async function destroyOktaApi(ctx: Context, state: OktaApiState): Promise<void> {
  const name = await ctx.profileName();
  const record = {
    ...(state.access ?? {}),
    ...(state.appId ? { appId: state.appId } : {}),
    ...(state.clientId ? { clientId: state.clientId } : {}),
  };
  const targets = [
    ...(record.assignmentId ? [`admin role assignment ${record.assignmentId}`] : []),
    ...(record.roleId ? [`custom admin role ${record.roleId}`] : []),
    ...(record.resourceSetId ? [`resource set ${record.resourceSetId}`] : []),
    ...Object.entries(record.grantIds ?? {}).map(([scope, id]) => `scope grant ${scope} (${id})`),
    ...(record.appId ? [`app ${state.spec?.name ?? ''} (${record.appId})`] : []),
  ];
  ctx.ui.info([`This removes from ${state.orgUrl}:`, ...targets.map((t) => `  - ${t}`)].join('\n'));
  if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Delete these objects?'))) {
    ctx.ui.info('nothing deleted.');
    return;
  }
  const [{ checkRemovalTargets, removeBootstrap }, { accessLabel: setupLabel }] = await Promise.all([
    import('../okta/bootstrap/setup.js'),
    import('../okta/okta-api/setup.js'),
  ]);
  const client = await ctx.okta();
  const spec = { name: state.spec?.name ?? '' };
  const checked = await checkRemovalTargets(client, record, { app: spec.name, access: setupLabel(spec) });
  for (const t of checked.filter((c) => c.state === 'not ours'))
    ctx.ui.info(`left in place: ${label(t.kind)} ${t.id} is not the one okta-m2m made for this setup.`);
  const events = await removeBootstrap(client, record, checked, (event) =>
    event.result === 'deleted'
      ? ctx.ui.success(`deleted ${label(event.kind)} (${event.id})`)
      : ctx.ui.progress(`${label(event.kind)} ${event.id} was already gone`),
  );
  if (state.clientId) await ctx.secrets.delete(secretRefs.clientPrivateKey(name, state.clientId));
  await (await import('../oauth/token-cache.js')).clearProfileTokens(ctx.secrets, name);
  await (await ctx.state()).set(name, 'okta', undefined);
  ctx.ui.result(
    { profile: name, orgUrl: state.orgUrl, destroyed: events },
    () =>
      `removed ${events.filter((e) => e.result === 'deleted').length} object(s); the project state and the keychain entries are cleared.`,
  );
}
