import type { OktaClient } from '../okta/client.js';
import { NotFoundError } from '../errors.js';
import type { OktaState } from '../okta/setup/state.js';
import {
  attachInlineHook,
  deleteInlineHook,
  detachInlineHook,
  ensureInlineHook,
  findTokenHook,
  type RuleRef,
} from '../okta/resources/inline-hooks.js';
import { checkSetupRule } from './rule-ownership.js';

/**
 * Registers a token hook served outside AWS (`hook serve --register`: on this machine for the emulator, or behind
 * a tunnel for a real org) as an Okta inline hook on the rule init made; `unregister` takes it off and deletes it.
 */
export interface ServedHookRegistration {
  hookId: string;
  unregister(): Promise<void>;
}

export function initRule(okta: OktaState | undefined): RuleRef {
  if (!okta?.authServerId || !okta.policyId || !okta.ruleId) {
    throw new NotFoundError('There is no policy rule from "okta-m2m init" to attach the hook to.', {
      hint: 'Run "okta-m2m init" in this folder first.',
    });
  }
  return { authServerId: okta.authServerId, policyId: okta.policyId, ruleId: okta.ruleId };
}

export async function registerServedHook(
  client: OktaClient,
  {
    rule,
    setup,
    name,
    uri,
    secret,
  }: { rule: RuleRef; setup: OktaState | undefined; name: string; uri: string; secret: string },
): Promise<ServedHookRegistration> {
  await checkSetupRule(client, setup, rule);
  const existing = await findTokenHook(client, name);
  const { hook } = await ensureInlineHook(client, { name, uri, secret }, { existing, secretChanged: true });
  await attachInlineHook(client, rule, hook.id);
  return {
    hookId: hook.id,
    unregister: async () => {
      await detachInlineHook(client, rule, hook.id);
      await deleteInlineHook(client, hook.id);
    },
  };
}
