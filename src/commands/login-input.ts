// The credentials login reads (an API token from stdin, the environment or a prompt) and the profile it saves:
// shared by login and login --oauth --bootstrap.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { saveProfiles, type Profile } from '../config/profiles.js';
import { registerSecret } from '../secrets/redact.js';
import { prompts } from '../ui/prompt.js';
import { readAll } from '../ui/streams.js';

/** An API token from --api-token-stdin or $OKTA_M2M_API_TOKEN; undefined when neither gives one. */
export async function readApiToken(
  ctx: Context,
  options: { apiTokenStdin?: boolean | undefined },
): Promise<{ token: string; fromEnv: boolean } | undefined> {
  let token: string;
  let fromEnv = false;
  if (options.apiTokenStdin) {
    if (ctx.io.stdin.isTTY) {
      throw new UsageError('--api-token-stdin reads a pipe, but stdin is a terminal.', {
        hint: 'Pipe the token in: okta-m2m login --org-url ... --api-token-stdin < token.txt',
      });
    }
    token = (await readAll(ctx.io.stdin, 64 * 1024)).trim();
    if (!token) throw new UsageError('stdin held no API token.', { hint: 'Pipe the token in.' });
  } else if (ctx.env.OKTA_M2M_API_TOKEN) {
    token = ctx.env.OKTA_M2M_API_TOKEN.trim();
    fromEnv = true;
  } else {
    return undefined;
  }
  checkApiToken(token);
  return { token, fromEnv };
}

export async function promptApiToken(ctx: Context): Promise<string> {
  const { password } = await prompts(ctx.ui, 'The API token (--api-token-stdin or $OKTA_M2M_API_TOKEN)');
  const token = (
    await password({ message: 'Okta API token', mask: '*' }, { output: ctx.io.stderr, input: ctx.io.stdin })
  ).trim();
  checkApiToken(token);
  return token;
}

function checkApiToken(token: string): void {
  if (/\s/.test(token))
    throw new UsageError('The API token has spaces in it.', { hint: 'Give the token alone, not "SSWS <token>".' });
  registerSecret(token);
}

export async function saveProfile(ctx: Context, name: string, profile: Profile): Promise<void> {
  const doc = await ctx.profiles();
  const hadCurrent = Boolean(doc.profiles[doc.current]);
  const profiles = {
    ...doc.profiles,
    [name]: { ...(doc.profiles[name]?.auth0 ? { auth0: doc.profiles[name]?.auth0 } : {}), ...profile },
  };
  await saveProfiles({ current: hadCurrent ? doc.current : name, profiles }, ctx.env);
}
