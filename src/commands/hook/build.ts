import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { keyValues } from '../../ui/format.js';
import { examples } from '../define.js';
import { TEMPLATE_ARGUMENT, buildFor } from './shared.js';

export const command = () =>
  new Command('build')
    .description('bundle a template and zip it deterministically; prints the path, size and SHA-256')
    .argument('<template>', TEMPLATE_ARGUMENT)
    .option('--out-dir <dir>', 'where the zip goes', 'build')
    .addHelpText(
      'after',
      examples('okta-m2m hook build token-hook', 'okta-m2m hook build scim-bridge --out-dir dist --json'),
    );

type BuildOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: BuildOptions, template: string): Promise<void> {
  const built = await buildFor(ctx, template, options);
  const shown = {
    template: built.name,
    zipPath: built.zipPath,
    size: built.size,
    bundleSize: built.bundleSize,
    sha256: built.sha256,
    codeSha256: built.sha256Base64,
  };
  ctx.ui.result(shown, (v) =>
    keyValues([
      ['zip', v.zipPath],
      ['size', `${v.size} bytes (index.mjs ${v.bundleSize} bytes)`],
      ['sha256', v.sha256],
      ['CodeSha256', v.codeSha256],
    ]),
  );
}
