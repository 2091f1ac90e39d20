import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { secretRefs } from '../../secrets/refs.js';
import { keyValues } from '../../ui/format.js';
import { examples } from '../define.js';

export const command = () =>
  new Command('show')
    .description('hand a consumer its client secret: the app init made (or --client-id), from the keychain')
    .option('--client-id <id>', "the app's client id (default: the one init made here)")
    .option('--reveal', 'print the secret itself on stdout (without it: only whether it is there)')
    .option(
      '--to-env-file <path>',
      'write OKTA_M2M_CLIENT_ID, OKTA_M2M_CLIENT_SECRET and OKTA_M2M_ISSUER to a 0600 file, atomically',
    )
    .addHelpText(
      'after',
      examples(
        'okta-m2m secret show                          is the secret in the keychain?',
        'okta-m2m secret show --reveal | pbcopy        the secret on stdout only',
        'okta-m2m secret show --to-env-file .env.orders',
      ),
    );

type ShowOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: ShowOptions): Promise<void> {
  const profile = await ctx.profileName();
  const { readOktaState } = await import('../../okta/setup/state.js');
  const recorded = readOktaState(await ctx.state(), profile);
  const clientId = options.clientId?.trim() || recorded?.clientId;
  if (!clientId) {
    throw new UsageError('No client id: nothing made by init here for this profile, and no --client-id.', {
      hint: 'Run "okta-m2m init" here first, or pass --client-id.',
    });
  }
  if (options.reveal && options.toEnvFile !== undefined) {
    throw new UsageError('--reveal and --to-env-file are two places for the secret.', { hint: 'Choose one.' });
  }
  const ref = secretRefs.clientSecret(profile, clientId);
  const secret = await ctx.secrets.get(ref);
  if (secret === undefined) {
    throw new UsageError(`No client secret for ${clientId} in the keychain (profile "${profile}").`, {
      hint: 'init stores it when it makes the app; an app using private_key_jwt has no secret. Run "okta-m2m init" again to store a new one.',
    });
  }
  if (options.reveal) {
    ctx.ui.secretResult(secret);
    return;
  }
  if (options.toEnvFile !== undefined) {
    const path = resolve(ctx.io.cwd, options.toEnvFile);
    const orgUrl = (await ctx.profiles()).profiles[profile]?.orgUrl;
    const issuer =
      orgUrl && recorded?.authServerId && clientId === recorded.clientId
        ? `${orgUrl}/oauth2/${recorded.authServerId}`
        : undefined;
    const lines = [
      `OKTA_M2M_CLIENT_ID=${clientId}`,
      `OKTA_M2M_CLIENT_SECRET=${secret}`,
      ...(issuer ? [`OKTA_M2M_ISSUER=${issuer}`] : []),
    ];
    const { writeFileAtomic } = await import('../../config/files.js');
    await writeFileAtomic(path, `${lines.join('\n')}\n`, 0o600);
    ctx.ui.success(`wrote the client secret of ${clientId} to ${path} (mode 0600)`);
    ctx.ui.result({ clientId, file: path }, (v) =>
      keyValues([
        ['client id', v.clientId],
        ['file', v.file],
      ]),
    );
    return;
  }
  const source = ref.envVar && ctx.env[ref.envVar] ? `$${ref.envVar}` : 'keychain';
  ctx.ui.result({ clientId, present: true, in: source }, (v) =>
    keyValues([
      ['client id', v.clientId],
      ['secret', `set (in the ${v.in}); add --reveal to print it, or --to-env-file <path>`],
    ]),
  );
}
