// The init, destroy and status handlers, loaded when one of them runs (registration and help text are in init.ts).
import { resolve } from 'node:path';
import type { Options } from './action.js';
import { confirmOrYes, keyValues, prompts, retryOptions, table } from './handler-kit.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { requireProfile } from '../config/profiles.js';
import { readJsonFile, writeJsonAtomic } from '../config/files.js';
import type { Plan } from '../okta/plan.js';
import type { SetupOutputs } from '../okta/outputs.js';
import type { SetupSpec, SpecInput } from '../okta/spec.js';
import type { OktaState } from '../okta/state.js';

const SPEC_FLAGS = ['name', 'audience', 'description', 'scope', 'defaultScope', 'authMethod', 'tokenLifetime', 'allClients'] as const;

// ---- init ----

export async function init(ctx: Context, options: Options): Promise<void> {
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  requireProfile(doc, name);
  const { readOktaState, StateRecorder } = await import('../okta/state.js');
  const projectState = await ctx.state();
  const recorded = readOktaState(projectState, name);
  const spec = await desiredSpec(ctx, options, recorded);
  if (typeof options.save === 'string') await saveSpecFile(ctx, options.save, spec);

  const [{ connect }, { observe, computePlan }, { credentialLookup }, { apply }, { outputsOf }] = await Promise.all([
    import('../okta/connect.js'),
    import('../okta/plan.js'),
    import('../okta/status.js'),
    import('../okta/apply.js'),
    import('../okta/outputs.js'),
  ]);
  const client = await connect(doc, name, ctx.secrets, retryOptions(ctx));
  if (recorded && recorded.orgUrl !== client.orgUrl) {
    ctx.ui.warn(`the project state here was made for ${recorded.orgUrl}; profile "${name}" uses ${client.orgUrl}. Its ids are ignored.`);
  }
  ctx.ui.progress(`reading what exists in ${client.orgUrl} ...`);
  const observed = await observe(client, spec, recorded, credentialLookup(ctx.secrets, name));
  const plan = computePlan(spec, observed);

  if (options.dryRun) {
    ctx.ui.result({ changed: plan.changed, items: plan.items }, () => renderPlan(plan));
    return;
  }
  ctx.ui.info(renderPlan(plan));
  if (plan.changed) {
    const yes = await confirmOrYes(ctx.ui, ctx.globals.yes, 'Apply these changes?');
    if (!yes) {
      ctx.ui.info('nothing changed.');
      return;
    }
  } else {
    ctx.ui.success('everything is as the setup says; nothing to change.');
  }

  const base: OktaState = recorded && recorded.orgUrl === client.orgUrl ? recorded : { orgUrl: client.orgUrl };
  const recorder = new StateRecorder(projectState, name, base);
  const state = await apply({
    client,
    profile: name,
    secrets: ctx.secrets,
    recorder,
    report: (event) => ctx.ui.success(`${event.action} ${label(event.kind)} ${event.name}${event.id ? ` (${event.id})` : ''}`),
  }, spec, observed);
  await recorder.flush();
  const outputs = outputsOf(state, name);
  ctx.ui.result(outputs, renderOutputs);
}

function label(kind: string): string {
  return (
    { app: 'app', credential: '', authServer: 'authorization server', scope: 'scope', policy: 'access policy', rule: 'rule' } as Record<string, string>
  )[kind] ?? kind;
}

export function renderPlan(plan: Plan): string {
  const mark = { create: '+', update: '~', unchanged: '=', delete: '-' } as const;
  const lines = ['Plan:'];
  for (const item of plan.items) {
    const kind = label(item.kind);
    lines.push(`  ${mark[item.action]} ${item.action.padEnd(9)} ${kind ? `${kind} ` : ''}${item.name}${item.id ? ` (${item.id})` : ''}`);
    if (item.action !== 'unchanged') for (const change of item.changes) lines.push(`        ${change}`);
  }
  lines.push(plan.changed ? '' : '  (no changes)');
  return lines.join('\n').trimEnd();
}

function renderOutputs(o: SetupOutputs): string {
  return keyValues([
    ['client id', o.clientId],
    ['auth method', o.authMethod],
    ['credential', o.credential],
    ['issuer', o.issuer],
    ['metadata', o.wellKnownUrl],
    ['token endpoint', o.tokenEndpoint],
    ['audience', o.audience],
    ['scopes', o.scopes.join(' ')],
    ['default scope', o.defaultScope],
    ['key id', o.keyId],
    ['get a token', o.tokenCommand],
  ]);
}

async function desiredSpec(ctx: Context, options: Options, recorded: OktaState | undefined): Promise<SetupSpec> {
  const { SPEC_FILE, specFromFile, validateSpec } = await import('../okta/spec.js');
  const flagged = SPEC_FLAGS.filter((flag) => options[flag] !== undefined);
  if (typeof options.file === 'string') {
    if (flagged.length) {
      throw new UsageError(`--file and setup flags (--${flagged.map(kebab).join(', --')}) do not mix.`, {
        hint: 'Put everything in the file, or pass everything as flags.',
      });
    }
    const path = resolve(ctx.io.cwd, options.file);
    const raw = await readJsonFile(path, 'setup');
    if (raw === undefined) throw new UsageError(`There is no file ${path}.`);
    return specFromFile(raw, path);
  }
  if (flagged.length) {
    const input: SpecInput = {
      name: options.name,
      audience: options.audience,
      description: options.description,
      scopes: options.scope,
      defaultScope: options.defaultScope,
      authMethod: options.authMethod,
      tokenLifetimeMinutes: options.tokenLifetime,
      allClients: options.allClients === undefined ? undefined : Boolean(options.allClients),
    };
    if (input.name === undefined && recorded?.spec) {
      // Flags change the setup applied last time.
      const base = recorded.spec;
      return validateSpec({
        name: base.name,
        audience: input.audience ?? base.audience,
        description: input.description ?? base.description,
        scopes: input.scopes ?? base.scopes,
        defaultScope: input.defaultScope ?? (input.scopes ? undefined : base.defaultScope),
        authMethod: input.authMethod ?? base.authMethod,
        tokenLifetimeMinutes: input.tokenLifetimeMinutes ?? base.tokenLifetimeMinutes,
        allClients: input.allClients ?? base.allClients,
      }, 'the flags');
    }
    return validateSpec(input, 'the flags');
  }
  if (recorded?.spec) {
    ctx.ui.progress('using the setup init applied here last time');
    return validateSpec(recorded.spec as unknown as SpecInput, 'the project state');
  }
  const defaultFile = resolve(ctx.io.cwd, SPEC_FILE);
  const fromFile = await readJsonFile(defaultFile, 'setup');
  if (fromFile !== undefined) {
    ctx.ui.progress(`using the setup in ${defaultFile}`);
    return specFromFile(fromFile, defaultFile);
  }
  return wizard(ctx);
}

function kebab(flag: string): string {
  return flag === 'scope' ? 'scope' : flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

async function wizard(ctx: Context): Promise<SetupSpec> {
  const inquirer = await prompts(ctx.ui, 'The setup (--name and --scope, or --file okta-m2m.json)');
  const { AUTH_METHODS, DEFAULT_TOKEN_LIFETIME_MINUTES, SPEC_FILE, validateSpec } = await import('../okta/spec.js');
  const io = { output: ctx.io.stderr, input: ctx.io.stdin };
  const check = (make: () => unknown) => {
    try {
      make();
      return true;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const name = await inquirer.input(
    { message: 'Name of the API (the app and authorization server get this name)', validate: (v: string) => check(() => validateSpec({ name: v, scopes: ['x'] })) },
    io,
  );
  const audience = await inquirer.input({ message: 'Audience of the tokens', default: `api://${name.trim().toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}` }, io);
  const description = await inquirer.input({ message: 'Description', default: `M2M access to ${name.trim()} (made by okta-m2m)` }, io);
  const scopeText = await inquirer.input(
    {
      message: 'Scopes (space or comma separated)',
      default: `${name.trim().toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}:read`,
      validate: (v: string) => check(() => validateSpec({ name: 'x', scopes: v.split(/[\s,]+/).filter(Boolean) })),
    },
    io,
  );
  const scopes = scopeText.split(/[\s,]+/).filter(Boolean);
  const defaultScope = await inquirer.select(
    {
      message: 'Default scope (granted when a token request names none)',
      choices: [{ name: '(none)', value: '' }, ...scopes.map((s) => ({ name: s, value: s }))],
    },
    io,
  );
  const authMethod = await inquirer.select(
    {
      message: 'How the client authenticates',
      choices: AUTH_METHODS.map((m) => ({ name: m, value: m })),
      default: 'client_secret_basic',
    },
    io,
  );
  const lifetime = await inquirer.input(
    {
      message: 'Access token lifetime (minutes)',
      default: String(DEFAULT_TOKEN_LIFETIME_MINUTES),
      validate: (v: string) => check(() => validateSpec({ name: 'x', scopes: ['x'], tokenLifetimeMinutes: v })),
    },
    io,
  );
  const allClients = await inquirer.confirm({ message: 'Let the policy apply to all clients of the server?', default: false }, io);
  const spec = validateSpec(
    { name, audience, description, scopes, defaultScope: defaultScope || undefined, authMethod, tokenLifetimeMinutes: lifetime, allClients },
    'the wizard',
  );
  const save = await inquirer.confirm({ message: `Save this setup to ${SPEC_FILE} (for --file next time)?`, default: true }, io);
  if (save) await saveSpecFile(ctx, SPEC_FILE, spec);
  return spec;
}

async function saveSpecFile(ctx: Context, file: string, spec: SetupSpec): Promise<void> {
  const { specToFile } = await import('../okta/spec.js');
  const path = resolve(ctx.io.cwd, file);
  await writeJsonAtomic(path, specToFile(spec));
  ctx.ui.success(`saved the setup to ${path}`);
}

// ---- destroy ----

export async function destroyCommand(ctx: Context): Promise<void> {
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const { readOktaState } = await import('../okta/state.js');
  const projectState = await ctx.state();
  const recorded = readOktaState(projectState, name);
  if (!recorded) {
    ctx.ui.info(`init has made nothing here for profile "${name}" (${projectState.file}).`);
    ctx.ui.result({ profile: name, destroyed: [] }, () => 'nothing to destroy');
    return;
  }
  const profile = requireProfile(doc, name);
  const [{ connect }, { destroy, destroyTargets, forgetClientCredentials }, { normalizeOrgUrl }] = await Promise.all([
    import('../okta/connect.js'),
    import('../okta/destroy.js'),
    import('../okta/client.js'),
  ]);
  if (normalizeOrgUrl(profile.orgUrl as string) !== recorded.orgUrl) {
    throw new UsageError(`The project state here is for ${recorded.orgUrl}, but profile "${name}" uses ${profile.orgUrl}.`, {
      hint: 'Use the profile of that org (--profile).',
    });
  }
  const targets = destroyTargets(recorded);
  ctx.ui.info(
    ['This removes from ' + recorded.orgUrl + ':', ...targets.map((t) => `  - ${label(t.kind) || t.kind} ${t.name ?? ''} (${t.id})`)].join('\n'),
  );
  const yes = await confirmOrYes(ctx.ui, ctx.globals.yes, 'Delete these objects?');
  if (!yes) {
    ctx.ui.info('nothing deleted.');
    return;
  }
  const client = await connect(doc, name, ctx.secrets, retryOptions(ctx));
  const events = await destroy(client, recorded, (event) =>
    event.result === 'deleted'
      ? ctx.ui.success(`deleted ${label(event.kind)} ${event.name ?? ''} (${event.id})`)
      : ctx.ui.progress(`${label(event.kind)} ${event.id} was already gone`),
  );
  await forgetClientCredentials(ctx.secrets, name, recorded.clientId);
  await (await import('../oauth/token-cache.js')).clearProfileTokens(ctx.secrets, name);
  await projectState.set(name, 'okta', undefined);
  ctx.ui.result({ profile: name, orgUrl: recorded.orgUrl, destroyed: events }, () =>
    `removed ${events.filter((e) => e.result === 'deleted').length} object(s); the project state and the keychain entries are cleared.`,
  );
}

// ---- status ----

export async function statusCommand(ctx: Context, options: Options): Promise<void> {
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const profile = requireProfile(doc, name);
  const { readOktaState } = await import('../okta/state.js');
  const recorded = readOktaState(await ctx.state(), name);
  const base = { profile: name, orgUrl: profile.orgUrl, authMode: profile.authMode ?? 'ssws' };
  const authText = base.authMode === 'ssws' ? 'API token' : `OAuth private_key_jwt (${profile.clientId ?? '?'})`;
  if (!recorded) {
    ctx.ui.result({ ...base, setup: null }, () =>
      `${keyValues([['profile', name], ['org', profile.orgUrl], ['auth', authText]])}\n\nNo setup here yet: run "okta-m2m init".`,
    );
    return;
  }
  const [{ connect }, { setupStatus }, { outputsOf }] = await Promise.all([
    import('../okta/connect.js'),
    import('../okta/status.js'),
    import('../okta/outputs.js'),
  ]);
  const client = await connect(doc, name, ctx.secrets, retryOptions(ctx));
  if (recorded.orgUrl !== client.orgUrl) {
    ctx.ui.warn(`the project state here was made for ${recorded.orgUrl}; profile "${name}" uses ${client.orgUrl}.`);
  }
  const status = await setupStatus(client, recorded, ctx.secrets, name, { mint: options.token !== false });
  const outputs = outputsOf(recorded, name);
  const value = { ...base, setup: outputs, ...status };
  ctx.ui.result(value, (v) => {
    const rows = v.objects.map((o) => [o.status === 'ok' ? 'ok' : o.status, label(o.kind) || 'credential', o.name, o.id ?? '-', o.changes.join('; ')]);
    const token = !('ok' in v.token)
      ? 'not tried'
      : v.token.ok
        ? `yes (${'expiresIn' in v.token && v.token.expiresIn ? `expires in ${v.token.expiresIn} s` : 'ok'})`
        : `no: ${v.token.error}`;
    return [
      keyValues([
        ['profile', v.profile],
        ['org', v.orgUrl],
        ['auth', authText],
        ['client id', outputs.clientId],
        ['issuer', outputs.issuer],
        ['token endpoint', outputs.tokenEndpoint],
        ['scopes', outputs.scopes.join(' ')],
        ['init finished', v.complete ? 'yes' : 'no (run "okta-m2m init" again)'],
        ['drift', v.drift ? 'yes (run "okta-m2m init" to correct it)' : 'none'],
        ['token', token],
      ]),
      '',
      table(['STATE', 'KIND', 'NAME', 'ID', 'DIFFERENCES'], rows),
    ].join('\n');
  });
}
