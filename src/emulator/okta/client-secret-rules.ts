import { validationError } from './errors.js';

/**
 * Okta's rules for a client secret an admin brings (createOAuth2ClientSecret; `credentials.oauthClient.client_secret`
 * of createApplication): 14 to 100 printable ASCII characters, at least 32 for `client_secret_jwt`. The causes are
 * the spec's examples ErrorClientSecretTooShort, ErrorClientSecretTooShortWithClientSecretJWT,
 * ErrorClientSecretTooLong and ErrorClientSecretNonAscii.
 */
export function checkClientSecret(value: unknown, authMethod: string): asserts value is string {
  if (typeof value !== 'string' || value.length < 14) {
    throw validationError('client_secret', "client_secret: 'client_secret' must be at least '14' characters long.");
  }
  if (authMethod === 'client_secret_jwt' && value.length < 32) {
    throw validationError(
      'client_secret',
      "client_secret: 'client_secret' must be at least '32' characters long when 'token_endpoint_auth_method' is 'client_secret_jwt'.",
    );
  }
  if (value.length > 100)
    throw validationError('client_secret', "client_secret: 'client_secret' can't be more than '100' characters long.");
  if (!/^[\x20-\x7E]+$/.test(value)) {
    throw validationError(
      'client_secret',
      "client_secret: ''client_secret'' must only contain printable ASCII: [x20-x7E]+",
    );
  }
}
