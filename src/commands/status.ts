import { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { requireProfile } from '../config/profiles.js';
import { ExitCode, ExitWith } from '../errors.js';
import { keyValues, table } from '../ui/format.js';
import { examples } from './define.js';
import { oktaLabel as label } from '../ui/plan.js';
// Types only: the rotation modules load inside run.
import type { RotationStatus } from '../rotate/status.js';
import type { AttachedHook } from '../okta/setup/status.js';
import { TOP_LEVEL_SUMMARIES } from './summaries.js';

export const command = () =>
  new Command('status')
    .description(TOP_LEVEL_SUMMARIES.status.description)
    .option('--no-token', 'do not try to get a token')
    .option('--exit-code', 'exit 3 when what init made has drifted, 4 when no token can be had (0: in sync)')
    .addHelpText(
      'after',
      examples(
        'okta-m2m status',
        'okta-m2m status --exit-code              in CI: 0 in sync, 3 drift, 4 no token',
        'okta-m2m status --no-token --json         what init made, without asking for a token',
      ),
    );

type StatusOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: StatusOptions): Promise<void> {
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const profile = requireProfile(doc, name);
  const oktaApi = await (await import('./init-okta-api.js')).recordedOktaApi(ctx, name);
  if (oktaApi) return (await import('./init-okta-api.js')).statusOktaApi(ctx, oktaApi, options.token !== false);
  const { readOktaState } = await import('../okta/setup/state.js');
  const recorded = readOktaState(await ctx.state(), name);
  const base = { profile: name, orgUrl: profile.orgUrl, authMode: profile.authMode ?? 'ssws' };
  const authText = base.authMode === 'ssws' ? 'API token' : `OAuth private_key_jwt (${profile.clientId ?? '?'})`;
  if (!recorded) {
    ctx.ui.result(
      { ...base, setup: null },
      () =>
        `${keyValues([
          ['profile', name],
          ['org', profile.orgUrl],
          ['auth', authText],
        ])}\n\nNo setup here yet: run "okta-m2m init".`,
    );
    return;
  }
  const [{ setupStatus }, { outputsOf }] = await Promise.all([
    import('../okta/setup/status.js'),
    import('../okta/setup/outputs.js'),
  ]);
  const client = await ctx.okta();
  if (recorded.orgUrl !== client.orgUrl) {
    ctx.ui.warn(`the project state here was made for ${recorded.orgUrl}; profile "${name}" uses ${client.orgUrl}.`);
  }
  const [{ readRotation }, { readHookRecords }] = await Promise.all([
    import('../rotate/state.js'),
    import('../lambda/deploy.js'),
  ]);
  const projectState = await ctx.state();
  const recordedRotation = readRotation(projectState, name);
  const status = await setupStatus(client, recorded, ctx.secrets, name, {
    mint: options.token !== false,
    rotation: recordedRotation,
    recordedHookIds: Object.values(readHookRecords(projectState, name)).flatMap((r) =>
      r.inlineHookId ? [r.inlineHookId] : [],
    ),
  });
  const outputs = outputsOf(recorded, name);
  const rotation = recordedRotation
    ? await (await import('../rotate/status.js')).rotationStatus(client, recordedRotation)
    : null;
  const value = { ...base, setup: outputs, ...status, rotation };
  ctx.ui.result(value, (v) => {
    const rows = v.objects.map((o) => [
      o.status === 'ok' ? 'ok' : o.status,
      label(o.kind) || 'credential',
      o.name,
      o.id ?? '-',
      o.changes.join('; '),
    ]);
    const token = !('ok' in v.token)
      ? 'not tried'
      : v.token.ok
        ? `yes (${'expiresIn' in v.token && v.token.expiresIn ? `expires in ${v.token.expiresIn} s` : 'ok'})`
        : `no: ${v.token.error}`;
    return [
      keyValues([
        ['profile', v.profile],
        ['org', v.orgUrl],
        ['auth', authText],
        ['client id', outputs.clientId],
        ['issuer', outputs.issuer],
        ['token endpoint', outputs.tokenEndpoint],
        ['scopes', outputs.scopes.join(' ')],
        ['DPoP', outputs.dpop ? 'required (tokens are bound to a key: token get sends proofs)' : 'off'],
        ['init finished', v.complete ? 'yes' : 'no (run "okta-m2m init" again)'],
        ['drift', v.drift ? 'yes (run "okta-m2m init" to correct it)' : 'none'],
        ['token', token],
        ['rotation', v.rotation ? rotationText(v.rotation) : 'none'],
        ['inline hook', v.inlineHook ? hookText(v.inlineHook) : 'none'],
      ]),
      '',
      table(['STATE', 'KIND', 'NAME', 'ID', 'DIFFERENCES'], rows),
    ].join('\n');
  });
  if (options.exitCode) {
    // An attached hook the state does not record (a hand-made one, or one a killed hook serve --register left).
    const strayHook = status.inlineHook !== null && !status.inlineHook.recorded;
    if (status.drift || !status.complete || strayHook) throw new ExitWith(ExitCode.drift);
    if ('ok' in status.token && !status.token.ok) throw new ExitWith(ExitCode.noToken);
  }
}

function hookText(hook: AttachedHook): string {
  const what = `${hook.name ?? '(gone)'} (${hook.id}), ${hook.status ?? '?'}`;
  const whose = hook.madeByOktaM2m ? 'made by okta-m2m' : 'not made by okta-m2m';
  const recorded = hook.recorded
    ? 'recorded by hook deploy'
    : hook.madeByOktaM2m
      ? 'not recorded: left by a hook serve --register that did not stop?'
      : 'not recorded here';
  return `${what}; ${whose}; ${recorded}`;
}

function rotationText(rotation: RotationStatus): string {
  const ages = rotation.credentials.map(
    (c) =>
      `${c.role} ${c.id} ${c.status}${c.ageSeconds !== undefined ? `, ${Math.round(c.ageSeconds / 60)} min old` : ''}`,
  );
  return `${rotation.kind} rotation at step "${rotation.step}" since ${rotation.startedAt} (${ages.join('; ')})`;
}
