/**
 * The objects a test sets up in the Okta emulator before the calls it is about, each made through the management API
 * as an admin (SSWS). They return the created body and assert nothing: the tests that are about creating these
 * objects call `api` themselves.
 */
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api } from './okta-api.js';

type Created = any;

/** The body of a POST as an admin. */
export async function created(emulator: EmulatorHandle, path: string, body: unknown): Promise<Created> {
  return (await api(emulator, 'POST', path, body)).body;
}

/** A custom authorization server (createAuthorizationServer). */
export function authServer(emulator: EmulatorHandle, name: string, audience: string): Promise<Created> {
  return created(emulator, '/api/v1/authorizationServers', { name, description: 'd', audiences: [audience] });
}

/** A custom admin role (createRole). */
export function customRole(emulator: EmulatorHandle, label: string, permissions: string[]): Promise<Created> {
  return created(emulator, '/api/v1/iam/roles', { label, description: 'd', permissions });
}

/** A resource set of the given resource URLs (createResourceSet). */
export function resourceSet(emulator: EmulatorHandle, label: string, resources: string[]): Promise<Created> {
  return created(emulator, '/api/v1/iam/resource-sets', { label, description: 'd', resources });
}

/** A STAGED user (createUser with activate=false). */
export function stagedUser(
  emulator: EmulatorHandle,
  firstName: string,
  lastName: string,
  email: string,
): Promise<Created> {
  return created(emulator, '/api/v1/users?activate=false', { profile: { firstName, lastName, email, login: email } });
}
