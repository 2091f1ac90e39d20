import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { bridgeTokenText, decodeBridgeToken, isSealedBridgeToken } from '../../scim/bridge-token.js';
import { maskSecret, registerSecret } from '../../secrets/redact.js';
import { keyValues } from '../../ui/format.js';
import { readAll } from '../../ui/streams.js';
import { examples } from '../define.js';
import { withUsageErrors } from './usage-errors.js';

export const command = () =>
  new Command('decode')
    .description(
      'read a bridge token (argument or stdin) and show its fields, the secret masked (a sealed one: its version and key id)',
    )
    .argument('[token]', 'the token, or "-" for stdin (the default when stdin is not a terminal)')
    .option('--show-secret', 'show the client secret')
    .addHelpText(
      'after',
      examples(
        'okta-m2m scim-token decode eyJ2IjoxLCJ0b2tlblVybCI6...',
        'okta-m2m scim-token decode --json < bridge-token.txt',
      ),
    );

type DecodeOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: DecodeOptions, argument: string | undefined): Promise<void> {
  let input: string;
  if (argument !== undefined && argument !== '-') {
    input = argument;
  } else if (!ctx.io.stdin.isTTY) {
    input = await readAll(ctx.io.stdin).catch(() => {
      throw new UsageError('The bridge token on stdin is too large.', {
        hint: 'A bridge token is a few hundred bytes.',
      });
    });
  } else {
    throw new UsageError('No bridge token given.', { hint: 'Pass it as an argument or pipe it to stdin.' });
  }
  registerSecret(input.trim());
  if (isSealedBridgeToken(withUsageErrors(() => bridgeTokenText(input)))) {
    if (options.showSecret) {
      throw new UsageError(
        'A sealed bridge token shows no secret: only the bridge, with its private key, can open it.',
        {
          hint: 'Drop --show-secret to see its version and key id.',
        },
      );
    }
    const { inspectSealedBridgeToken } = await import('../../scim/sealed-token.js');
    const info = withUsageErrors(() => inspectSealedBridgeToken(input));
    ctx.ui.result(info, (v) =>
      keyValues([
        ['version', `${v.version} (sealed)`],
        ['key id (kid)', v.kid],
        ['alg', v.alg],
        ['enc', v.enc],
        ['credentials', 'sealed: readable only by the bridge'],
      ]),
    );
    return;
  }
  const token = withUsageErrors(() => decodeBridgeToken(input));
  registerSecret(token.clientSecret);
  const shown = { ...token, clientSecret: options.showSecret ? token.clientSecret : maskSecret(token.clientSecret) };
  const render = () =>
    keyValues([
      ['token URL', shown.tokenUrl],
      ['client id', shown.clientId],
      ['client secret', shown.clientSecret],
      ['scope', shown.scope],
      ['audience', shown.audience],
    ]);
  if (options.showSecret) ctx.ui.secretResult(ctx.ui.json ? JSON.stringify(shown, null, 2) : render());
  else ctx.ui.result(shown, render);
}
