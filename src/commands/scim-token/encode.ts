import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { encodeBridgeToken, type BridgeToken } from '../../scim/bridge-token.js';
import { DEFAULT_SCIM_PATH, bridgeBaseUrl } from '../../scim/bridge-url.js';
import { registerSecret } from '../../secrets/redact.js';
import { secretRefs } from '../../secrets/refs.js';
import { examples } from '../define.js';
import { collectList } from '../options.js';
import { resolveClientSecret } from '../secret-input.js';
import { withUsageErrors, withUsageErrorsAsync } from './usage-errors.js';

// scim-token's handlers are small (about 6 KB minified with the bridge token codec) and `scim-token encode` is bound
// by start-up, so they load with the CLI; measured, one more dynamic import slowed `encode` by 4 to 15 ms.

export const command = () =>
  new Command('encode')
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
    .option('--seal', "seal the token (version 2) to the bridge's public key: only the bridge can read the secret")
    .option(
      '--bridge-public-key <file>',
      "with --seal: the bridge's public key (a JWK file; default: the key the last hook deploy or serve of scim-bridge recorded)",
    )
    .addHelpText(
      'after',
      `
The secret comes from --client-secret-stdin, else the keychain (what \`init\` stored, or
$OKTA_M2M_CLIENT_SECRET), else a prompt on a terminal.

--seal encrypts the credentials to the bridge key (a JWE, ECDH-ES+A256KW with A256GCM): whoever reads the Okta
SCIM app's settings, or a log of its Authorization header, sees no secret. The key's id (kid) is printed on stderr;
compare it with what "hook deploy scim-bridge" printed.
${examples(
  'okta-m2m scim-token encode --seal --token-url https://acme.okta.com/oauth2/aus1/v1/token --client-id 0oa1 \\\n      --client-secret-stdin < secret.txt',
  'okta-m2m scim-token encode --token-url https://acme.okta.com/oauth2/aus1/v1/token --client-id 0oa1 \\\n      --client-secret-stdin < secret.txt',
  'okta-m2m scim-token encode --token-url https://acme.okta.com/oauth2/aus1/v1/token --client-id 0oa1 \\\n      --bridge-url https://abc.lambda-url.eu-west-1.on.aws --target scim.example.com',
)}`,
    );

type EncodeOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: EncodeOptions): Promise<void> {
  const { bridgeUrl, target } = options;
  if ((bridgeUrl === undefined) !== (target === undefined)) {
    throw new UsageError('--bridge-url and --target go together.', {
      hint: 'Give both to also get the SCIM base URL, or neither.',
    });
  }
  const seal = Boolean(options.seal) || options.bridgePublicKey !== undefined;
  // jose loads only for a sealed token: the unsealed encode stays as quick to start as before.
  const sealing = seal
    ? await Promise.all([import('../../scim/sealed-token.js'), import('./bridge-key.js')])
    : undefined;
  const sealTo = sealing ? await sealing[1].bridgeKeyFor(ctx, options.bridgePublicKey) : undefined;
  const clientId = options.clientId;
  const token: BridgeToken = {
    tokenUrl: options.tokenUrl,
    clientId,
    clientSecret: await clientSecret(ctx, options, clientId),
  };
  if (options.scope?.length) token.scope = options.scope.join(' ');
  if (options.audience !== undefined) token.audience = options.audience;

  const encoded =
    sealing && sealTo
      ? await withUsageErrorsAsync(() => sealing[0].sealBridgeToken(token, sealTo.publicJwk))
      : withUsageErrors(() => encodeBridgeToken(token));
  registerSecret(encoded);
  const scimBaseUrl =
    bridgeUrl && target !== undefined
      ? withUsageErrors(() => bridgeBaseUrl(bridgeUrl, target, options.scimPath))
      : undefined;

  if (ctx.ui.json) {
    const sealed = sealTo ? { version: 2, kid: sealTo.kid } : {};
    ctx.ui.secretResult(
      JSON.stringify({ token: encoded, ...sealed, ...(scimBaseUrl ? { scimBaseUrl } : {}) }, null, 2),
    );
    return;
  }
  ctx.ui.secretResult(encoded);
  if (sealTo) ctx.ui.info(`sealed to the bridge key ${sealTo.kid} (${sealTo.from})`);
  if (scimBaseUrl) ctx.ui.info(`SCIM base URL for the Okta app: ${scimBaseUrl}`);
}

async function clientSecret(ctx: Context, options: EncodeOptions, clientId: string): Promise<string> {
  if (options.clientSecret !== undefined && !options.clientSecretStdin) {
    ctx.ui.warn('a secret given as --client-secret lands in your shell history; prefer --client-secret-stdin.');
    registerSecret(options.clientSecret);
    return options.clientSecret;
  }
  const refs = [secretRefs.clientSecret(await ctx.profileName(), clientId)];
  return resolveClientSecret(ctx, { fromStdin: Boolean(options.clientSecretStdin), refs, clientId });
}
