import type { AuthMethod } from './client-auth.js';
import { CLIENT_ASSERTION_TYPE } from './client-auth.js';
import { tokenParams, type TokenRequestSpec } from './client-credentials.js';

/** Shell variables the printed command reads its credential from: the command itself never holds a secret. */
export const SECRET_VARIABLE = 'CLIENT_SECRET';
export const ASSERTION_VARIABLE = 'CLIENT_ASSERTION';

export interface CurlCommand {
  command: string;
  /** What to set before running it, for a person. */
  note: string;
}

/**
 * The curl command equivalent to a token request, for a POSIX shell. The credential is a variable reference
 * ("$CLIENT_SECRET" or "$CLIENT_ASSERTION"), so the output can be pasted into an issue or a runbook.
 */
export function curlCommand(spec: TokenRequestSpec, method: AuthMethod): CurlCommand {
  const words: string[] = ['curl', '--fail-with-body', '-sS', '-X', 'POST', shellQuote(spec.tokenEndpoint)];
  const params = tokenParams(spec);
  words.push('-H', shellQuote('accept: application/json'));
  const secretRef = `"$${SECRET_VARIABLE}"`;
  const assertionRef = `"$${ASSERTION_VARIABLE}"`;
  if (method === 'client_secret_basic') {
    // curl's -u does not form-urlencode: fine for the secrets Okta and Auth0 generate ([A-Za-z0-9_-]).
    words.push('-u', `${shellQuote(`${spec.clientId}:`)}${secretRef}`);
  }
  if (spec.provider === 'auth0') {
    const fields: Record<string, string> = Object.fromEntries(params);
    if (method !== 'client_secret_basic') fields.client_id = spec.clientId;
    if (method === 'client_secret_post') fields.client_secret = PLACEHOLDER;
    if (method === 'private_key_jwt') {
      fields.client_assertion_type = CLIENT_ASSERTION_TYPE;
      fields.client_assertion = PLACEHOLDER;
    }
    const json = JSON.stringify(fields);
    const ref = method === 'private_key_jwt' ? assertionRef : secretRef;
    words.push('-H', shellQuote('content-type: application/json'));
    words.push('--data', json.split(PLACEHOLDER).map(shellQuote).join(ref));
  } else {
    for (const [name, value] of params) words.push('--data-urlencode', shellQuote(`${name}=${value}`));
    if (method === 'client_secret_post') {
      words.push('--data-urlencode', shellQuote(`client_id=${spec.clientId}`));
      words.push('--data-urlencode', `${shellQuote('client_secret=')}${secretRef}`);
    }
    if (method === 'private_key_jwt') {
      words.push('--data-urlencode', shellQuote(`client_id=${spec.clientId}`));
      words.push('--data-urlencode', shellQuote(`client_assertion_type=${CLIENT_ASSERTION_TYPE}`));
      words.push('--data-urlencode', `${shellQuote('client_assertion=')}${assertionRef}`);
    }
  }
  const note =
    method === 'private_key_jwt'
      ? `Set ${ASSERTION_VARIABLE} to a client assertion first: a JWT signed with the client's private key (iss and sub the client id, aud the token URL, a unique jti, exp at most a minute ahead).`
      : `Set ${SECRET_VARIABLE} to the client secret first, without echoing it: read -rs ${SECRET_VARIABLE}; export ${SECRET_VARIABLE}`;
  return { command: words.join(' '), note };
}

const PLACEHOLDER = '__OKTA_M2M_CREDENTIAL__';

/** One shell word: bare when it is plainly safe, else single-quoted ('\'' for a quote inside). */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
