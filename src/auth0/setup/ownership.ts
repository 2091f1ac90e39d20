import { ConflictError } from '../../errors.js';
import type { ClientLike } from '../resources/objects.js';
import type { Auth0SetupSpec } from './spec.js';

/**
 * What `auth0 init` puts on the application it makes, so that destroy deletes only that: client_metadata
 * `{"okta-m2m": "<setup name>"}` (Auth0 allows up to 10 string keys there; it is not shown to users). Resource
 * servers and client grants have no field for it: the API is this setup's when its identifier is the spec's
 * audience and its name the spec's name, and the grant when its client is the setup's application and its
 * audience the spec's. A state file is data: destroy reads each object it names and checks it.
 */
export const AUTH0_MARKER_KEY = 'okta-m2m';

export function auth0Marker(spec: Pick<Auth0SetupSpec, 'name'>): Record<string, string> {
  return { [AUTH0_MARKER_KEY]: spec.name };
}

/** The marker is there (its value is the name init gave the setup; a later rename keeps the first). */
export function clientIsMarked(client: ClientLike): boolean {
  const metadata = client.client_metadata;
  if (metadata === undefined || metadata === null || typeof metadata !== 'object') return false;
  const value: unknown = Object.prototype.hasOwnProperty.call(metadata, AUTH0_MARKER_KEY)
    ? metadata[AUTH0_MARKER_KEY]
    : undefined;
  return typeof value === 'string' && value !== '';
}

/** The state names an Auth0 object that is not this setup's: destroy deletes nothing. */
export function notThisAuth0Setup(what: string, id: string, found: string, expected: string): ConflictError {
  return new ConflictError(
    `The project state names the ${what} ${id}, but in Auth0 that is ${found}, not this setup's ${expected}; nothing was deleted.`,
    {
      hint: 'The state file (.okta-m2m/state.json) may be from another setup or edited: restore it, or remove its auth0 section; delete what you no longer need in the Auth0 Dashboard.',
    },
  );
}
