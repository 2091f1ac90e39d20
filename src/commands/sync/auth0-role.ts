import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { CliError } from '../../errors.js';
import { redact } from '../../secrets/redact.js';
import { examplesLine, syncPlan } from '../../sync/plan.js';
import { keyValues } from '../../ui/format.js';
import { planJson, renderPlan, syncLabel } from '../../ui/plan.js';
import { confirmOrYes } from '../../ui/prompt.js';
import { lockedUnlessDryRun } from '../define.js';
import { collect, integer } from '../options.js';
// Types only: the Auth0 and Okta SDKs load inside run.
import type { SyncProgress, SyncSummary } from '../../sync/auth0-role.js';

export const command = () =>
  new Command('auth0-role')
    .description('create the users of an Auth0 role in Okta (matched by login = email) and put them in an Okta group')
    .requiredOption('--role <name|id>', 'the Auth0 role (its name, or its id rol_...)')
    .requiredOption('--group <name|id>', 'the Okta group (its name, or its id 00g...)')
    .option('--create-group', 'create the Okta group when there is none by that name')
    .option(
      '--activate',
      'activate the users it creates: Okta e-mails each an activation link and they stay PROVISIONED until used (default: staged, no email sent)',
    )
    .option('--prune', 'remove from the group the members who are not in the role')
    .option('--dry-run', 'list the changes and make none')
    .option(
      '--map <okta.field=auth0.path>',
      'another attribute to copy, such as department=user_metadata.department (repeatable)',
      collect,
    )
    .option('--concurrency <n>', 'users worked on at once', integer(1, 32), 8)
    .addHelpText(
      'after',
      `
Each Auth0 user of the role becomes an Okta user with login and email = the Auth0 email, firstName / lastName from
user_metadata.firstName / lastName (else given_name / family_name, else the name split in two). Users without an
email, or with metadata of the wrong type, are skipped and reported. Running it again changes nothing; an
interrupted run is completed by the next one, without duplicates. Needs read:users read:roles read:role_members on
the Auth0 side ("okta-m2m auth0 login") and an Okta login allowed to manage users and groups ("okta-m2m login").

Examples:
  $ okta-m2m sync auth0-role --role staff --group "Auth0 staff" --create-group --dry-run
  $ okta-m2m sync auth0-role --role staff --group "Auth0 staff" --create-group --activate --prune
`,
    );

type Auth0RoleOptions = ReturnType<ReturnType<typeof command>['opts']>;

export const run = lockedUnlessDryRun('sync auth0-role', execute);

async function execute(ctx: Context, options: Auth0RoleOptions): Promise<void> {
  const [{ requireScopes }, { parseFieldMap }, { syncRole }] = await Promise.all([
    import('../../auth0/scopes.js'),
    import('../../sync/mapping.js'),
    import('../../sync/auth0-role.js'),
  ]);
  const maps = (options.map ?? []).map(parseFieldMap);
  const dryRun = Boolean(options.dryRun);
  // Okta createUser with activate=true and no password: the user is PROVISIONED and gets an e-mail (said before any
  // question or change, so that no one learns it from their users).
  if (options.activate)
    ctx.ui.warn(
      `--activate: Okta e-mails an activation link to every user this run ${dryRun ? 'would create' : 'creates'}; they stay PROVISIONED until they use it.`,
    );
  const auth0 = await ctx.auth0();
  const okta = await ctx.okta();
  requireScopes('sync auth0-role', (await auth0.tokens.get()).scopes);

  const pass = async (planOnly: boolean): Promise<SyncSummary> => {
    const line = progressLine(ctx, planOnly);
    try {
      return await syncRole(auth0, okta, {
        role: options.role,
        group: options.group,
        createGroup: Boolean(options.createGroup),
        activate: Boolean(options.activate),
        prune: Boolean(options.prune),
        dryRun: planOnly,
        maps,
        concurrency: options.concurrency,
        onProgress: line.update,
      });
    } finally {
      line.done();
    }
  };
  // Like init: the plan first (a pass that writes nothing), then a confirmation (--yes without a terminal), then
  // the writes. Nothing to change: no question and no second pass.
  const planned = await pass(true);
  const plan = syncPlan(planned);
  const planResult = { ...planned, ...planJson(plan) };
  let summary: SyncSummary = planned;
  if (dryRun || !plan.changed) {
    for (const warning of plan.warnings ?? []) ctx.ui.warn(warning);
    if (planned.group.created) ctx.ui.success(`would create the Okta group ${planned.group.name}`);
    if (planned.pruneSkipped) ctx.ui.warn(`--prune skipped: ${planned.pruneSkipped}.`);
    if (!dryRun) {
      ctx.ui.result(planResult, () => renderPlan(plan, { label: syncLabel }));
      return;
    }
    ctx.ui.result(withActivation(planResult), () =>
      renderPlan(plan, { label: syncLabel, heading: 'Plan (dry run: nothing was changed):' }),
    );
  } else {
    ctx.ui.info(renderPlan(plan, { label: syncLabel, heading: 'Plan (nothing is changed until you confirm):' }));
    for (const warning of plan.warnings ?? []) ctx.ui.warn(warning);
    const question =
      planned.removed > 0
        ? `Apply these changes, removing ${planned.removed} member(s) from the Okta group?`
        : 'Apply these changes?';
    if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, question))) {
      ctx.ui.info('nothing changed.');
      return;
    }
    summary = await pass(false);
    if (summary.group.created) ctx.ui.success(`created the Okta group ${summary.group.name}`);
    if (summary.pruneSkipped) ctx.ui.warn(`--prune skipped: ${summary.pruneSkipped}.`);
    ctx.ui.result(withActivation(summary), renderOutcome);
  }
  if (summary.failed > 0) {
    throw new CliError(`${summary.failed} of ${summary.seen} role members could not be synced (see the summary).`, {
      hint: 'Fix what the reasons say and run the same command again: what is done stays done.',
      code: 'ERR_PARTIAL',
    });
  }

  /** What --activate costs the users, in the JSON: Okta e-mails each user created an activation link. */
  function withActivation<T extends SyncSummary>(
    s: T,
  ): T | (T & { activationEmails: { count: number; note: string } }) {
    if (!options.activate) return s;
    const note = s.dryRun
      ? 'Okta would e-mail each user created an activation link.'
      : 'Okta e-mailed each user created an activation link.';
    return { ...s, activationEmails: { count: s.created, note } };
  }
}

/** What a run did (its plan is rendered by the one plan renderer): the counts, the first logins, the reasons. */
function renderOutcome(s: SyncSummary): string {
  const lines = [
    keyValues([
      ['role', `${s.role.name} (${s.role.id})`],
      ['group', `${s.group.name}${s.group.id ? ` (${s.group.id})` : ''}${s.group.created ? ', created' : ''}`],
      ['role members', s.seen],
      ['created', s.created],
      ['added', s.added],
      ['unchanged', s.unchanged],
      ['removed', s.removed],
      ['skipped', s.skipped],
      ['failed', s.failed || undefined],
    ]),
  ];
  const list = (label: string, shown: string[], total: number) => {
    if (total) lines.push(`  ${label}: ${examplesLine(shown, total)}`);
  };
  list('created', s.examples.created, s.created);
  list('added', s.examples.added, s.added);
  list('removed', s.examples.removed, s.removed);
  for (const [reason, count] of Object.entries(s.skippedByReason)) lines.push(`  skipped ${count}: ${reason}`);
  for (const example of s.examples.skipped)
    lines.push(
      `    - ${example.email ?? example.userId ?? '?'}${example.userId && example.email ? ` (${example.userId})` : ''}: ${example.reason}`,
    );
  for (const [reason, count] of Object.entries(s.failedByReason)) lines.push(`  failed ${count}: ${reason}`);
  for (const example of s.examples.failed)
    lines.push(`    - ${example.email ?? example.userId ?? '?'}: ${example.reason}`);
  return lines.join('\n');
}

/**
 * Progress on stderr: on a terminal a single line, rewritten at most ten times a second; elsewhere a line every
 * 5 seconds or so, and none for a small role. (The single rewritten line writes to the UI's stderr stream, through
 * the same redaction; a `statusLine` on Ui would be its natural home.)
 */
function progressLine(ctx: Context, dryRun: boolean): { update: (p: SyncProgress) => void; done: () => void } {
  const stderr = ctx.ui.streams.stderr;
  const tty = Boolean(stderr.isTTY) && !ctx.ui.json;
  const started = Date.now();
  let last = 0;
  let shown = false;
  const text = (p: SyncProgress) =>
    p.phase === 'prune'
      ? `pruning: ${p.removed} ${dryRun ? 'to remove' : 'removed'}`
      : `${p.seen} role members: ${p.created} ${dryRun ? 'to create' : 'created'}, ${p.added} ${dryRun ? 'to add' : 'added'}, ` +
        `${p.unchanged} unchanged, ${p.skipped} skipped${p.failed ? `, ${p.failed} failed` : ''}`;
  return {
    update: (p) => {
      const now = Date.now();
      if (tty) {
        if (now - last < 100) return;
        last = now;
        shown = true;
        stderr.write(`\r\x1b[2K${redact(text(p))}`);
      } else if (now - started > 3000 && now - last > 5000) {
        last = now;
        ctx.ui.progress(text(p));
      }
    },
    done: () => {
      if (tty && shown) stderr.write('\r\x1b[2K');
    },
  };
}
