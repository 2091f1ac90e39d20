import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { AuthError } from '../../errors.js';
import { requireProfile } from '../../config/profiles.js';
import { keyValues } from '../../ui/format.js';
import { examples } from '../define.js';

export const command = () =>
  new Command('status')
    .description("check a profile's credentials, like gh auth status: org, auth mode, key, scopes, role, a token")
    .addHelpText('after', examples('okta-m2m profiles status', 'okta-m2m profiles status --profile ci --json'));

interface ProfileStatus {
  profile: string;
  orgUrl: string | null;
  authMode: string | null;
  clientId: string | null;
  keyId: string | null;
  /** When the key was made or registered (ISO 8601); null for profiles from before okta-m2m recorded it. */
  keyCreatedAt: string | null;
  /** Whole days since then; null when not recorded. */
  keyAgeDays: number | null;
  scopes: string[] | null;
  roles: string[] | null;
  /** Why roles are null, when they could not be read. */
  rolesNote: string | null;
  canAuthenticate: boolean;
  problem: string | null;
}

export async function run(ctx: Context): Promise<void> {
  const name = await ctx.profileName();
  const profile = requireProfile(await ctx.profiles(), name);
  const status: ProfileStatus = {
    profile: name,
    orgUrl: profile.orgUrl ?? null,
    authMode: profile.authMode ?? null,
    clientId: profile.clientId ?? null,
    keyId: profile.keyId ?? null,
    keyCreatedAt: profile.keyCreatedAt ?? null,
    keyAgeDays: profile.keyCreatedAt ? ageInDays(profile.keyCreatedAt, new Date()) : null,
    scopes: profile.scopes ?? null,
    roles: null,
    rolesNote: null,
    canAuthenticate: false,
    problem: null,
  };
  try {
    const { oktaCall } = await import('../../okta/errors.js');
    const client = await ctx.okta();
    await oktaCall('list authorization servers', 'GET', () =>
      client.call('GET', '/api/v1/authorizationServers', { query: { limit: 1 } }),
    );
    status.canAuthenticate = true;
    if (profile.authMode === 'private_key_jwt' && profile.clientId) {
      try {
        const roles = await client.call<Array<{ type?: string; label?: string }>>(
          'GET',
          `/oauth2/v1/clients/${encodeURIComponent(profile.clientId)}/roles`,
        );
        status.roles = roles.map((r) => r.label ?? r.type ?? '?');
      } catch {
        status.rolesNote = 'not readable (needs okta.roles.read)';
      }
    } else status.rolesNote = "the API token acts with its admin's roles";
  } catch (error) {
    status.problem = error instanceof Error ? error.message : String(error);
  }
  ctx.ui.result(status, (s) =>
    keyValues([
      ['profile', s.profile],
      ['org', s.orgUrl ?? '-'],
      [
        'auth',
        s.authMode === 'private_key_jwt' ? 'OAuth private_key_jwt' : s.authMode === 'ssws' ? 'API token (SSWS)' : '-',
      ],
      ['client id', s.clientId ?? undefined],
      ['key id', s.keyId ?? undefined],
      [
        'key age',
        s.authMode === 'private_key_jwt'
          ? s.keyAgeDays === null
            ? 'not recorded'
            : `${s.keyAgeDays} day${s.keyAgeDays === 1 ? '' : 's'} (since ${s.keyCreatedAt ?? '?'})`
          : undefined,
      ],
      ['scopes', s.scopes?.join(' ') ?? undefined],
      ['roles', s.roles ? s.roles.join(', ') || 'none' : (s.rolesNote ?? undefined)],
      ['token', s.canAuthenticate ? 'yes: Okta accepts the credentials' : `no: ${s.problem ?? 'unknown'}`],
    ]),
  );
  if (!status.canAuthenticate) {
    throw new AuthError(`Profile "${name}" cannot authenticate to ${status.orgUrl ?? 'its org'}.`, {
      hint: `Run "okta-m2m login${name === 'default' ? '' : ` --profile ${name}`}" again.`,
    });
  }
}

/** Whole days from `since` to `now` (never negative: a clock set back reads as 0). */
export function ageInDays(since: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 86_400_000));
}
