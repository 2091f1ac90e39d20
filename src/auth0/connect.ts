import { NotFoundError } from '../errors.js';
import type { Profile, ProfilesDocument } from '../config/profiles.js';
import { secretRefs } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import {
  createAuth0Management,
  type Auth0ClientOptions,
  type Auth0Credentials,
  type Auth0Management,
} from './client.js';

export function requireAuth0Profile(doc: ProfilesDocument, name: string): NonNullable<Profile['auth0']> {
  const auth0 = doc.profiles[name]?.auth0;
  if (!auth0) {
    throw new NotFoundError(`Profile "${name}" is not connected to an Auth0 tenant.`, {
      hint: `Run "okta-m2m auth0 login --domain <tenant> --client-id <id> --client-secret-stdin${name === 'default' ? '' : ` --profile ${name}`}" first.`,
    });
  }
  return auth0;
}

async function auth0CredentialsFor(
  doc: ProfilesDocument,
  name: string,
  secrets: SecretStore,
): Promise<Auth0Credentials> {
  const auth0 = requireAuth0Profile(doc, name);
  const clientSecret = await secrets.require(
    secretRefs.auth0ManagementSecret(name),
    `Run "okta-m2m auth0 login" again, or set ${secretRefs.auth0ManagementSecret(name).envVar}.`,
  );
  return {
    domain: auth0.domain,
    clientId: auth0.clientId,
    clientSecret,
    ...(auth0.baseUrl ? { baseUrl: auth0.baseUrl } : {}),
  };
}

export async function connectAuth0(
  doc: ProfilesDocument,
  name: string,
  secrets: SecretStore,
  options: Auth0ClientOptions = {},
): Promise<Auth0Management> {
  return createAuth0Management(await auth0CredentialsFor(doc, name, secrets), options);
}
