import type { OktaClient } from '../client.js';
import { NotFoundError } from '../../errors.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import { recordedElseNamed } from '../../reconcile/find-recorded.js';
import { rulePath } from './rules.js';
import type { OktaRule } from '../types.js';
import { isMarked, OWNERSHIP_MARKER } from '../setup/ownership.js';
import { deactivateAt, deleteAt } from './lifecycle.js';

/**
 * The token inline hook (`com.okta.oauth2.tokens.transform`) that `hook deploy token-hook` registers, and its
 * attachment to the policy rule `init` made (`actions.token.inlineHook.id`).
 *
 * Okta never returns the hook's auth value and reports the scheme's type and key in lowercase, so a comparison
 * covers what Okta does return (name, uri, scheme type and key, status) and the caller says when the secret is new:
 * then the hook is always replaced, with the secret.
 *
 * Every function takes okta-m2m's Okta client, so tests run it against the emulator.
 */
export const TOKEN_HOOK_TYPE = 'com.okta.oauth2.tokens.transform';

/**
 * okta-m2m's ownership marker on a hook it makes (an inline hook has no description): a channel header, which Okta
 * returns on reads and sends to the hook with each call. `status` reads it.
 */
export const MARKER_HEADER = { key: 'X-Okta-M2M', value: OWNERSHIP_MARKER } as const;

export function hookIsMarked(hook: Pick<InlineHookInfo, 'headers'>): boolean {
  return hook.headers.some((h) => h.key.toLowerCase() === MARKER_HEADER.key.toLowerCase() && isMarked(h.value));
}
const DEFAULT_AUTH_KEY = 'Authorization';

interface InlineHookSpec {
  name: string;
  /** The function URL Okta calls. */
  uri: string;
  /** The shared secret Okta sends as the value of `authKey`. Never printed. */
  secret: string;
  /** The header carrying it (default Authorization). */
  authKey?: string;
}

export interface InlineHookInfo {
  id: string;
  name?: string;
  type?: string;
  status?: string;
  version?: string;
  channelType?: string;
  channelVersion?: string;
  uri?: string;
  method?: string;
  authType?: string;
  authKey?: string;
  headers: Array<{ key: string; value: string }>;
}

export interface RuleRef {
  authServerId: string;
  policyId: string;
  ruleId: string;
}

interface RawHook {
  id?: string;
  name?: string;
  type?: string;
  status?: string;
  version?: string;
  channel?: {
    type?: string;
    version?: string;
    config?: {
      uri?: string;
      method?: string;
      headers?: Array<{ key?: string; value?: string }>;
      authScheme?: { type?: string; key?: string } | null;
    };
  };
}

const hookPath = (id: string) => `/api/v1/inlineHooks/${encodeURIComponent(id)}`;

function info(raw: RawHook): InlineHookInfo {
  const config = raw.channel?.config;
  const out: InlineHookInfo = {
    id: String(raw.id),
    headers: (config?.headers ?? [])
      .filter((h) => typeof h?.key === 'string' && typeof h?.value === 'string')
      .map((h) => ({ key: h.key as string, value: h.value as string })),
  };
  const fields: Array<[keyof InlineHookInfo, unknown]> = [
    ['name', raw.name],
    ['type', raw.type],
    ['status', raw.status],
    ['version', raw.version],
    ['channelType', raw.channel?.type],
    ['channelVersion', raw.channel?.version],
    ['uri', config?.uri],
    ['method', config?.method],
    ['authType', config?.authScheme?.type],
    ['authKey', config?.authScheme?.key],
  ];
  for (const [key, value] of fields)
    if (typeof value === 'string') (out as unknown as Record<string, string>)[key] = value;
  return out;
}

export async function getInlineHook(client: OktaClient, id: string): Promise<InlineHookInfo | undefined> {
  const raw = await oktaFind('read the inline hook', () => client.call<RawHook>('GET', hookPath(id)));
  return raw ? info(raw) : undefined;
}

/** Token inline hooks with exactly this name (Okta does not enforce unique names). */
export async function findTokenHooksByName(client: OktaClient, name: string): Promise<InlineHookInfo[]> {
  const hooks = await oktaCall('list the inline hooks', 'GET', () =>
    all(client.list<RawHook>('/api/v1/inlineHooks', { type: TOKEN_HOOK_TYPE })),
  );
  return hooks.filter((h) => h.name === name && (h.type === undefined || h.type === TOKEN_HOOK_TYPE)).map(info);
}

/** The hook recorded by id if it still exists, else the one with the name. */
export async function findTokenHook(
  client: OktaClient,
  name: string,
  id?: string,
): Promise<InlineHookInfo | undefined> {
  return recordedElseNamed(
    id,
    (hookId) => getInlineHook(client, hookId),
    (byId) => byId.type === undefined || byId.type === TOKEN_HOOK_TYPE,
    async () => (await findTokenHooksByName(client, name))[0],
  );
}

/** What differs between the hook Okta has and the one wanted, by field name (never a value of the secret). */
export function inlineHookChanges(existing: InlineHookInfo, spec: InlineHookSpec): string[] {
  const changes: string[] = [];
  const same = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
  if (existing.name !== spec.name) changes.push('name');
  if (existing.uri !== spec.uri) changes.push('uri');
  if (existing.version !== undefined && existing.version !== '1.0.0') changes.push('version');
  if (existing.channelType !== undefined && !same(existing.channelType, 'HTTP')) changes.push('channel type');
  if (existing.channelVersion !== undefined && existing.channelVersion !== '1.0.0') changes.push('channel version');
  if (!same(existing.authType, 'HEADER') || !same(existing.authKey, spec.authKey ?? DEFAULT_AUTH_KEY))
    changes.push('auth scheme');
  return changes;
}

function hookBody(spec: InlineHookSpec, existing?: InlineHookInfo) {
  return {
    name: spec.name,
    type: TOKEN_HOOK_TYPE,
    version: '1.0.0',
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: spec.uri,
        method: 'POST',
        // A new hook carries the marker; an existing one keeps its headers as they are (someone's, or the marker).
        headers: existing ? existing.headers : [{ ...MARKER_HEADER }],
        authScheme: { type: 'HEADER', key: spec.authKey ?? DEFAULT_AUTH_KEY, value: spec.secret },
      },
    },
  };
}

interface EnsureResult {
  hook: InlineHookInfo;
  action: 'created' | 'updated' | 'unchanged';
  activated: boolean;
  changes: string[];
}

/**
 * Creates the hook, or replaces it when something Okta shows differs or the secret is new (`secretChanged`), and
 * activates it. Nothing is written when it already matches.
 */
export async function ensureInlineHook(
  client: OktaClient,
  spec: InlineHookSpec,
  options: { existing?: InlineHookInfo | undefined; secretChanged: boolean },
): Promise<EnsureResult> {
  const existing = options.existing;
  if (!existing) {
    const created = await oktaCall('create the token inline hook', 'POST', () =>
      client.call<RawHook>('POST', '/api/v1/inlineHooks', { body: hookBody(spec) }),
    );
    let hook = info(created);
    let activated = false;
    if (hook.status !== 'ACTIVE') {
      hook = await activate(client, hook.id);
      activated = true;
    }
    return { hook, action: 'created', activated, changes: [] };
  }
  const changes = inlineHookChanges(existing, spec);
  if (options.secretChanged) changes.push('shared secret');
  let hook = existing;
  let action: EnsureResult['action'] = 'unchanged';
  if (changes.length) {
    hook = info(
      await oktaCall('update the token inline hook', 'PUT', () =>
        client.call<RawHook>('PUT', hookPath(existing.id), { body: hookBody(spec, existing) }),
      ),
    );
    action = 'updated';
  }
  let activated = false;
  if (hook.status !== undefined && hook.status !== 'ACTIVE') {
    hook = await activate(client, hook.id);
    activated = true;
  }
  return { hook, action, activated, changes };
}

async function activate(client: OktaClient, id: string): Promise<InlineHookInfo> {
  return info(
    await oktaCall('activate the token inline hook', 'POST', () =>
      client.call<RawHook>('POST', `${hookPath(id)}/lifecycle/activate`, { idempotent: true }),
    ),
  );
}

/** Deactivates (Okta deletes only inactive hooks) and deletes; false when it was already gone. */
export async function deleteInlineHook(client: OktaClient, id: string): Promise<boolean> {
  const hook = await getInlineHook(client, id);
  if (!hook) return false;
  if (hook.status !== 'INACTIVE') {
    if (!(await deactivateAt(client, hookPath(id), 'the token inline hook'))) return false;
  }
  return deleteAt(client, hookPath(id), 'the token inline hook');
}

// -------------------------------------------------------------------------------------------------------------
// The policy rule

export async function readRule(client: OktaClient, rule: RuleRef): Promise<OktaRule | undefined> {
  return oktaFind('read the policy rule', () =>
    client.call<OktaRule>('GET', rulePath(rule.authServerId, rule.policyId, rule.ruleId)),
  );
}

/** The inline hook id on the rule, `undefined` when none, `null` when the rule is gone. */
export function ruleHookId(rule: OktaRule | undefined): string | undefined | null {
  if (!rule) return null;
  const id = rule.actions?.token?.inlineHook?.id;
  return typeof id === 'string' && id ? id : undefined;
}

function withHook(rule: OktaRule, hookId: string | undefined): OktaRule {
  // Read-only fields go: Okta ignores them.
  const body = JSON.parse(JSON.stringify(rule)) as OktaRule & {
    _links?: unknown;
    created?: unknown;
    lastUpdated?: unknown;
  };
  delete body._links;
  delete body.created;
  delete body.lastUpdated;
  const token = { ...(body.actions?.token ?? {}) };
  if (hookId) token.inlineHook = { id: hookId };
  else delete token.inlineHook;
  return { ...body, actions: { ...(body.actions ?? {}), token } };
}

async function replaceRule(client: OktaClient, ref: RuleRef, rule: OktaRule, what: string): Promise<void> {
  await oktaCall(what, 'PUT', () =>
    client.call('PUT', rulePath(ref.authServerId, ref.policyId, ref.ruleId), { body: rule }),
  );
}

/**
 * Sets `actions.token.inlineHook.id` on the rule (GET, then PUT of the rule as Okta returned it with the hook id).
 * `current` skips the GET when the caller has just read the rule.
 */
export async function attachInlineHook(
  client: OktaClient,
  ref: RuleRef,
  hookId: string,
  current?: OktaRule,
): Promise<'attached' | 'unchanged'> {
  const rule = current ?? (await readRule(client, ref));
  if (!rule) {
    throw new NotFoundError(
      `The policy rule ${ref.ruleId} (authorization server ${ref.authServerId}) no longer exists.`,
      {
        hint: 'Run "okta-m2m init" again to recreate it, then deploy the hook again.',
      },
    );
  }
  if (ruleHookId(rule) === hookId) return 'unchanged';
  await replaceRule(client, ref, withHook(rule, hookId), 'attach the inline hook to the policy rule');
  return 'attached';
}

/** Removes the hook from the rule if (and only if) the rule has this hook. */
export async function detachInlineHook(
  client: OktaClient,
  ref: RuleRef,
  hookId: string,
): Promise<'detached' | 'unchanged' | 'missing'> {
  const rule = await readRule(client, ref);
  if (!rule) return 'missing';
  if (ruleHookId(rule) !== hookId) return 'unchanged';
  await replaceRule(client, ref, withHook(rule, undefined), 'detach the inline hook from the policy rule');
  return 'detached';
}
