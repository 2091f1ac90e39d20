import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { keyValues } from '../../ui/format.js';
import { examples } from '../define.js';
import { collectList } from '../options.js';
import { TEMPLATE_ARGUMENT, buildFor } from './shared.js';

export const command = () =>
  new Command('build')
    .description('bundle a template and zip it deterministically; prints the path, size and SHA-256')
    .argument('<template>', TEMPLATE_ARGUMENT)
    .option('--out-dir <dir>', 'where the zip goes', 'build')
    .option(
      '--carry-claim <claim>',
      'token-hook: an assertion claim the function copies into the token when its CARRY_CLAIMS is unset (repeatable)',
      collectList,
    )
    .addHelpText(
      'after',
      examples(
        'okta-m2m hook build token-hook',
        'okta-m2m hook build token-hook --carry-claim tenant --carry-claim department',
        'okta-m2m hook build scim-bridge --out-dir dist --json',
      ),
    );

type BuildOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: BuildOptions, template: string): Promise<void> {
  const built = await buildFor(ctx, template, { outDir: options.outDir, carryClaims: options.carryClaim });
  const shown = {
    template: built.name,
    zipPath: built.zipPath,
    size: built.size,
    bundleSize: built.bundleSize,
    sha256: built.sha256,
    codeSha256: built.sha256Base64,
    ...(built.carryClaims ? { carryClaims: built.carryClaims } : {}),
  };
  ctx.ui.result(shown, (v) =>
    keyValues([
      ['zip', v.zipPath],
      ['size', `${v.size} bytes (index.mjs ${v.bundleSize} bytes)`],
      ['sha256', v.sha256],
      ['CodeSha256', v.codeSha256],
      ['carries', v.carryClaims?.join(', ')],
    ]),
  );
}
