import type { AuthMethod } from './client-auth.js';
import { CLIENT_ASSERTION_TYPE } from './client-auth.js';
import { tokenParams, type TokenRequestSpec } from './client-credentials.js';

/** Shell variables the printed command reads its credential from: the command itself never holds a secret. */
const SECRET_VARIABLE = 'CLIENT_SECRET';
const ASSERTION_VARIABLE = 'CLIENT_ASSERTION';
/** The on-behalf-of assertion (`?assertion=` on the token URL, or an `assertion` parameter): a token, never printed. */
const CALLER_ASSERTION_VARIABLE = 'ASSERTION';
const CALLER_ASSERTION = 'assertion';
/** The DPoP proof of the token request (made by `okta-m2m token proof`). */
const DPOP_PROOF_VARIABLE = 'DPOP_PROOF';

interface CurlCommand {
  command: string;
  /** What to set before running it, for a person. */
  note: string;
}

/**
 * The curl command equivalent to a token request, for a POSIX shell. The credential is a variable reference
 * ("$CLIENT_SECRET" or "$CLIENT_ASSERTION"), so the output can be pasted into an issue or a runbook.
 */
export function curlCommand(spec: TokenRequestSpec, method: AuthMethod, options: { dpop?: boolean } = {}): CurlCommand {
  const callerRef = `"$${CALLER_ASSERTION_VARIABLE}"`;
  const endpoint = withPlaceholder(spec.tokenEndpoint);
  const words: string[] = [
    'curl',
    '--fail-with-body',
    '-sS',
    '-X',
    'POST',
    endpoint.split(PLACEHOLDER).map(shellQuote).join(callerRef),
  ];
  const params = tokenParams(spec).map(([name, value]): [string, string] => [
    name,
    name === CALLER_ASSERTION ? PLACEHOLDER : value,
  ]);
  const usesCaller = endpoint.includes(PLACEHOLDER) || params.some(([name]) => name === CALLER_ASSERTION);
  words.push('-H', shellQuote('accept: application/json'));
  if (options.dpop) words.push('-H', `${shellQuote('DPoP: ')}"$${DPOP_PROOF_VARIABLE}"`);
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
    // The caller's assertion placeholder was put in first (in params), the credential's after: split in order.
    const pieces = json.split(PLACEHOLDER);
    words.push(
      '--data',
      pieces
        .map((piece, i) =>
          i === 0 ? shellQuote(piece) : `${placeholderRef(fields, i, ref, callerRef)}${shellQuote(piece)}`,
        )
        .join(''),
    );
  } else {
    for (const [name, value] of params) {
      words.push(
        '--data-urlencode',
        value === PLACEHOLDER ? `${shellQuote(`${name}=`)}${callerRef}` : shellQuote(`${name}=${value}`),
      );
    }
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
    (method === 'private_key_jwt'
      ? `Set ${ASSERTION_VARIABLE} to a client assertion first: a JWT signed with the client's private key (iss and sub the client id, aud the token URL, a unique jti, exp at most a minute ahead).`
      : `Set ${SECRET_VARIABLE} to the client secret first, without echoing it: read -rs ${SECRET_VARIABLE}; export ${SECRET_VARIABLE}`) +
    (usesCaller ? `\nSet ${CALLER_ASSERTION_VARIABLE} to the caller's token (the on-behalf-of assertion) too.` : '') +
    (options.dpop ? dpopNote(spec) : '');
  return { command: words.join(' '), note };
}

function dpopNote(spec: TokenRequestSpec): string {
  const proof = `okta-m2m token proof --client-id ${shellQuote(spec.clientId)} --htm POST --htu ${shellQuote(spec.tokenEndpoint.replace(/[?#].*$/, ''))}`;
  return [
    `\nSet ${DPOP_PROOF_VARIABLE} to a fresh proof for each request (one use each): ${DPOP_PROOF_VARIABLE}=$(${proof})`,
    `Okta answers the first one 400 use_dpop_nonce with a DPoP-Nonce header: make the proof again with --nonce <that value> and repeat.`,
    `Then call the API with both headers: -H "Authorization: DPoP $TOKEN" -H "DPoP: $(okta-m2m token proof --htm GET --htu <url> --token "$TOKEN")".`,
  ].join('\n');
}

const PLACEHOLDER = '__OKTA_M2M_CREDENTIAL__';

/** The token URL with the value of an `assertion` query parameter (a caller's token) replaced by the placeholder. */
function withPlaceholder(tokenEndpoint: string): string {
  let url: URL;
  try {
    url = new URL(tokenEndpoint);
  } catch {
    return tokenEndpoint;
  }
  if (!url.searchParams.has(CALLER_ASSERTION)) return tokenEndpoint;
  url.searchParams.set(CALLER_ASSERTION, PLACEHOLDER);
  return url.href;
}

/** Which variable the i-th placeholder of the JSON body stands for: fields are serialised in insertion order. */
function placeholderRef(
  fields: Record<string, string>,
  index: number,
  credentialRef: string,
  callerRef: string,
): string {
  const names = Object.entries(fields)
    .filter(([, value]) => value === PLACEHOLDER)
    .map(([name]) => name);
  return names[index - 1] === CALLER_ASSERTION ? callerRef : credentialRef;
}

/** One shell word: bare when it is plainly safe, else single-quoted ('\'' for a quote inside). */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
