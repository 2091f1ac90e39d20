import type { Command } from 'commander';
import type { ActionFactory, Options } from './action.js';
import { collectList } from './action.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { BridgeTokenError, decodeBridgeToken, encodeBridgeToken, type BridgeToken } from '../scim/bridge-token.js';
import { BridgeUrlError, DEFAULT_SCIM_PATH, bridgeBaseUrl } from '../scim/bridge-url.js';
import { maskSecret, registerSecret } from '../secrets/redact.js';
import { secretRefs } from '../secrets/refs.js';
import { keyValues, readAll, resolveClientSecret } from './handler-kit.js';

// Unlike the other commands, scim-token keeps its handlers here, loaded at start-up: they are small (about 6 KB
// minified with the bridge token codec), and `scim-token encode` is bound by start-up. Measured: a separate
// scim-token-run chunk (one more dynamic import) slowed `encode` by more (4 to 15 ms) than it sped up --help.

export function registerScimToken(program: Command, action: ActionFactory): void {
  const group = program
    .command('scim-token')
    .description('make and read the SCIM bridge token an Okta SCIM app sends to the bridge Lambda');

  group
    .command('encode')
    .description('build a bridge token; prints only the token on stdout')
    .requiredOption('--token-url <url>', 'the token endpoint the bridge gets access tokens from')
    .requiredOption('--client-id <id>', 'the client id the bridge authenticates as')
    .option('--client-secret-stdin', 'read the client secret from stdin')
    .option('--client-secret <secret>', 'the client secret (lands in shell history: prefer --client-secret-stdin)')
    .option('--scope <scope>', 'scope to request (repeatable)', collectList)
    .option('--audience <audience>', 'audience to request (Auth0)')
    .option('--bridge-url <url>', "the bridge's function URL, to print the SCIM base URL for the Okta app")
    .option('--target <host>', 'the SCIM server host behind the bridge (with --bridge-url)')
    .option('--scim-path <path>', 'the SCIM base path on the target', DEFAULT_SCIM_PATH)
    .addHelpText(
      'after',
      '\nThe secret comes from --client-secret-stdin, else the keychain (what `init` stored, or\n$OKTA_M2M_CLIENT_SECRET), else a prompt on a terminal.\n',
    )
    .action(action(encode));

  group
    .command('decode')
    .description('read a bridge token (argument or stdin) and show its fields, the secret masked')
    .argument('[token]', 'the token, or "-" for stdin (the default when stdin is not a terminal)')
    .option('--show-secret', 'show the client secret')
    .action(action(decode));
}

async function encode(ctx: Context, options: Options): Promise<void> {
  if ((options.bridgeUrl === undefined) !== (options.target === undefined)) {
    throw new UsageError('--bridge-url and --target go together.', {
      hint: 'Give both to also get the SCIM base URL, or neither.',
    });
  }
  const clientId = String(options.clientId);
  const token: BridgeToken = {
    tokenUrl: String(options.tokenUrl),
    clientId,
    clientSecret: await clientSecret(ctx, options, clientId),
  };
  const scopes = options.scope as string[] | undefined;
  if (scopes?.length) token.scope = scopes.join(' ');
  if (typeof options.audience === 'string') token.audience = options.audience;

  const encoded = withUsageErrors(() => encodeBridgeToken(token));
  registerSecret(encoded);
  const scimBaseUrl = options.bridgeUrl
    ? withUsageErrors(() => bridgeBaseUrl(String(options.bridgeUrl), String(options.target), String(options.scimPath)))
    : undefined;

  if (ctx.ui.json) {
    ctx.ui.secretResult(JSON.stringify(scimBaseUrl ? { token: encoded, scimBaseUrl } : { token: encoded }, null, 2));
    return;
  }
  ctx.ui.secretResult(encoded);
  if (scimBaseUrl) ctx.ui.info(`SCIM base URL for the Okta app: ${scimBaseUrl}`);
}

async function clientSecret(ctx: Context, options: Options, clientId: string): Promise<string> {
  if (typeof options.clientSecret === 'string' && !options.clientSecretStdin) {
    ctx.ui.warn('a secret given as --client-secret lands in your shell history; prefer --client-secret-stdin.');
    registerSecret(options.clientSecret);
    return options.clientSecret;
  }
  const refs = [secretRefs.clientSecret(await ctx.profileName(), clientId)];
  return resolveClientSecret(ctx, { fromStdin: Boolean(options.clientSecretStdin), refs, clientId });
}

async function decode(ctx: Context, options: Options, args: string[]): Promise<void> {
  const argument = args[0];
  let input: string;
  if (argument !== undefined && argument !== '-') {
    input = argument;
  } else if (!ctx.io.stdin.isTTY) {
    input = await readAll(ctx.io.stdin).catch(() => {
      throw new UsageError('The bridge token on stdin is too large.', { hint: 'A bridge token is a few hundred bytes.' });
    });
  } else {
    throw new UsageError('No bridge token given.', { hint: 'Pass it as an argument or pipe it to stdin.' });
  }
  registerSecret(input.trim());
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

function withUsageErrors<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof BridgeTokenError) {
      throw new UsageError(`Invalid bridge token: ${error.message}.`, {
        hint: 'Make one with "okta-m2m scim-token encode".',
      });
    }
    if (error instanceof BridgeUrlError) {
      throw new UsageError(`Invalid bridge URL: ${error.message}.`, {
        hint: 'Give the function URL (https://...lambda-url...on.aws) and the target host only.',
      });
    }
    throw error;
  }
}
