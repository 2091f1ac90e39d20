import { profilesFile } from './paths.js';
import { readJsonFile, writeJsonAtomic } from './files.js';
import { damaged, expectRecord, optionalString } from './validate.js';
import { NotFoundError, UsageError } from '../errors.js';

export type OktaAuthMode = 'ssws' | 'private_key_jwt';

/** What a profile holds: where and how to connect. Never a secret: those live in the keychain. */
export interface Profile {
  orgUrl?: string;
  authMode?: OktaAuthMode;
  /** For private_key_jwt: okta-m2m's own service app and the key id of its key. */
  clientId?: string;
  keyId?: string;
  /** When that key was made or registered (ISO 8601): login, bootstrap and rotate key --login set it. */
  keyCreatedAt?: string;
  scopes?: string[];
  /** The management client sends DPoP proofs: okta-m2m's own app requires DPoP-bound tokens. */
  dpop?: boolean;
  /** What `login --oauth --bootstrap` made in the org (ids only), so that a re-run finds it and logout --remote removes it. */
  bootstrap?: BootstrapRecord;
  auth0?: { domain: string; clientId: string; baseUrl?: string };
}

export interface BootstrapRecord {
  appId?: string;
  clientId?: string;
  /** okta.* scope -> grant id */
  grantIds?: Record<string, string>;
  roleId?: string;
  resourceSetId?: string;
  assignmentId?: string;
  /** A standard role (--role) instead of the custom one. */
  standardRole?: string;
}

export interface ProfilesDocument {
  current: string;
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(`"${name}" is not a valid profile name.`, {
      hint: 'Use letters, digits, ".", "_" or "-" (at most 64 characters).',
    });
  }
  return name;
}

export async function loadProfiles(env: NodeJS.ProcessEnv = process.env): Promise<ProfilesDocument> {
  const file = profilesFile(env);
  const raw = await readJsonFile(file, 'profiles');
  if (raw === undefined) return { current: DEFAULT_PROFILE, profiles: {} };
  const doc = expectRecord(raw, 'the file', file);
  const current = optionalString(doc, 'current', file) ?? DEFAULT_PROFILE;
  const profiles: Record<string, Profile> = {};
  for (const [name, value] of Object.entries(expectRecord(doc.profiles ?? {}, '"profiles"', file))) {
    profiles[name] = parseProfile(value, name, file);
  }
  return { current, profiles };
}

export async function saveProfiles(doc: ProfilesDocument, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await writeJsonAtomic(profilesFile(env), { version: 1, ...doc });
}

/** The profile to use: --profile, then $OKTA_M2M_PROFILE, then the current one. */
export function resolveProfileName(doc: ProfilesDocument, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return checkProfileName(flag ?? env.OKTA_M2M_PROFILE ?? doc.current);
}

export function requireProfile(doc: ProfilesDocument, name: string): Profile {
  const profile = doc.profiles[name];
  if (!profile?.orgUrl) {
    throw new NotFoundError(`Profile "${name}" is not connected to an Okta org.`, {
      hint: `Run "okta-m2m login${name === DEFAULT_PROFILE ? '' : ` --profile ${name}`}" first.`,
    });
  }
  return profile;
}

function parseProfile(value: unknown, name: string, file: string): Profile {
  const record = expectRecord(value, `profile "${name}"`, file);
  const authMode = optionalString(record, 'authMode', file);
  if (authMode !== undefined && authMode !== 'ssws' && authMode !== 'private_key_jwt') {
    throw damaged(file, `profile "${name}" has an unknown authMode`);
  }
  const scopes = record.scopes;
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))) {
    throw damaged(file, `profile "${name}" has scopes that are not a list of strings`);
  }
  const profile: Profile = {};
  const orgUrl = optionalString(record, 'orgUrl', file);
  if (orgUrl) profile.orgUrl = orgUrl;
  if (authMode) profile.authMode = authMode;
  const clientId = optionalString(record, 'clientId', file);
  if (clientId) profile.clientId = clientId;
  const keyId = optionalString(record, 'keyId', file);
  if (keyId) profile.keyId = keyId;
  const keyCreatedAt = optionalString(record, 'keyCreatedAt', file);
  if (keyCreatedAt !== undefined) {
    if (Number.isNaN(Date.parse(keyCreatedAt)))
      throw damaged(file, `profile "${name}" has a keyCreatedAt that is not a time`);
    profile.keyCreatedAt = keyCreatedAt;
  }
  if (scopes) profile.scopes = scopes;
  if (record.dpop !== undefined && typeof record.dpop !== 'boolean')
    throw damaged(file, `profile "${name}" has a dpop that is not true or false`);
  if (record.dpop === true) profile.dpop = true;
  if (record.bootstrap !== undefined) profile.bootstrap = parseBootstrap(record.bootstrap, name, file);
  if (record.auth0 !== undefined) {
    const auth0 = expectRecord(record.auth0, `profile "${name}".auth0`, file);
    const domain = optionalString(auth0, 'domain', file);
    const auth0ClientId = optionalString(auth0, 'clientId', file);
    if (!domain || !auth0ClientId) throw damaged(file, `profile "${name}".auth0 needs domain and clientId`);
    profile.auth0 = { domain, clientId: auth0ClientId };
    const baseUrl = optionalString(auth0, 'baseUrl', file);
    if (baseUrl) profile.auth0.baseUrl = baseUrl;
  }
  return profile;
}

function parseBootstrap(value: unknown, name: string, file: string): BootstrapRecord {
  const record = expectRecord(value, `profile "${name}".bootstrap`, file);
  const out: BootstrapRecord = {};
  for (const key of ['appId', 'clientId', 'roleId', 'resourceSetId', 'assignmentId', 'standardRole'] as const) {
    const text = optionalString(record, key, file);
    if (text) out[key] = text;
  }
  if (record.grantIds !== undefined) {
    const grants = expectRecord(record.grantIds, `profile "${name}".bootstrap.grantIds`, file);
    out.grantIds = Object.fromEntries(
      Object.entries(grants).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  return out;
}

/**
 * The key's creation time for a profile saved now: kept when the key is the one the profile had (same key id),
 * else now.
 */
export function keyCreatedAtFor(previous: Profile | undefined, keyId: string | undefined, now: Date): string {
  return previous?.keyCreatedAt && keyId !== undefined && previous.keyId === keyId
    ? previous.keyCreatedAt
    : now.toISOString();
}
