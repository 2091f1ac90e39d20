import { UsageError } from '../../errors.js';

/**
 * What `auth0 init` sets up: an API (resource server, identifier = audience, with the scopes), a machine-to-machine
 * application (non_interactive, client_credentials), and the client grant that lets the one call the other.
 */
export interface Auth0SetupSpec {
  name: string;
  audience: string;
  scopes: string[];
}

export function validateAuth0Spec(input: { name?: unknown; audience?: unknown; scopes?: unknown }): Auth0SetupSpec {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) throw new UsageError('No name for the setup.', { hint: 'Pass --name, for example --name orders-api.' });
  if (name.length > 128 || /[<>]/.test(name)) {
    throw new UsageError(`"${name}" is not a valid Auth0 application name.`, {
      hint: 'Use at most 128 characters, without < or >.',
    });
  }
  const audience = typeof input.audience === 'string' ? input.audience.trim() : '';
  if (!audience)
    throw new UsageError('No audience.', {
      hint: 'Pass --audience, the API identifier, for example --audience https://api.example.com/orders.',
    });
  if (/\s/.test(audience) || audience.length > 600) {
    throw new UsageError(`"${audience}" is not a valid API identifier.`, {
      hint: 'An identifier has no spaces, for example https://api.example.com/orders.',
    });
  }
  const rawScopes = Array.isArray(input.scopes) ? input.scopes : [];
  const scopes = [...new Set(rawScopes.map((s) => String(s).trim()).filter(Boolean))];
  for (const scope of scopes) {
    if (/\s/.test(scope) || scope.length > 280)
      throw new UsageError(`"${scope}" is not a valid scope.`, {
        hint: 'Scopes have no spaces, for example orders:read.',
      });
  }
  return { name, audience, scopes };
}
