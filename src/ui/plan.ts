// The one renderer of every plan: Okta init, auth0 init/destroy, hook deploy/remove, sync.
import { describeChange, itemDetails, type Action, type Plan, type PlanItem } from '../reconcile/plan.js';
import { table } from './format.js';

const MARK: Record<Action, string> = { create: '+', update: '~', unchanged: '=', delete: '-', adopt: '&' };

/** How the Okta setup's object kinds read in plans, status and destroy. */
const OKTA_LABELS: Record<string, string> = {
  app: 'app',
  credential: '',
  authServer: 'authorization server',
  scope: 'scope',
  policy: 'access policy',
  rule: 'rule',
  orphan: 'orphan',
};

export function oktaLabel(kind: string): string {
  return OKTA_LABELS[kind] ?? kind;
}

/** How sync's kinds read: users and memberships are counts, whose names say what they are. */
const SYNC_LABELS: Record<string, string> = { role: 'role', group: 'group', user: '', member: '' };

export function syncLabel(kind: string): string {
  return SYNC_LABELS[kind] ?? kind;
}

interface PlanRendering {
  /** The display name of an item's kind ('' for none); default: the kind itself. */
  label?: (kind: string) => string;
  /** The first line; default "Plan:". */
  heading?: string;
}

export function renderPlan(plan: Pick<Plan, 'items' | 'changed'>, rendering: PlanRendering = {}): string {
  const label = rendering.label ?? ((kind: string) => kind);
  const lines = [rendering.heading ?? 'Plan:'];
  for (const item of plan.items) {
    const kind = label(item.kind);
    const whose = item.ownership === 'adopted' ? ' (not made by okta-m2m)' : '';
    // An orphan reads "remove orphan ...": what a crashed or concurrent run left, not a part of the setup.
    const verb = item.kind === 'orphan' && item.action === 'delete' ? 'remove' : item.action;
    lines.push(
      `  ${MARK[item.action]} ${verb.padEnd(9)} ${kind ? `${kind} ` : ''}${item.name}${item.id ? ` (${item.id})` : ''}${whose}`,
    );
    if (item.action === 'unchanged') continue;
    for (const change of item.changes)
      lines.push(`        ${describeChange(change)}${change.breaking ? '  [breaking]' : ''}`);
    for (const note of item.notes ?? [])
      lines.push(`        ${note}${item.breaking && item.changes.length === 0 ? '  [breaking]' : ''}`);
  }
  if (!plan.changed) lines.push('  (no changes)');
  return lines.join('\n');
}

/** A plan item as --json shows it: its changes as text lines, ownership and breaking only when they say something. */
interface PlanItemJson {
  kind: string;
  name: string;
  action: Action;
  id?: string;
  changes: string[];
  ownership?: 'adopted';
  breaking?: true;
}

export function planItemJson(item: PlanItem): PlanItemJson {
  const out: PlanItemJson = { kind: item.kind, name: item.name, action: item.action, changes: itemDetails(item) };
  if (item.id) out.id = item.id;
  if (item.ownership === 'adopted') out.ownership = 'adopted';
  if (item.breaking || item.changes.some((c) => c.breaking)) out.breaking = true;
  return out;
}

export function planJson(plan: Plan): { changed: boolean; items: PlanItemJson[]; warnings?: string[] } {
  return {
    changed: plan.changed,
    items: plan.items.map(planItemJson),
    ...(plan.warnings ? { warnings: plan.warnings } : {}),
  };
}

/** A step plan (hook deploy/remove) as a table: action, resource, name, changes. */
export function renderStepTable(
  steps: ReadonlyArray<{ action: string; resource: string; name: string; changes: readonly string[] }>,
): string {
  return table(
    ['ACTION', 'RESOURCE', 'NAME', 'CHANGES'],
    steps.map((s) => [s.action, s.resource, s.name, s.changes.join('; ')]),
  );
}
