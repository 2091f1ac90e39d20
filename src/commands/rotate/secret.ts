import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { examples } from '../define.js';
import { graceOption, oktaSetup, realClock, showPlanAndConfirm, showResult, tokenEndpointOf } from './shared.js';

export const command = () =>
  new Command('secret')
    .description("replace the setup's client secret without downtime (two secrets overlap, then the old one goes)")
    .option('--finish', 'deactivate and delete the old secret in this run (after the new one is verified)')
    .option('--grace <duration>', 'wait this long after the switch, then finish (30s, 10m, 1h)', graceOption)
    .option('--dry-run', 'print the plan and stop')
    .option('--print-new-secret', 'print the new secret on stdout (only then; never on stderr or in logs)')
    .option('--to-env-file <path>', 'write OKTA_M2M_CLIENT_ID and OKTA_M2M_CLIENT_SECRET to this file (0600, atomic)')
    .addHelpText(
      'after',
      examples(
        'okta-m2m rotate secret --yes                 add and verify a second secret; the keychain switches to it',
        'okta-m2m rotate secret --finish --yes        then: deactivate and delete the old one',
        'okta-m2m rotate secret --grace 10m --yes     both in one run, ten minutes apart',
        'okta-m2m rotate secret --yes --to-env-file .env.okta',
      ),
    );

export type RotateSecretOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: RotateSecretOptions): Promise<void> {
  const { profile, setup } = await oktaSetup(ctx);
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
