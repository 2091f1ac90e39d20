import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { requireProfile, saveProfiles } from '../../config/profiles.js';
import { secretRefs } from '../../secrets/refs.js';
import { examples, lockedUnlessDryRun } from '../define.js';
import { graceOption, oktaSetup, realClock, showPlanAndConfirm, showResult, tokenEndpointOf } from './shared.js';
import type { KeyRotationInput } from '../../rotate/key.js';

export const command = () =>
  new Command('key')
    .description("replace a private_key_jwt key without downtime: the setup's app, or with --login okta-m2m's own")
    .option('--login', "rotate the key of okta-m2m's own service app (the profile's login), not the setup's app")
    .option('--app-id <id>', 'with --login: the app id of the service app when it is not its client id')
    .option('--finish', 'deactivate and delete the old key in this run (after the new one is verified)')
    .option('--grace <duration>', 'wait this long after the switch, then finish (30s, 10m, 1h)', graceOption)
    .option('--dry-run', 'print the plan and stop')
    .addHelpText(
      'after',
      examples(
        'okta-m2m rotate key --yes                    new key in the JWKS, verified; the keychain switches to it',
        'okta-m2m rotate key --finish --yes           then: deactivate and delete the old key',
        "okta-m2m rotate key --login --finish --yes   the same for okta-m2m's own service app, in one run",
      ),
    );

type RotateKeyOptions = ReturnType<ReturnType<typeof command>['opts']>;

export const run = lockedUnlessDryRun('rotate key', execute);

async function execute(ctx: Context, options: RotateKeyOptions): Promise<void> {
  const input = options.login ? await loginTarget(ctx, options.appId) : await appTarget(ctx);
  const { planKeyRotation, rotateKey } = await import('../../rotate/key.js');
  const finish = Boolean(options.finish);
  const plan = await planKeyRotation(input, { finish, graceMs: options.grace });
  const what = options.login
    ? `rotate the key of okta-m2m's service app ${input.clientId}`
    : `rotate the key of ${input.clientId}`;
  if (!(await showPlanAndConfirm(ctx, what, plan, options.dryRun))) return;
  const result = await rotateKey(input, { finish, graceMs: options.grace, ...realClock }, (event) =>
    event.step === 'grace' ? ctx.ui.progress(event.message) : ctx.ui.success(event.message),
  );
  showResult(ctx, `rotate key${options.login ? ' --login' : ''}`, result);
}

async function appTarget(ctx: Context): Promise<KeyRotationInput> {
  const { profile, setup } = await oktaSetup(ctx);
  if (setup.authMethod !== 'private_key_jwt') {
    throw new UsageError("The setup's app authenticates with a client secret, not a key.", {
      hint: 'Run "okta-m2m rotate secret" instead.',
    });
  }
  const { StateRecorder } = await import('../../okta/setup/state.js');
  const projectState = await ctx.state();
  const client = await ctx.okta();
  return {
    client,
    secrets: ctx.secrets,
    state: projectState,
    profile,
    target: 'app',
    appId: setup.appId as string,
    clientId: setup.clientId as string,
    keyRef: secretRefs.clientPrivateKey(profile, setup.clientId as string),
    recordedKid: setup.keyId,
    setKid: (kid) => new StateRecorder(projectState, profile, setup).update({ keyId: kid }),
    tokenEndpoint: tokenEndpointOf(client.orgUrl, setup),
    scopes: setup.scopes ?? [],
  };
}

async function loginTarget(ctx: Context, appId: string | undefined): Promise<KeyRotationInput> {
  const profile = await ctx.profileName();
  const doc = await ctx.profiles();
  const entry = requireProfile(doc, profile);
  if (entry.authMode !== 'private_key_jwt' || !entry.clientId) {
    throw new UsageError(`Profile "${profile}" logs in with an API token, not a key.`, {
      hint: 'Only an OAuth login (login --oauth) has a key to rotate.',
    });
  }
  const [{ connect, MANAGEMENT_SCOPES }, { orgTokenEndpoint }] = await Promise.all([
    import('../../okta/connect.js'),
    import('../../okta/oauth-login.js'),
  ]);
  const client = await ctx.okta();
  return {
    client,
    secrets: ctx.secrets,
    state: await ctx.state(),
    profile,
    target: 'login',
    appId: appId ?? entry.clientId,
    clientId: entry.clientId,
    keyRef: secretRefs.oktaPrivateKey(profile),
    recordedKid: entry.keyId,
    setKid: async (kid) => {
      entry.keyId = kid;
      entry.keyCreatedAt = new Date().toISOString();
      await saveProfiles(doc, ctx.env);
    },
    tokenEndpoint: orgTokenEndpoint(client.orgUrl),
    scopes: entry.scopes?.length ? entry.scopes : MANAGEMENT_SCOPES,
    // After the switch, sign with the new key: the old one is about to be deactivated.
    reconnect: () => connect(doc, profile, ctx.secrets, ctx.httpOptions()),
  };
}
