import { InvalidArgumentError } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { requireProfile } from '../../config/profiles.js';
import { confirmOrYes } from '../../ui/prompt.js';
import type { OktaState } from '../../okta/setup/state.js';
import type { RotationPlan, RotationResult } from '../../rotate/types.js';

/** --grace, parsed when commander reads it (a bad value is a usage error, exit 2). */
export function graceOption(value: string): number {
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text))
    throw new InvalidArgumentError('expected a duration such as 30s, 10m or 1h30m.');
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return Math.round(
    [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0),
  );
}

interface OktaSetupContext {
  profile: string;
  setup: OktaState;
}

/** The profile and what init recorded for it, checked to be for the profile's org. */
export async function oktaSetup(ctx: Context): Promise<OktaSetupContext> {
  const profile = await ctx.profileName();
  const doc = await ctx.profiles();
  const entry = requireProfile(doc, profile);
  const { readOktaState } = await import('../../okta/setup/state.js');
  const setup = readOktaState(await ctx.state(), profile);
  if (!setup?.appId || !setup.clientId || !setup.authServerId) {
    throw new UsageError(`init has made no app here for profile "${profile}".`, {
      hint: 'Run "okta-m2m init" first (or pass --profile).',
    });
  }
  const { normalizeOrgUrl } = await import('../../okta/client.js');
  if (normalizeOrgUrl(entry.orgUrl as string) !== setup.orgUrl) {
    throw new UsageError(
      `The project state here is for ${setup.orgUrl}, but profile "${profile}" uses ${entry.orgUrl}.`,
      {
        hint: 'Use the profile of that org (--profile).',
      },
    );
  }
  return { profile, setup };
}

/** The token endpoint of the setup's server on the profile's org (the state file is data, not a direction). */
export function tokenEndpointOf(orgUrl: string, setup: OktaState): string {
  return `${orgUrl}/oauth2/${encodeURIComponent(setup.authServerId as string)}/v1/token`;
}

/** Prints the plan on stderr; false when the run stops there (--dry-run, or no confirmation). */
export async function showPlanAndConfirm(
  ctx: Context,
  what: string,
  plan: RotationPlan,
  dryRun: boolean | undefined,
): Promise<boolean> {
  ctx.ui.info(
    [`${plan.resume ? 'Resuming' : 'Plan'}: ${what}`, ...plan.steps.map((s, i) => `  ${i + 1}. ${s}`)].join('\n'),
  );
  if (dryRun) {
    ctx.ui.result({ dryRun: true, ...plan }, () => 'dry run: nothing changed.');
    return false;
  }
  if (!plan.writes) return true;
  if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Go ahead?'))) {
    ctx.ui.info('nothing changed.');
    return false;
  }
  return true;
}

/** The command's result: what step the rotation is at, and what to do next. */
export function showResult(ctx: Context, command: string, result: RotationResult, newSecret?: string): void {
  const { rotation } = result;
  const value = { finished: result.finished, step: result.finished ? 'finished' : rotation.step, rotation };
  // --print-new-secret --json: the user asked for exactly that value, so it bypasses the redactor.
  if (newSecret !== undefined) return ctx.ui.secretResult(JSON.stringify({ ...value, newSecret }, null, 2));
  ctx.ui.result(value, () =>
    result.finished
      ? `rotation finished: the old ${rotation.kind} is deactivated and deleted; the keychain holds only the new one.`
      : `rotation in progress (step "${rotation.step}"): both ${rotation.kind}s work. Update the consumers, then run "okta-m2m ${command} --finish".`,
  );
}

export const realClock = {
  now: () => new Date(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};
