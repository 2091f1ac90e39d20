// The sync handler, loaded when sync runs (registration and help text are in sync.ts).
import type { Options } from './action.js';
import { confirmOrYes, keyValues, retryOptions } from './handler-kit.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { redact } from '../secrets/redact.js';
import type { SyncProgress, SyncSummary } from '../auth0/sync.js';

export async function syncAuth0Role(ctx: Context, options: Options): Promise<void> {
  const [{ connectAuth0 }, { requireScopes }, { parseFieldMap }, { syncRole }, { connect }] = await Promise.all([
    import('../auth0/connect.js'),
    import('../auth0/scopes.js'),
    import('../auth0/mapping.js'),
    import('../auth0/sync.js'),
    import('../okta/connect.js'),
  ]);
  const maps = ((options.map as string[] | undefined) ?? []).map(parseFieldMap);
  const dryRun = Boolean(options.dryRun);
  // Removing members is asked for before anything is written, like destroy; a dry run removes nothing.
  if (options.prune && !dryRun && !(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Remove from the Okta group the members who are not in the role?'))) {
    ctx.ui.info('nothing changed.');
    return;
  }
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const auth0 = await connectAuth0(doc, name, ctx.secrets, {
    onRetry: (event) => ctx.ui.debug(`Auth0: retry ${event.attempt} of ${event.method} ${event.path} after ${event.reason}, waiting ${event.delayMs} ms`),
  });
  const okta = await connect(doc, name, ctx.secrets, retryOptions(ctx));
  requireScopes('sync auth0-role', (await auth0.tokens.get()).scopes);

  const line = progressLine(ctx, dryRun);
  let summary: SyncSummary;
  try {
    summary = await syncRole(auth0, okta, {
      role: String(options.role),
      group: String(options.group),
      createGroup: Boolean(options.createGroup),
      activate: Boolean(options.activate),
      prune: Boolean(options.prune),
      dryRun,
      maps,
      concurrency: Number(options.concurrency ?? 8),
      onProgress: line.update,
    });
  } finally {
    line.done();
  }
  if (summary.group.created) ctx.ui.success(`${dryRun ? 'would create' : 'created'} the Okta group ${summary.group.name}`);
  if (summary.pruneSkipped) ctx.ui.warn(`--prune skipped: ${summary.pruneSkipped}.`);
  ctx.ui.result(summary, render);
  if (summary.failed > 0) {
    throw new CliError(`${summary.failed} of ${summary.seen} role members could not be synced (see the summary).`, {
      hint: 'Fix what the reasons say and run the same command again: what is done stays done.',
    });
  }
}

function render(s: SyncSummary): string {
  const would = s.dryRun ? 'would be ' : '';
  const lines = [
    s.dryRun ? 'Dry run: nothing was changed.' : '',
    keyValues([
      ['role', `${s.role.name} (${s.role.id})`],
      ['group', `${s.group.name}${s.group.id ? ` (${s.group.id})` : ''}${s.group.created ? `, ${would}created` : ''}`],
      ['role members', s.seen],
      [`${would}created`, s.created],
      [`${would}added`, s.added],
      ['unchanged', s.unchanged],
      [`${would}removed`, s.removed],
      ['skipped', s.skipped],
      ['failed', s.failed || undefined],
    ]),
  ].filter(Boolean);
  const list = (label: string, shown: string[], total: number) => {
    if (total) lines.push(`  ${label}: ${shown.join(', ')}${total > shown.length ? `, ... (${total - shown.length} more)` : ''}`);
  };
  list(`${would}created`, s.examples.created, s.created);
  list(`${would}added`, s.examples.added, s.added);
  list(`${would}removed`, s.examples.removed, s.removed);
  for (const [reason, count] of Object.entries(s.skippedByReason)) lines.push(`  skipped ${count}: ${reason}`);
  for (const example of s.examples.skipped) lines.push(`    - ${example.email ?? example.userId ?? '?'}${example.userId && example.email ? ` (${example.userId})` : ''}: ${example.reason}`);
  for (const [reason, count] of Object.entries(s.failedByReason)) lines.push(`  failed ${count}: ${reason}`);
  for (const example of s.examples.failed) lines.push(`    - ${example.email ?? example.userId ?? '?'}: ${example.reason}`);
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
