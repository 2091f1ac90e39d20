import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { examples } from '../define.js';
import { renderDecoded, tokenInput } from './shared.js';

export const command = () =>
  new Command('decode')
    .description('show the header and claims of a JWT (no signature check: see "token verify")')
    .argument('[jwt]', 'the token, or "-" for stdin (the default when stdin is not a terminal)')
    .addHelpText(
      'after',
      examples(
        'okta-m2m token decode eyJraWQiOi...',
        'okta-m2m token get | okta-m2m token decode',
        'okta-m2m token decode - --json < token.txt',
      ),
    );

type DecodeOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, _options: DecodeOptions, jwt: string | undefined): Promise<void> {
  const { decodeJwt } = await import('../../oauth/jwt.js');
  const decoded = decodeJwt(await tokenInput(ctx, jwt));
  ctx.ui.result({ ...decoded, signatureVerified: false }, () => renderDecoded(decoded));
  ctx.ui.info('The signature was not checked: "okta-m2m token verify --issuer <url>" checks it.');
}
