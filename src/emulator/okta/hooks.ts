import { lifecycleLink, link, type RequestContext, type Route } from './context.js';
import { pathObject, validationError } from './errors.js';
import { isObject, json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { newId, oktaTimestamp } from './ids.js';
import { callHook } from './hook-client.js';
import { assertInlineHookCapacity } from './hook-limits.js';
import type { Stored } from './state.js';
import { readObjectBody, requireString } from './validation.js';
import { collectionRoutes } from './resource-routes.js';

const HOOK_TYPES = [
  'com.okta.oauth2.tokens.transform',
  'com.okta.import.transform',
  'com.okta.saml.tokens.transform',
  'com.okta.user.pre-registration',
  'com.okta.user.credential.password.import',
  'com.okta.telephony.provider',
];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function getHook(ctx: RequestContext): Stored {
  return pathObject(ctx, 'inlineHookId', 'InlineHook', (id) => ctx.state.inlineHooks.get(id));
}

/** Okta never returns the auth value, and reports the scheme's type and key in lowercase. */
function renderHook(ctx: RequestContext, hook: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/inlineHooks/${hook.id}`;
  const rendered: Json = structuredClone(hook);
  const scheme = rendered.channel?.config?.authScheme;
  if (isObject(scheme)) {
    rendered.channel.config.authScheme = {
      type: String(scheme.type).toLowerCase(),
      key: String(scheme.key).toLowerCase(),
    };
  }
  rendered._links = {
    self: link(base, ['GET', 'PUT', 'DELETE']),
    ...lifecycleLink(base, hook.status === 'ACTIVE'),
    ...(hook.status === 'INACTIVE' ? { delete: link(base, ['DELETE']) } : {}),
  };
  return rendered;
}

function validateUri(value: unknown): string {
  const uri = requireString(value, 'channel.config.uri', 'channel');
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw validationError('channel', 'channel.config.uri: The URI is not valid.');
  }
  // Okta insists on https; plain http is allowed here only for loopback so tests can run a local hook.
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname))) {
    throw validationError('channel', 'channel.config.uri: The URI must begin with https://');
  }
  return uri;
}

/** Returns the hook fields to store and the auth value kept apart (undefined keeps the previous one). */
function validateHook(body: Json, existing?: Stored): { fields: Json; authValue: string | undefined } {
  const name = requireString(body.name, 'name');
  const type = existing?.type ?? body.type;
  if (!HOOK_TYPES.includes(type))
    throw validationError('type', `type: '${String(type)}' is not a valid inline hook type.`);
  if (body.version !== undefined && body.version !== '1.0.0')
    throw validationError('version', 'version: The only supported version is 1.0.0.');
  const channel: Json = isObject(body.channel) ? body.channel : {};
  if ((channel.type ?? 'HTTP') !== 'HTTP')
    throw validationError('channel', "channel.type: Only channel type 'HTTP' is supported by the emulator.");
  const config: Json = isObject(channel.config) ? channel.config : {};
  const uri = validateUri(config.uri);
  const headers = Array.isArray(config.headers) ? config.headers : [];
  for (const header of headers) {
    if (!isObject(header) || typeof header.key !== 'string' || typeof header.value !== 'string') {
      throw validationError('channel', 'channel.config.headers: Each header needs a key and a value.');
    }
  }
  let authScheme: Json | undefined;
  let authValue: string | undefined;
  if (isObject(config.authScheme)) {
    const scheme = config.authScheme;
    if (String(scheme.type).toUpperCase() !== 'HEADER')
      throw validationError('channel', "channel.config.authScheme.type: Only 'HEADER' is supported.");
    const key = requireString(scheme.key, 'channel.config.authScheme.key', 'channel');
    if (typeof scheme.value === 'string' && scheme.value !== '') authValue = scheme.value;
    else if (!existing)
      throw validationError('channel', 'channel.config.authScheme.value: The field cannot be left blank');
    authScheme = { type: 'HEADER', key };
  }
  return {
    fields: {
      name,
      type,
      version: '1.0.0',
      channel: {
        type: 'HTTP',
        version: '1.0.0',
        config: {
          uri,
          headers: headers.map((h: Json) => ({ key: h.key, value: h.value })),
          method: 'POST',
          ...(authScheme ? { authScheme } : {}),
        },
      },
    },
    authValue,
  };
}

function createHook(ctx: RequestContext): HandlerResult {
  assertInlineHookCapacity(ctx.state);
  const { fields, authValue } = validateHook(readObjectBody(ctx));
  const now = oktaTimestamp();
  const hook: Stored = { id: newId('inlineHook'), status: 'ACTIVE', ...fields, created: now, lastUpdated: now };
  ctx.state.inlineHooks.add(hook);
  if (authValue !== undefined) ctx.state.inlineHookAuthValues.set(hook.id, authValue);
  ctx.changed();
  return json(200, renderHook(ctx, hook));
}

function replaceHook(ctx: RequestContext): HandlerResult {
  const existing = getHook(ctx);
  const body = readObjectBody(ctx);
  // POST /inlineHooks/{id} is a partial update: fill what the body leaves out from the stored hook.
  const merged = ctx.method === 'POST' ? { ...existing, ...body, channel: body.channel ?? existing.channel } : body;
  const { fields, authValue } = validateHook(merged, existing);
  const hook: Stored = { ...existing, ...fields, lastUpdated: oktaTimestamp() };
  ctx.state.inlineHooks.replace(hook);
  if (authValue !== undefined) ctx.state.inlineHookAuthValues.set(hook.id, authValue);
  if (!fields.channel.config.authScheme) ctx.state.inlineHookAuthValues.delete(hook.id);
  ctx.changed();
  return json(200, renderHook(ctx, hook));
}

function setHookStatus(status: 'ACTIVE' | 'INACTIVE') {
  return (ctx: RequestContext): HandlerResult => {
    const hook = getHook(ctx);
    const updated = hook.status === status ? hook : { ...hook, status, lastUpdated: oktaTimestamp() };
    if (updated !== hook) {
      ctx.state.inlineHooks.replace(updated);
      ctx.changed();
    }
    return json(200, renderHook(ctx, updated));
  };
}

function deleteHook(ctx: RequestContext): HandlerResult {
  const hook = getHook(ctx);
  if (hook.status === 'ACTIVE')
    throw validationError('inlineHook', 'Only inactive inline hooks can be deleted. Deactivate the inline hook first.');
  ctx.state.inlineHooks.delete(hook.id);
  ctx.state.inlineHookAuthValues.delete(hook.id);
  ctx.changed();
  return noContent();
}

async function executeHook(ctx: RequestContext): Promise<HandlerResult> {
  const hook = getHook(ctx);
  const outcome = await callHook(ctx.state, hook, ctx.body ?? {});
  if (outcome.kind !== 'ok') {
    throw validationError(
      'inlineHook',
      `Inline hook call failed: ${outcome.kind === 'http-error' ? `HTTP ${outcome.status}` : outcome.kind}.`,
    );
  }
  return json(200, outcome.body);
}

export const inlineHookRoutes: Route[] = collectionRoutes(
  'okta.inlineHooks',
  '/api/v1/inlineHooks',
  'inlineHookId',
  {
    list: (ctx) => {
      const type = ctx.query.get('type');
      return json(
        200,
        ctx.state.inlineHooks
          .values()
          .filter((h) => !type || h.type === type)
          .map((h) => renderHook(ctx, h)),
      );
    },
    create: createHook,
    get: (ctx) => json(200, renderHook(ctx, getHook(ctx))),
    replace: replaceHook,
    update: replaceHook,
    delete: deleteHook,
    activate: setHookStatus('ACTIVE'),
    deactivate: setHookStatus('INACTIVE'),
  },
  { '/execute': { POST: executeHook } },
);
