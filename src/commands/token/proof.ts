import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { secretRefs } from '../../secrets/refs.js';
// Types only: the domain modules (and jose) load inside run.
import type { DpopKey } from '../../oauth/dpop-keys.js';
import { examples } from '../define.js';
import { optionalString, tokenInput } from './shared.js';

export const command = () =>
  new Command('proof')
    .description("print a DPoP proof (RFC 9449) for one request, signed with the client's DPoP key")
    .requiredOption('--htm <method>', 'the HTTP method of the request (GET, POST, ...)')
    .requiredOption('--htu <url>', 'the URL of the request (the query and fragment are left out of the proof)')
    .option('--token <access-token>', 'the DPoP-bound access token the request carries, for ath ("-" reads stdin)')
    .option('--nonce <nonce>', 'the DPoP-Nonce the server last sent')
    .option('--client-id <id>', 'whose DPoP key signs (default: the client init made here)')
    .option('--dpop-key-file <file>', "sign with this EC P-256 private key (PEM or JWK) instead of the keychain's")
    .addHelpText(
      'after',
      `
A proof is good for one request (its jti is single-use) and a few minutes: make one per call.
${examples(
  'TOKEN=$(okta-m2m token get)',
  'curl -H "Authorization: DPoP $TOKEN" -H "DPoP: $(okta-m2m token proof --htm GET --htu https://api.example.com/orders --token "$TOKEN")" https://api.example.com/orders',
)}`,
    );

type ProofOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: ProofOptions): Promise<void> {
  const htm = options.htm.trim().toUpperCase();
  if (!/^[A-Z]{1,16}$/.test(htm))
    throw new UsageError(`--htm "${options.htm}" is not an HTTP method.`, { hint: 'For example: --htm GET' });
  let htu: URL;
  try {
    htu = new URL(options.htu);
  } catch {
    throw new UsageError(`--htu "${options.htu}" is not a URL.`, {
      hint: 'Give the full URL of the request: https://host/path',
    });
  }
  if (htu.protocol !== 'https:' && htu.protocol !== 'http:')
    throw new UsageError(`--htu "${options.htu}" is not an http(s) URL.`);
  const accessToken = options.token === undefined ? undefined : (await tokenInput(ctx, options.token)).trim();
  if (accessToken === '')
    throw new UsageError('--token is empty.', { hint: 'Pass the access token the request carries.' });
  const key = await signingKey(ctx, options);
  const proof = await key.prover.proof({ htm, htu: options.htu, accessToken, nonce: optionalString(options.nonce) });
  // The proof is what was asked for, printed exactly (it names no secret: the token only as a hash).
  if (ctx.ui.json) ctx.ui.secretResult(JSON.stringify({ proof, jkt: key.thumbprint }, null, 2));
  else ctx.ui.secretResult(proof);
}

async function signingKey(ctx: Context, options: ProofOptions): Promise<DpopKey> {
  const { dpopKeyFrom, loadDpopKey, parseDpopPrivateKey } = await import('../../oauth/dpop-keys.js');
  const file = optionalString(options.dpopKeyFile);
  if (file) {
    const text = await (
      await import('../../config/files.js')
    ).readInputFile(resolve(ctx.io.cwd, file), 'the DPoP key file');
    return dpopKeyFrom(parseDpopPrivateKey(text, `the DPoP key file ${file}`));
  }
  const clientId = optionalString(options.clientId) ?? (await stateClientId(ctx));
  if (!clientId) {
    throw new UsageError('No client: nothing in the project state and no --client-id.', {
      hint: 'Run "okta-m2m token get --dpop" for the client first (it makes the key), or pass --dpop-key-file.',
    });
  }
  const ref = secretRefs.dpopKey(await ctx.profileName(), clientId);
  const key = await loadDpopKey(ctx.secrets, ref);
  if (!key) {
    throw new UsageError(`There is no DPoP key for ${clientId}.`, {
      hint: `Run "okta-m2m token get --dpop --client-id ${clientId}" first (it makes and stores one), or set ${ref.envVar}.`,
    });
  }
  return key;
}

async function stateClientId(ctx: Context): Promise<string | undefined> {
  const { oktaDefaults } = await import('../../oauth/defaults.js');
  const profile = await ctx.profileName();
  const state = await ctx.state();
  return oktaDefaults(state.get(profile, 'okta')).clientId;
}
