import { ConflictError } from '../errors.js';
import type { OktaClient } from '../okta/client.js';
import { readRule, type RuleRef } from '../okta/resources/inline-hooks.js';
import { checkTargets } from '../okta/setup/destroy.js';
import type { OktaState } from '../okta/setup/state.js';

/**
 * The policy rule a token hook is attached to or detached from is read from Okta first, with its access policy and
 * authorization server, and must be this setup's by the check init, destroy and status make (`checkTargets`): the
 * remote names are the spec's and okta-m2m's marker is on the server and the policy (or the state records them as
 * adopted). The state is data: a rule id in it is never enough. A mismatch is a ConflictError naming the object;
 * callers check before they write anything.
 */
export async function checkSetupRule(client: OktaClient, okta: OktaState | undefined, rule: RuleRef): Promise<void> {
  if (!okta?.spec?.name) {
    // No setup to check against: a rule that is gone needs nothing; one that exists is not verifiably ours.
    if (!(await readRule(client, rule))) return;
    throw new ConflictError(
      `The project state names the policy rule ${rule.ruleId} for the hook, but no okta-m2m setup it belongs to; nothing was changed.`,
      {
        hint: 'Run "okta-m2m init" in this folder (with --adopt for objects made by hand), or pass --no-okta to leave Okta alone.',
      },
    );
  }
  try {
    await checkTargets(client, {
      orgUrl: okta.orgUrl,
      spec: okta.spec,
      ...(okta.adopted ? { adopted: okta.adopted } : {}),
      authServerId: rule.authServerId,
      policyId: rule.policyId,
      ruleId: rule.ruleId,
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // The hook verbs can also leave Okta alone: say so beside the check's own fix.
    throw new ConflictError(error.message, {
      hint: `${error.hint ?? ''} Or pass --no-okta to leave Okta alone.`.trim(),
      cause: error,
    });
  }
}
