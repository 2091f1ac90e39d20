import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import type { BridgeToken } from '../../scim/bridge-token.js';
import { examples, lockedUnlessDryRun } from '../define.js';
import { choice } from '../options.js';
import { graceOption, oktaSetup, realClock, showPlanAndConfirm, showResult, tokenEndpointOf } from './shared.js';

export const command = () =>
  new Command('secret')
    .description("replace the setup's client secret without downtime (two secrets overlap, then the old one goes)")
    .option('--finish', 'deactivate and delete the old secret in this run (after the new one is verified)')
    .option('--grace <duration>', 'wait this long after the switch, then finish (30s, 10m, 1h)', graceOption)
    .option(
      '--provider <provider>',
      'okta or auth0 (default: the setup recorded here, Okta first)',
      choice(['okta', 'auth0'] as const, '--provider'),
    )
    .option('--dry-run', 'print the plan and stop')
    .option('--print-new-secret', 'print the new secret on stdout (only then; never on stderr or in logs)')
    .option('--to-env-file <path>', 'write OKTA_M2M_CLIENT_ID and OKTA_M2M_CLIENT_SECRET to this file (0600, atomic)')
    .option(
      '--print-bridge-token',
      "print the new secret's sealed SCIM bridge token on stdout, for the Okta SCIM app (needs the bridge key hook deploy or serve recorded)",
    )
    .addHelpText(
      'after',
      examples(
        'okta-m2m rotate secret --yes                 add and verify a second secret; the keychain switches to it',
        'okta-m2m rotate secret --finish --yes        then: deactivate and delete the old one',
        'okta-m2m rotate secret --grace 10m --yes     both in one run, ten minutes apart',
        'okta-m2m rotate secret --yes --to-env-file .env.okta',
        "okta-m2m rotate secret --yes --print-bridge-token  the SCIM app's new bridge token, sealed to the bridge key",
      ),
    );

type RotateSecretOptions = ReturnType<ReturnType<typeof command>['opts']>;

export const run = lockedUnlessDryRun('rotate secret', execute);

async function execute(ctx: Context, options: RotateSecretOptions): Promise<void> {
  if (options.printBridgeToken && options.printNewSecret) {
    throw new UsageError('--print-bridge-token and --print-new-secret both print on stdout.', { hint: 'Choose one.' });
  }
  if ((options.provider ?? (await recordedProvider(ctx))) === 'auth0') return runAuth0(ctx, options);
  const { profile, setup } = await oktaSetup(ctx);
  if (options.printBridgeToken) await requireBridgeKey(ctx, profile);
  const { planSecretRotation, rotateSecret } = await import('../../rotate/secret.js');
  const client = await ctx.okta();
  const input = {
    client,
    secrets: ctx.secrets,
    state: await ctx.state(),
    profile,
    setup,
    tokenEndpoint: tokenEndpointOf(client.orgUrl, setup),
  };
  const finish = Boolean(options.finish);
  const plan = await planSecretRotation(input, { finish, graceMs: options.grace });
  if (!(await showPlanAndConfirm(ctx, `rotate the client secret of ${setup.clientId}`, plan, options.dryRun))) return;
  const envFile = options.toEnvFile ? resolve(ctx.io.cwd, options.toEnvFile) : undefined;
  if (options.toEnvFile === '') throw new UsageError('--to-env-file needs a path.');
  let printed: string | undefined;
  const result = await rotateSecret(
    input,
    {
      finish,
      graceMs: options.grace,
      ...realClock,
      deliver: async (secret) => {
        if (envFile) {
          const { writeFileAtomic } = await import('../../config/files.js');
          await writeFileAtomic(envFile, `OKTA_M2M_CLIENT_ID=${setup.clientId}\nOKTA_M2M_CLIENT_SECRET=${secret}\n`);
          ctx.ui.success(`wrote the new secret to ${envFile}`);
        }
        if (options.printNewSecret) printed = secret;
        if (options.printBridgeToken)
          printed = await sealedBridgeToken(ctx, profile, {
            tokenUrl: input.tokenEndpoint,
            clientId: setup.clientId!,
            clientSecret: secret,
            ...(setup.defaultScope ? { scope: setup.defaultScope } : {}),
          });
      },
    },
    (event) => (event.step === 'grace' ? ctx.ui.progress(event.message) : ctx.ui.success(event.message)),
  );
  if (printed !== undefined && !ctx.globals.json) {
    // stdout carries the secret alone (for a pipe); the summary goes to stderr.
    ctx.ui.secretResult(printed);
    ctx.ui.info(
      result.finished
        ? 'rotation finished.'
        : 'rotation in progress: run "okta-m2m rotate secret --finish" when consumers use the new secret.',
    );
    return;
  }
  showResult(ctx, 'rotate secret', result, printed);
}

/** Before any write: --print-bridge-token needs the bridge key that hook deploy (or serve) recorded. */
async function requireBridgeKey(ctx: Context, profile: string): Promise<void> {
  const { readBridgeKeyRecord } = await import('../../scim/bridge-key-record.js');
  if (await readBridgeKeyRecord(await ctx.state(), profile)) return;
  throw new UsageError('No bridge key is recorded here: there is nothing to seal the bridge token to.', {
    hint: 'Run "okta-m2m hook deploy scim-bridge" (or hook serve) first, or leave out --print-bridge-token and use scim-token encode --seal.',
  });
}

/** The SCIM app's bridge token for the new secret, sealed to the bridge key hook deploy (or serve) recorded. */
async function sealedBridgeToken(ctx: Context, profile: string, credentials: BridgeToken): Promise<string> {
  const { sealToRecordedBridgeKey } = await import('../../scim/bridge-key-record.js');
  const sealed = await sealToRecordedBridgeKey(await ctx.state(), profile, credentials);
  if (!sealed) throw new Error('the bridge key record went away during the rotation');
  ctx.ui.info(`sealed to the bridge key ${sealed.kid}`);
  return sealed.token;
}

async function recordedProvider(ctx: Context): Promise<'okta' | 'auth0'> {
  const state = await ctx.state();
  const profile = await ctx.profileName();
  return state.get(profile, 'okta') === undefined && state.get(profile, 'auth0') !== undefined ? 'auth0' : 'okta';
}

/** Auth0 has one secret per application: the rotation is immediate, so it is said plainly and confirmed. */
async function runAuth0(ctx: Context, options: RotateSecretOptions): Promise<void> {
  if (options.finish || options.grace !== undefined) {
    throw new UsageError('Auth0 replaces a client secret at once: there is no overlap to finish or wait out.', {
      hint: 'Leave out --finish and --grace.',
    });
  }
  const profile = await ctx.profileName();
  const { readAuth0State } = await import('../../auth0/setup/state.js');
  const setup = readAuth0State(await ctx.state(), profile);
  if (!setup?.clientId)
    throw new UsageError(`auth0 init has made no application here for profile "${profile}".`, {
      hint: 'Run "okta-m2m auth0 init" first.',
    });
  ctx.ui.warn(
    `Auth0 keeps one client secret per application: rotating ${setup.clientId} invalidates the current secret at once, and every consumer using it fails until it has the new one.`,
  );
  if (options.dryRun) {
    ctx.ui.result(
      {
        dryRun: true,
        provider: 'auth0',
        clientId: setup.clientId,
        steps: ['rotate the client secret (immediate)', 'store it in the keychain', 'verify a token with it'],
      },
      () => 'dry run: nothing changed.',
    );
    return;
  }
  const { confirmOrYes } = await import('../../ui/prompt.js');
  if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Replace the Auth0 client secret now?'))) {
    ctx.ui.info('nothing changed.');
    return;
  }
  const mgmt = await ctx.auth0();
  const { rotateAuth0Secret } = await import('../../rotate/auth0-secret.js');
  const secret = await rotateAuth0Secret(mgmt, ctx.secrets, profile, setup);
  ctx.ui.success('rotated the Auth0 client secret; it is in the keychain and a token with it works');
  if (options.toEnvFile) {
    const { writeFileAtomic } = await import('../../config/files.js');
    const file = resolve(ctx.io.cwd, options.toEnvFile);
    await writeFileAtomic(file, `OKTA_M2M_CLIENT_ID=${setup.clientId}\nOKTA_M2M_AUTH0_CLIENT_SECRET=${secret}\n`);
    ctx.ui.success(`wrote the new secret to ${file}`);
  }
  const value = { finished: true, provider: 'auth0', clientId: setup.clientId, immediate: true };
  if (options.printNewSecret) {
    if (ctx.globals.json) ctx.ui.secretResult(JSON.stringify({ ...value, newSecret: secret }, null, 2));
    else ctx.ui.secretResult(secret);
    return;
  }
  ctx.ui.result(
    value,
    () => 'rotation finished: the old Auth0 secret no longer works; the keychain holds the new one.',
  );
}
