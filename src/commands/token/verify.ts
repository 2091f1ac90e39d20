import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { CliError, UsageError } from '../../errors.js';
import { secretRefs } from '../../secrets/refs.js';
import { examples } from '../define.js';
import { collectList } from '../options.js';
import { optionalString, renderDecoded, tokenInput } from './shared.js';

export const command = () =>
  new Command('verify')
    .description("check a JWT's signature, issuer, audience, times and scopes; exit 1 with the reason when invalid")
    .argument('[jwt]', 'the token, or "-" for stdin (the default when stdin is not a terminal)')
    .option('--issuer <url>', 'the expected issuer (default: from the state); its keys come from discovery')
    .option('--audience <audience>', 'the expected audience (default: from the state)')
    .option('--scope <scope>', 'a scope the token must grant (repeatable)', collectList)
    .option('--clock-tolerance <seconds>', 'leeway for exp, nbf and iat', '30')
    .option('--allow-cross-origin', "accept the issuer's keys (jwks_uri) on another origin than the issuer's")
    .option(
      '--dpop-key <file>',
      "the token must be DPoP-bound to this key (cnf.jkt); without a file, a DPoP-bound token is checked against the keychain's key",
    )
    .addHelpText(
      'after',
      examples(
        'okta-m2m token get | okta-m2m token verify                 against what init made',
        'okta-m2m token verify "$TOKEN" --issuer https://acme.okta.com/oauth2/aus1 --audience api://orders --scope orders:read',
      ),
    );

type VerifyOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: VerifyOptions, jwt: string | undefined): Promise<void> {
  const { verifyJwt } = await import('../../oauth/jwt.js');
  const { oktaDefaults, auth0Defaults, verifyDefaults } = await import('../../oauth/defaults.js');
  const token = await tokenInput(ctx, jwt);
  const tolerance = Number(options.clockTolerance);
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 3600) {
    throw new UsageError(`--clock-tolerance "${options.clockTolerance}" is not a number of seconds (0 to 3600).`, {
      hint: 'For example: --clock-tolerance 30',
    });
  }
  let issuer = optionalString(options.issuer);
  let audience = optionalString(options.audience);
  if (!issuer) {
    const profile = await ctx.profileName();
    const state = await ctx.state();
    const trusted = (await ctx.profiles()).profiles[profile];
    const fromState = verifyDefaults(
      oktaDefaults(state.get(profile, 'okta'), trusted),
      auth0Defaults(state.get(profile, 'auth0'), trusted),
    );
    issuer = fromState?.issuer;
    audience ??= fromState?.audience;
  }
  if (!issuer) {
    throw new UsageError('No issuer to verify against.', {
      hint: "Pass --issuer (the token's own iss is not trusted for this), or run in a project set up by init.",
    });
  }
  const result = await verifyJwt({
    token,
    issuer,
    audience,
    scopes: options.scope,
    clockToleranceSec: tolerance,
    timeoutMs: ctx.globals.timeoutMs,
    metadata: await (
      await import('../../oauth/discovery.js')
    ).discover(issuer, { allowCrossOrigin: Boolean(options.allowCrossOrigin), timeoutMs: ctx.globals.timeoutMs }),
  });
  const expectedJkt = result.valid ? await dpopKeyThumbprint(ctx, options, result.claims) : undefined;
  if (expectedJkt !== undefined) {
    const cnf = result.claims.cnf;
    const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
    if (jkt !== expectedJkt) {
      result.valid = false;
      result.reason =
        typeof jkt === 'string'
          ? `cnf.jkt is not the DPoP key's thumbprint (${expectedJkt})`
          : 'the token is not DPoP-bound (no cnf.jkt)';
    }
  }
  const render = () =>
    [
      result.valid
        ? `valid: signature, issuer ${issuer}${audience ? `, audience ${audience}` : ''}, times${options.scope?.length ? ' and scopes' : ''}${expectedJkt ? ' and cnf.jkt (the DPoP key)' : ''} check out`
        : `not valid: ${result.reason ?? ''}`,
      '',
      renderDecoded(result),
    ].join('\n');
  if (result.valid || ctx.ui.json) ctx.ui.result(result, render);
  if (!result.valid) {
    throw new CliError(`The token is not valid: ${result.reason ?? 'unknown reason'}.`, {
      hint: `Checked against issuer ${issuer}${audience ? ` and audience ${audience}` : ''}.`,
      code: 'ERR_TOKEN_INVALID',
    });
  }
}

/**
 * The thumbprint the token must be bound to: of --dpop-key's file, else (for a token with cnf.jkt) of the
 * keychain's DPoP key for the token's client; undefined when there is nothing to check against.
 */
async function dpopKeyThumbprint(
  ctx: Context,
  options: VerifyOptions,
  claims: Record<string, unknown>,
): Promise<string | undefined> {
  const { thumbprintOfKeyText, loadDpopKey } = await import('../../oauth/dpop-keys.js');
  const file = optionalString(options.dpopKey);
  if (file) {
    const text = await (
      await import('../../config/files.js')
    ).readInputFile(resolve(ctx.io.cwd, file), 'the DPoP key file');
    return thumbprintOfKeyText(text, `the DPoP key file ${file}`);
  }
  const cnf = claims.cnf;
  const clientId =
    typeof claims.cid === 'string' ? claims.cid : typeof claims.client_id === 'string' ? claims.client_id : undefined;
  if (typeof cnf !== 'object' || cnf === null || !clientId) return undefined;
  const key = await loadDpopKey(ctx.secrets, secretRefs.dpopKey(await ctx.profileName(), clientId)).catch(
    () => undefined,
  );
  return key?.thumbprint;
}
