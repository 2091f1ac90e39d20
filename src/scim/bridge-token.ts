/**
 * The SCIM bridge token: base64 of a JSON object holding a token URL, a client id and a client secret, which an
 * Okta SCIM app sends as its static bearer token and the bridge trades for an access token.
 *
 * Pure and dependency-free on purpose: the bridge Lambda bundles this same module.
 */
export interface BridgeToken {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  audience?: string;
}

export class BridgeTokenError extends Error {
  override readonly name = 'BridgeTokenError';
}

const BRIDGE_TOKEN_VERSION = 1;
/** Far above any real token; refuses hostile input before decoding it. */
export const MAX_BRIDGE_TOKEN_LENGTH = 16 * 1024;

const FIELD_SPELLINGS: Record<keyof BridgeToken, readonly string[]> = {
  tokenUrl: ['tokenUrl', 'token_url', 'authUrl', 'auth_url'],
  clientId: ['clientId', 'client_id'],
  clientSecret: ['clientSecret', 'client_secret'],
  scope: ['scope', 'scopes'],
  audience: ['audience'],
};

export function encodeBridgeToken(token: BridgeToken): string {
  return base64Encode(JSON.stringify(bridgeTokenBody(token, BRIDGE_TOKEN_VERSION)));
}

/** The JSON body of a token of the given version, its fields checked. */
export function bridgeTokenBody(token: BridgeToken, version: number): Record<string, unknown> {
  const checked = validate(token);
  const body: Record<string, unknown> = {
    v: version,
    tokenUrl: checked.tokenUrl,
    clientId: checked.clientId,
    clientSecret: checked.clientSecret,
  };
  if (checked.scope) body.scope = checked.scope;
  if (checked.audience) body.audience = checked.audience;
  return body;
}

/** Decodes a token made by `encode` or by hand (base64 or base64url, any of the known field spellings). */
export function decodeBridgeToken(input: string): BridgeToken {
  const text = bridgeTokenText(input);
  if (isSealedBridgeToken(text)) {
    throw new BridgeTokenError(
      'the bridge token is sealed (version 2): only the bridge, with its private key, can open it',
    );
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new BridgeTokenError('the bridge token is not base64');
  }
  const json = base64Decode(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new BridgeTokenError('the bridge token does not decode to JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BridgeTokenError('the bridge token does not decode to a JSON object');
  }
  const record = parsed as Record<string, unknown>;
  if (record.v !== undefined && record.v !== BRIDGE_TOKEN_VERSION) {
    const version = typeof record.v === 'number' ? String(record.v) : 'other than 1';
    throw new BridgeTokenError(`the bridge token has version ${version}; this version reads version 1`);
  }
  return bridgeTokenFields(record);
}

/** The credentials in a decoded token body (version 1's JSON, or the plaintext of a sealed version 2 token). */
export function bridgeTokenFields(record: Record<string, unknown>): BridgeToken {
  const token: BridgeToken = {
    tokenUrl: pickString(record, 'tokenUrl', true),
    clientId: pickString(record, 'clientId', true),
    clientSecret: pickString(record, 'clientSecret', true),
  };
  const scope = pickScope(record);
  if (scope) token.scope = scope;
  const audience = pickString(record, 'audience', false);
  if (audience) token.audience = audience;
  return validate(token);
}

/** The token as given, trimmed, without a "Bearer " prefix; refuses what is not a string, empty or too long. */
export function bridgeTokenText(input: string): string {
  if (typeof input !== 'string') throw new BridgeTokenError('the bridge token must be a string');
  let text = input.trim();
  if (/^bearer\s+/i.test(text)) text = text.replace(/^bearer\s+/i, '');
  if (text.length === 0) throw new BridgeTokenError('the bridge token is empty');
  if (text.length > MAX_BRIDGE_TOKEN_LENGTH) {
    throw new BridgeTokenError(`the bridge token is longer than ${MAX_BRIDGE_TOKEN_LENGTH} characters`);
  }
  return text;
}

/** Version 2 is a compact JWE: five base64url parts joined by dots; version 1 is one base64 string, no dot. */
export function isSealedBridgeToken(text: string): boolean {
  return text.split('.').length === 5;
}

/** A token URL must be https, or http to a loopback address (the emulator, local tests). */
function checkTokenUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value is not echoed: in a damaged token it may be the secret itself (fields swapped by hand).
    throw new BridgeTokenError('the token URL is not a URL');
  }
  if (url.username || url.password)
    throw new BridgeTokenError('the token URL must not contain a user name or password');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new BridgeTokenError(
    `the token URL must use https (http only for loopback), not ${url.protocol.replace(/[^a-z0-9+.-:]/gi, '')}`,
  );
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function validate(token: BridgeToken): BridgeToken {
  for (const key of ['tokenUrl', 'clientId', 'clientSecret'] as const) {
    if (typeof token[key] !== 'string' || token[key].trim() === '') {
      throw new BridgeTokenError(`the bridge token has no ${key}`);
    }
  }
  checkTokenUrl(token.tokenUrl);
  if (/[\s:]/.test(token.clientId)) throw new BridgeTokenError('the client id must not contain spaces or ":"');
  return token;
}

function pickString(record: Record<string, unknown>, field: keyof BridgeToken, required: boolean): string {
  for (const spelling of FIELD_SPELLINGS[field]) {
    const value = record[spelling];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new BridgeTokenError(`"${spelling}" in the bridge token is not a string`);
    return value;
  }
  if (required)
    throw new BridgeTokenError(
      `the bridge token has no ${field} (also looked for ${FIELD_SPELLINGS[field].join(', ')})`,
    );
  return '';
}

function pickScope(record: Record<string, unknown>): string {
  for (const spelling of FIELD_SPELLINGS.scope) {
    const value = record[spelling];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') return value.trim();
    if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value.join(' ');
    throw new BridgeTokenError(`"${spelling}" in the bridge token is neither a string nor a list of strings`);
  }
  return '';
}

function base64Encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function base64Decode(text: string): string {
  const normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  return Buffer.from(normalized, 'base64').toString('utf8');
}
