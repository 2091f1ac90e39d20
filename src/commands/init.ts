import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { requireProfile } from '../config/profiles.js';
import { readJsonFile, writeJsonAtomic } from '../config/files.js';
import { confirmOrYes, passes, prompts } from '../ui/prompt.js';
import type { SetupSpec, SpecInput } from '../okta/setup/spec.js';
import type { OktaState } from '../okta/setup/state.js';
import type { Plan } from '../reconcile/plan.js';
import { examples, lockedUnlessDryRun } from './define.js';
import { oktaLabel as label, planJson, renderPlan } from '../ui/plan.js';
import { renderOutputs } from './okta-setup-text.js';
import { collectList, collectScopeNames } from './options.js';
import { TOP_LEVEL_SUMMARIES } from './summaries.js';

export const command = () =>
  new Command('init')
    .description(TOP_LEVEL_SUMMARIES.init.description)
    .option('--name <name>', 'name of the setup: the app and the authorization server are called this')
    .option('--audience <uri>', 'the audience (aud) of the access tokens (default: api://<name>)')
    .option('--description <text>', 'a description for the authorization server and policy')
    .option('--scope <scope>', 'a scope to make (repeatable, or comma separated)', collectScopeNames)
    .option('--default-scope <scope>', 'the scope Okta grants when a token request names none')
    .option(
      '--auth-method <method>',
      'client authentication: client_secret_basic (default), client_secret_post or private_key_jwt',
    )
    .option('--token-lifetime <minutes>', 'access token lifetime in minutes, 5 to 1440 (default 60)')
    .option('--all-clients', 'let the access policy apply to every client of the server, not only the new app')
    .option('--dpop', 'make the app require DPoP-bound access tokens (RFC 9449); token get then uses DPoP')
    .option('-f, --file <path>', 'read the setup from a file (okta-m2m.json)')
    .option('--save <path>', 'also write the setup to a file (for --file next time)')
    .option('--dry-run', 'print the plan and stop')
    .option(
      '--adopt',
      "take over existing objects of the setup's names that okta-m2m did not make (destroy leaves them)",
    )
    .option('--allow-breaking', 'apply breaking changes (scopes removed, audience changed, a rename) with --yes')
    .option(
      '--okta-api',
      "a service app for Okta's own management API (your automation): private_key_jwt, okta.* grants, a custom admin role",
    )
    .option(
      '--okta-scope <scope>',
      'with --okta-api: an okta.* scope to grant (repeatable, or comma separated)',
      collectList,
    )
    .option(
      '--role <role>',
      'with --okta-api: a standard admin role (such as READ_ONLY_ADMIN) instead of a custom role',
    )
    .option(
      '--public-key-file <path>',
      'with --okta-api: register your own public key (PEM or JWK) instead of a generated one',
    )
    .addHelpText(
      'after',
      `
The setup comes from the flags, else --file, else what the last init here applied, else ./okta-m2m.json, else
the wizard on a terminal. Running init again with the same setup changes nothing; a changed setup is updated in
place; an interrupted run is completed by running it again.
${examples(
  'okta-m2m init --name orders-api --audience api://orders --scope orders:read --scope orders:write --yes',
  'okta-m2m init --file okta-m2m.json --dry-run',
  'okta-m2m init --okta-api --name user-report --okta-scope okta.users.read --yes',
  'okta-m2m init                       # the wizard, on a terminal',
)}`,
    );

type InitOptions = ReturnType<ReturnType<typeof command>['opts']>;

/** The options that describe the setup (as opposed to where it comes from or what to do with it). */
const SPEC_FLAGS = [
  'name',
  'audience',
  'description',
  'scope',
  'defaultScope',
  'authMethod',
  'tokenLifetime',
  'allClients',
  'dpop',
] as const;

export async function run(ctx: Context, options: InitOptions): Promise<void> {
  // The modules the run uses load together, not one after another as it reaches them (a failure is reported where
  // the module is used).
  Promise.all([
    import('./project-lock.js'),
    import('../config/lock.js'),
    import('./init-okta-api.js'),
    import('../okta/setup/state.js'),
    setupModules(),
  ]).catch(() => undefined);
  return lockedUnlessDryRun('init', execute)(ctx, options);
}

/** What the run of an API setup reads, plans and applies with. */
function setupModules() {
  return Promise.all([
    import('../okta/setup/observe.js'),
    import('../okta/setup/plan.js'),
    import('../okta/setup/status.js'),
    import('../okta/setup/apply.js'),
    import('../okta/setup/outputs.js'),
    import('../rotate/state.js'),
    import('../reconcile/keychain-preflight.js'),
  ]);
}

async function execute(ctx: Context, options: InitOptions): Promise<void> {
  // Once the lock is held (so it reads what a run before this one wrote): the connection, with the keychain read of
  // the profile's credential, is made while the run reads its files; its failure is reported where it is awaited.
  ctx.okta().catch(() => undefined);
  const oktaApi = await import('./init-okta-api.js');
  if (
    options.oktaApi ||
    (await oktaApi.isOktaApiFile(ctx, options.file)) ||
    (!options.name && !options.file && (await oktaApi.recordedOktaApi(ctx, await ctx.profileName())))
  ) {
    return oktaApi.initOktaApi(ctx, options);
  }
  for (const [flag, set] of [
    ['--okta-scope', options.oktaScope],
    ['--role', options.role],
    ['--public-key-file', options.publicKeyFile],
  ] as const) {
    if (set !== undefined)
      throw new UsageError(`${flag} goes with --okta-api.`, { hint: 'Add --okta-api, or leave it out.' });
  }
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  requireProfile(doc, name);
  const { readOktaState, StateRecorder } = await import('../okta/setup/state.js');
  const projectState = await ctx.state();
  const recorded = readOktaState(projectState, name);
  const desired = await desiredSpec(ctx, options, recorded);
  if ('oktaApi' in desired) return oktaApi.oktaApiWizard(ctx);
  const spec = 'wizard' in desired ? desired.wizard.spec : desired;
  // The wizard's file is written once the plan is confirmed: a declined plan leaves nothing behind.
  const saveAfterConfirm = 'wizard' in desired ? desired.wizard.saveTo : undefined;
  if (options.save !== undefined) await saveSpecFile(ctx, options.save, spec);

  const [
    { observe },
    { computePlan },
    { credentialLookup, secretRotationOf },
    { apply },
    { outputsOf },
    { readRotation },
    { startKeychainPreflight },
  ] = await setupModules();
  const client = await ctx.okta();
  if (recorded && recorded.orgUrl !== client.orgUrl) {
    ctx.ui.warn(
      `the project state here was made for ${recorded.orgUrl}; profile "${name}" uses ${client.orgUrl}. Its ids are ignored.`,
    );
  }
  ctx.ui.progress(`reading what exists in ${client.orgUrl} ...`);
  // A first run will keep a new credential: the keychain is checked while the reads are on the wire.
  if (!options.dryRun && !recorded?.clientId) startKeychainPreflight(ctx.secrets, name);
  const observed = await observe(client, spec, recorded, credentialLookup(ctx.secrets, name), {
    adopt: Boolean(options.adopt),
    // A rotation's second secret is legitimate: never an orphan.
    secretRotation: secretRotationOf(readRotation(projectState, name)),
  });
  const plan = computePlan(spec, observed);

  if (options.dryRun) {
    ctx.ui.result(planJson(plan), () => renderPlan(plan, { label }));
    return;
  }
  ctx.ui.info(`org: ${client.orgUrl}`);
  ctx.ui.info(renderPlan(plan, { label }));
  if (plan.changed) {
    const yes = await confirmOrYes(ctx.ui, ctx.globals.yes, 'Apply these changes?');
    if (!yes) {
      ctx.ui.info('nothing changed.');
      return;
    }
    if (!(await breakingConfirmed(ctx, plan, Boolean(options.allowBreaking)))) {
      ctx.ui.info('nothing changed.');
      return;
    }
  } else {
    ctx.ui.success('everything is as the setup says; nothing to change.');
  }
  if (saveAfterConfirm !== undefined) await saveSpecFile(ctx, saveAfterConfirm, spec);

  const base: OktaState = recorded && recorded.orgUrl === client.orgUrl ? recorded : { orgUrl: client.orgUrl };
  const recorder = new StateRecorder(projectState, name, base);
  const state = await apply(
    {
      client,
      profile: name,
      secrets: ctx.secrets,
      recorder,
      report: (event) =>
        ctx.ui.success(`${event.action} ${label(event.kind)} ${event.name}${event.id ? ` (${event.id})` : ''}`),
    },
    spec,
    observed,
  );
  await recorder.flush();
  const outputs = outputsOf(state, name);
  ctx.ui.result(outputs, renderOutputs);
}

/** Breaking changes need --allow-breaking with --yes, or a second confirmation from a person. */
async function breakingConfirmed(ctx: Context, plan: Plan, allowed: boolean): Promise<boolean> {
  const { breakingItems } = await import('../reconcile/plan.js');
  const breaking = breakingItems(plan);
  if (breaking.length === 0 || allowed) return true;
  const what = breaking.map((i) => `${label(i.kind) || i.kind} ${i.name}`).join(', ');
  if (ctx.globals.yes || !ctx.ui.interactive) {
    throw new UsageError(`The plan has breaking changes (${what}); nothing was changed.`, {
      hint: 'Consumers may stop working: pass --allow-breaking with --yes to apply them, or run init without the change.',
    });
  }
  return confirmOrYes(ctx.ui, false, `These changes may break consumers (${what}). Apply them anyway?`);
}

async function desiredSpec(
  ctx: Context,
  options: InitOptions,
  recorded: OktaState | undefined,
): Promise<SetupSpec | { oktaApi: true } | { wizard: WizardAnswer }> {
  const { SPEC_FILE, specFromFile, validateSpec } = await import('../okta/setup/spec.js');
  const flagged = SPEC_FLAGS.filter((flag) => options[flag] !== undefined);
  if (options.file !== undefined) {
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
      allClients: options.allClients,
      dpop: options.dpop,
    };
    if (input.name === undefined && recorded?.spec) {
      // Flags change the setup applied last time.
      const base = recorded.spec;
      return validateSpec(
        {
          name: base.name,
          audience: input.audience ?? base.audience,
          description: input.description ?? base.description,
          scopes: input.scopes ?? base.scopes,
          defaultScope: input.defaultScope ?? (input.scopes ? undefined : base.defaultScope),
          authMethod: input.authMethod ?? base.authMethod,
          tokenLifetimeMinutes: input.tokenLifetimeMinutes ?? base.tokenLifetimeMinutes,
          allClients: input.allClients ?? base.allClients,
          dpop: input.dpop ?? base.dpop,
        },
        'the flags',
      );
    }
    return validateSpec(input, 'the flags');
  }
  if (recorded?.spec) {
    ctx.ui.progress('using the setup init applied here last time');
    return validateSpec(recorded.spec, 'the project state');
  }
  const defaultFile = resolve(ctx.io.cwd, SPEC_FILE);
  const fromFile = await readJsonFile(defaultFile, 'setup');
  if (fromFile !== undefined) {
    ctx.ui.progress(`using the setup in ${defaultFile}`);
    return specFromFile(fromFile, defaultFile);
  }
  if (await (await import('./init-okta-api.js')).wizardChoosesOktaApi(ctx)) return { oktaApi: true };
  return { wizard: await wizard(ctx) };
}

function kebab(flag: string): string {
  return flag === 'scope' ? 'scope' : flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The wizard's setup, and where to save it (once the plan is confirmed) if the user said so. */
interface WizardAnswer {
  spec: SetupSpec;
  saveTo?: string;
}

async function wizard(ctx: Context): Promise<WizardAnswer> {
  const inquirer = await prompts(ctx.ui, 'The setup (--name and --scope, or --file okta-m2m.json)');
  const { AUTH_METHODS, DEFAULT_TOKEN_LIFETIME_MINUTES, SPEC_FILE, validateSpec } =
    await import('../okta/setup/spec.js');
  const io = { output: ctx.io.stderr, input: ctx.io.stdin };
  const name = await inquirer.input(
    {
      message: 'Name of the API (the app and authorization server get this name)',
      validate: (v: string) => passes(() => validateSpec({ name: v, scopes: ['x'] })),
    },
    io,
  );
  const audience = await inquirer.input(
    {
      message: 'Audience of the tokens',
      default: `api://${name
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')}`,
    },
    io,
  );
  const description = await inquirer.input(
    { message: 'Description', default: `M2M access to ${name.trim()} (made by okta-m2m)` },
    io,
  );
  const scopeText = await inquirer.input(
    {
      message: 'Scopes (space or comma separated)',
      default: `${name
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')}:read`,
      validate: (v: string) => passes(() => validateSpec({ name: 'x', scopes: v.split(/[\s,]+/).filter(Boolean) })),
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
      validate: (v: string) => passes(() => validateSpec({ name: 'x', scopes: ['x'], tokenLifetimeMinutes: v })),
    },
    io,
  );
  const allClients = await inquirer.confirm(
    { message: 'Let the policy apply to all clients of the server?', default: false },
    io,
  );
  const spec = validateSpec(
    {
      name,
      audience,
      description,
      scopes,
      defaultScope: defaultScope || undefined,
      authMethod,
      tokenLifetimeMinutes: lifetime,
      allClients,
    },
    'the wizard',
  );
  const save = await inquirer.confirm(
    { message: `Save this setup to ${SPEC_FILE} (for --file next time)?`, default: true },
    io,
  );
  return save ? { spec, saveTo: SPEC_FILE } : { spec };
}

async function saveSpecFile(ctx: Context, file: string, spec: SetupSpec): Promise<void> {
  const { specToFile } = await import('../okta/setup/spec.js');
  const path = resolve(ctx.io.cwd, file);
  await writeJsonAtomic(path, specToFile(spec));
  ctx.ui.success(`saved the setup to ${path}`);
}
