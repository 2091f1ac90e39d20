import type { Context } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { secretRefs } from '../../secrets/refs.js';

/** The login credentials of a profile (what logout and profiles remove take away); app secrets stay until destroy. */
export async function forgetCredentials(ctx: Context, profile: string): Promise<number> {
  const refs = [
    secretRefs.oktaApiToken(profile),
    secretRefs.oktaPrivateKey(profile),
    secretRefs.auth0ManagementSecret(profile),
  ];
  let removed = 0;
  for (const ref of refs) if (await ctx.secrets.delete(ref)) removed += 1;
  removed += await (await import('../../oauth/token-cache.js')).clearProfileTokens(ctx.secrets, profile);
  return removed;
}

export function unknownProfile(name: string, known: string[]): NotFoundError {
  return new NotFoundError(`There is no profile "${name}".`, {
    hint: known.length ? `Known profiles: ${known.join(', ')}.` : 'Run "okta-m2m login" to make one.',
  });
}
