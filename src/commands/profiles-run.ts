// The profiles and logout handlers, loaded when one of them runs (registration is in profiles.ts).
import type { Options } from './action.js';
import type { Context } from '../context.js';
import { NotFoundError } from '../errors.js';
import { checkProfileName, saveProfiles } from '../config/profiles.js';
import { secretRefs } from '../secrets/refs.js';
import { table } from './handler-kit.js';

export async function list(ctx: Context): Promise<void> {
  const doc = await ctx.profiles();
  const current = await ctx.profileName();
  const rows = Object.entries(doc.profiles).map(([name, profile]) => ({
    name,
    current: name === current,
    orgUrl: profile.orgUrl ?? null,
    authMode: profile.authMode ?? null,
    auth0Domain: profile.auth0?.domain ?? null,
  }));
  ctx.ui.result(rows, () =>
    rows.length === 0
      ? 'No profiles yet. Run "okta-m2m login" to make one.'
      : table(
          ['', 'PROFILE', 'OKTA ORG', 'AUTH', 'AUTH0 TENANT'],
          rows.map((row) => [
            row.current ? '*' : '',
            row.name,
            row.orgUrl ?? '-',
            row.authMode ?? '-',
            row.auth0Domain ?? '-',
          ]),
        ),
  );
}

export async function use(ctx: Context, _options: Options, [name]: string[]): Promise<void> {
  const doc = await ctx.profiles();
  const wanted = checkProfileName(String(name));
  if (!doc.profiles[wanted]) throw unknownProfile(wanted, Object.keys(doc.profiles));
  await saveProfiles({ ...doc, current: wanted }, ctx.env);
  ctx.ui.success(`now using profile "${wanted}"`);
}

export async function remove(ctx: Context, _options: Options, [name]: string[]): Promise<void> {
  const doc = await ctx.profiles();
  const wanted = checkProfileName(String(name));
  if (!doc.profiles[wanted]) throw unknownProfile(wanted, Object.keys(doc.profiles));
  await forgetCredentials(ctx, wanted);
  const { [wanted]: _removed, ...rest } = doc.profiles;
  await saveProfiles({ current: doc.current === wanted ? 'default' : doc.current, profiles: rest }, ctx.env);
  ctx.ui.success(`removed profile "${wanted}"`);
}

export async function logout(ctx: Context): Promise<void> {
  const doc = await ctx.profiles();
  const name = await ctx.profileName();
  const removedSecrets = await forgetCredentials(ctx, name);
  const { [name]: profile, ...rest } = doc.profiles;
  if (profile) await saveProfiles({ current: doc.current, profiles: rest }, ctx.env);
  if (!profile && removedSecrets === 0) ctx.ui.info(`profile "${name}" was not logged in`);
  else ctx.ui.success(`logged out of profile "${name}"`);
}

/** The login credentials of a profile; app secrets made by `init` stay until `destroy`. */
async function forgetCredentials(ctx: Context, profile: string): Promise<number> {
  const refs = [secretRefs.oktaApiToken(profile), secretRefs.oktaPrivateKey(profile), secretRefs.auth0ManagementSecret(profile)];
  let removed = 0;
  for (const ref of refs) if (await ctx.secrets.delete(ref)) removed += 1;
  removed += await (await import('../oauth/token-cache.js')).clearProfileTokens(ctx.secrets, profile);
  return removed;
}

function unknownProfile(name: string, known: string[]): NotFoundError {
  return new NotFoundError(`There is no profile "${name}".`, {
    hint: known.length ? `Known profiles: ${known.join(', ')}.` : 'Run "okta-m2m login" to make one.',
  });
}
