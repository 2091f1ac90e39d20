import { randomUUID } from 'node:crypto';
import { OAuthError } from './errors.js';
import { callHook, type HookOutcome } from './hook-client.js';
import { isObject, type Json } from '../core/http-io.js';
import { oktaTimestamp } from './ids.js';
import { RESERVED_CLAIMS } from './reserved-claims.js';
import type { EmulatorState, Stored } from './state.js';

const MIN_LIFETIME_SECONDS = 300;
const MAX_LIFETIME_SECONDS = 86_400;

export interface TokenDraft {
  claims: Json;
  lifetimeSeconds: number;
}

interface TokenHookContext {
  requestId: string;
  /** the full token request URL, query string included */
  requestUrl: string;
  ipAddress: string;
  issuer: string;
  form: URLSearchParams;
  app: Stored;
  policyId: string;
  ruleId: string;
  grantedScopes: { name: string; id: string }[];
}

function tokenHookPayload(hc: TokenHookContext, draft: TokenDraft): Json {
  const protocolRequest: Json = {
    grant_type: hc.form.get('grant_type'),
    scope: hc.form.get('scope') ?? hc.grantedScopes.map((s) => s.name).join(' '),
  };
  return {
    source: `${hc.issuer}/v1/token`,
    eventId: randomUUID(),
    eventTime: oktaTimestamp(),
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: 'com.okta.oauth2.tokens.transform',
    data: {
      context: {
        request: { id: hc.requestId, method: 'POST', url: { value: hc.requestUrl }, ipAddress: hc.ipAddress },
        protocol: {
          type: 'OAUTH2.0',
          request: protocolRequest,
          issuer: { uri: hc.issuer },
          client: { id: hc.app.credentials.oauthClient.client_id, name: hc.app.label, type: 'CONFIDENTIAL' },
        },
        policy: { id: hc.policyId, rule: { id: hc.ruleId } },
      },
      access: {
        claims: structuredClone(draft.claims),
        token: { lifetime: { expiration: draft.lifetimeSeconds } },
        scopes: Object.fromEntries(hc.grantedScopes.map((s) => [s.name, { id: s.id, action: 'GRANT' }])),
      },
    },
  };
}

/**
 * Applies the hook's `com.okta.access.patch` commands. Any invalid operation discards the whole patch
 * (Okta issues the token unmodified); an `error` in the response fails the token request.
 */
function applyHookResponse(outcome: HookOutcome, draft: TokenDraft): TokenDraft {
  if (outcome.kind !== 'ok') return draft;
  const body = outcome.body;
  if (body.error !== undefined && body.error !== null) {
    // Okta: an `error` object fails the token request with server_error and the errorSummary as the description
    // (TokenHookResponse.error in the management spec; "The callback service returned an error." when it has none).
    const summary =
      isObject(body.error) && typeof body.error.errorSummary === 'string' && body.error.errorSummary !== ''
        ? body.error.errorSummary
        : 'The callback service returned an error.';
    throw new OAuthError(400, 'server_error', summary);
  }
  if (!Array.isArray(body.commands)) return draft;
  const next: TokenDraft = { claims: structuredClone(draft.claims), lifetimeSeconds: draft.lifetimeSeconds };
  for (const command of body.commands) {
    if (!isObject(command) || command.type !== 'com.okta.access.patch') continue;
    if (!Array.isArray(command.value)) return draft;
    for (const op of command.value) {
      if (!applyOperation(next, op)) return draft;
    }
  }
  return next;
}

function applyOperation(draft: TokenDraft, op: unknown): boolean {
  if (!isObject(op) || typeof op.path !== 'string') return false;
  if (op.path === '/token/lifetime/expiration') {
    if (op.op !== 'replace' || typeof op.value !== 'number' || !Number.isInteger(op.value)) return false;
    if (op.value < MIN_LIFETIME_SECONDS || op.value > MAX_LIFETIME_SECONDS) return false;
    draft.lifetimeSeconds = op.value;
    return true;
  }
  const match = /^\/claims\/([^/]+)(?:\/(.+))?$/.exec(op.path);
  if (!match) return false;
  const name = decodePointer(match[1]!);
  const sub = match[2] === undefined ? undefined : decodePointer(match[2]);
  if (RESERVED_CLAIMS.has(name)) return false;
  const claims = draft.claims;
  if (sub === undefined) {
    switch (op.op) {
      case 'add':
        if (op.value === undefined) return false;
        claims[name] = op.value;
        return true;
      case 'replace':
        if (!(name in claims) || op.value === undefined) return false;
        claims[name] = op.value;
        return true;
      case 'remove':
        if (!(name in claims)) return false;
        delete claims[name];
        return true;
      default:
        return false;
    }
  }
  // One level into an existing array or object claim, e.g. /claims/groups/- or /claims/extra/key.
  const container = claims[name];
  if (Array.isArray(container)) {
    if (sub === '-' && op.op === 'add') return (container.push(op.value), true);
    const index = Number(sub);
    if (!Number.isInteger(index) || index < 0 || index >= container.length) return false;
    if (op.op === 'replace') return ((container[index] = op.value), true);
    if (op.op === 'remove') return (container.splice(index, 1), true);
    return false;
  }
  if (isObject(container)) {
    if (op.op === 'add' || (op.op === 'replace' && sub in container)) return ((container[sub] = op.value), true);
    if (op.op === 'remove' && sub in container) return (delete container[sub], true);
  }
  return false;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export async function runTokenHook(
  state: EmulatorState,
  hook: Stored,
  hc: TokenHookContext,
  draft: TokenDraft,
): Promise<TokenDraft> {
  const outcome = await callHook(state, hook, tokenHookPayload(hc, draft));
  return applyHookResponse(outcome, draft);
}
