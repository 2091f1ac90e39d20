import { createHash } from 'node:crypto';
import { json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { link, type RequestContext, type Route } from './context.js';
import { accessDenied, notFound, OktaError } from './errors.js';
import { oktaTimestamp, randomAlphanumeric } from './ids.js';
import type { EmulatorState, Stored } from './state.js';
import { collectionRoutes } from './resource-routes.js';

/**
 * SSWS API tokens: listApiTokens, getApiToken, revokeApiToken and revokeCurrentApiToken under
 * `/api/v1/api-tokens`. The org keeps each token's metadata and a SHA-256 of the token (never the token);
 * a revoked token stays recorded as revoked, so it keeps getting 401 E0000011 after a restart with the state file.
 */

/** The admin the emulator's token belongs to (the same placeholder user app grants name as their creator). */
const ADMIN_USER_ID = '00uemulatoradmin0000';
const TOKEN_WINDOW_DAYS = 30;

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Records the token (once) as an active API token of the org's admin. The emulator accepts one SSWS token, so the
 * records of earlier runs' tokens are dropped (they would be listed as active but get 401); revoked ones are kept.
 */
export function registerApiToken(state: EmulatorState, token: string, name = 'okta-m2m emulator admin token'): void {
  const hash = tokenHash(token);
  state.apiTokens = state.apiTokens.filter((t) => t.revoked || t.tokenHash === hash);
  if (state.apiTokens.some((t) => t.tokenHash === hash)) return;
  const now = oktaTimestamp();
  state.apiTokens.push({
    id: '00T' + randomAlphanumeric(17),
    name,
    userId: ADMIN_USER_ID,
    tokenWindow: `P${TOKEN_WINDOW_DAYS}D`,
    network: { connection: 'ANYWHERE' },
    clientName: 'Okta API',
    expiresAt: oktaTimestamp(new Date(Date.now() + TOKEN_WINDOW_DAYS * 86_400_000)),
    created: now,
    lastUpdated: now,
    tokenHash: hash,
  });
}

/** Whether an SSWS credential is a recorded token that was not revoked. */
export function apiTokenIsActive(state: EmulatorState, token: string): boolean {
  const hash = tokenHash(token);
  return state.apiTokens.some((t) => t.tokenHash === hash && !t.revoked);
}

function activeTokens(state: EmulatorState): Stored[] {
  return state.apiTokens.filter((t) => !t.revoked);
}

function render(ctx: RequestContext, token: Stored): Json {
  const { tokenHash: _hash, revoked: _revoked, ...metadata } = token;
  return {
    ...structuredClone(metadata),
    _links: {
      self: link(`${ctx.orgUrl}/api/v1/api-tokens/${token.id}`, ['GET', 'DELETE']),
      user: link(`${ctx.orgUrl}/api/v1/users/${token.userId}`, ['GET']),
    },
  };
}

function getToken(ctx: RequestContext): Stored {
  const token = activeTokens(ctx.state).find((t) => t.id === ctx.params.apiTokenId);
  if (!token) throw notFound(`${ctx.params.apiTokenId} (ApiToken)`);
  return token;
}

function revoke(ctx: RequestContext, token: Stored): HandlerResult {
  token.revoked = oktaTimestamp();
  ctx.changed();
  return noContent();
}

function revokeCurrent(ctx: RequestContext): HandlerResult {
  const authorization = typeof ctx.headers.authorization === 'string' ? ctx.headers.authorization : '';
  const match = /^ssws\s+(.+)$/i.exec(authorization.trim());
  if (!match)
    throw new OktaError(403, 'E0000006', accessDenied().errorSummary, [
      'revokeCurrentApiToken revokes the SSWS API token of the request; this request has none.',
    ]);
  const hash = tokenHash(match[1]!.trim());
  const token = activeTokens(ctx.state).find((t) => t.tokenHash === hash);
  if (!token) throw notFound('current (ApiToken)');
  return revoke(ctx, token);
}

const T = '/api/v1/api-tokens';
export const apiTokenRoutes: Route[] = [
  // Before /:apiTokenId, so that "current" is not taken for a token id.
  { method: 'DELETE', path: `${T}/current`, handler: revokeCurrent },
  ...collectionRoutes('okta.apiTokens', T, 'apiTokenId', {
    list: (ctx) =>
      json(
        200,
        activeTokens(ctx.state).map((t) => render(ctx, t)),
      ),
    get: (ctx) => json(200, render(ctx, getToken(ctx))),
    delete: (ctx) => revoke(ctx, getToken(ctx)),
  }),
];
