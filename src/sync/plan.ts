import { planOf, type Plan, type PlanItem } from '../reconcile/plan.js';
import { redact } from '../secrets/redact.js';
import type { SyncIssue, SyncSummary } from './auth0-role.js';

/** The objects a sync plan speaks of: the role it reads, the group, the Okta users it makes, the memberships. */
type SyncKind = 'role' | 'group' | 'user' | 'member';

/**
 * What a sync will change, from a pass that wrote nothing, in the reconcile kit's plan model. Users come in
 * thousands, so each outcome is one item with a count, and its note names the first few logins; the users that
 * cannot be synced are the plan's warnings.
 */
export function syncPlan(s: SyncSummary): Plan<SyncKind> {
  const items: Array<PlanItem<SyncKind>> = [
    { kind: 'role', name: s.role.name, id: s.role.id, action: 'unchanged', ownership: 'ours', changes: [] },
  ];
  const group: PlanItem<SyncKind> = {
    kind: 'group',
    name: s.group.name,
    action: s.group.created ? 'create' : 'unchanged',
    ownership: 'ours',
    changes: [],
  };
  if (s.group.id) group.id = s.group.id;
  items.push(group);
  const outcome = (
    kind: SyncKind,
    action: 'create' | 'delete' | 'unchanged',
    name: string,
    examples?: { shown: string[]; total: number },
  ) => {
    const item: PlanItem<SyncKind> = { kind, name, action, ownership: 'ours', changes: [] };
    if (examples) item.notes = [examplesLine(examples.shown, examples.total)];
    items.push(item);
  };
  if (s.created)
    outcome('user', 'create', `${s.created} new Okta user(s), each put in the group`, {
      shown: s.examples.created,
      total: s.created,
    });
  if (s.added)
    outcome('member', 'create', `${s.added} existing Okta user(s) put in the group`, {
      shown: s.examples.added,
      total: s.added,
    });
  if (s.removed)
    outcome('member', 'delete', `${s.removed} member(s) not in the role taken out of the group`, {
      shown: s.examples.removed,
      total: s.removed,
    });
  if (s.unchanged) outcome('member', 'unchanged', `${s.unchanged} member(s) already in the group`);
  const warnings = [
    ...issueLines('skipped', s.skippedByReason, s.examples.skipped, (reason) => reason),
    ...issueLines('failed', s.failedByReason, s.examples.failed, reasonKey),
  ];
  return planOf(items, warnings.length ? warnings : undefined);
}

/** "a, b, c, ... (N more)": the first logins of an outcome, and how many more there are. */
export function examplesLine(shown: readonly string[], total: number): string {
  return `${shown.join(', ')}${total > shown.length ? `, ... (${total - shown.length} more)` : ''}`;
}

/** "skipped 2: no email (a@example.com, auth0|x)": one line per reason, naming the users of the examples. */
function issueLines(
  what: string,
  byReason: Record<string, number>,
  examples: readonly SyncIssue[],
  keyOf: (reason: string) => string,
): string[] {
  return Object.entries(byReason).map(([reason, count]) => {
    const who = examples.filter((e) => keyOf(e.reason) === reason).map((e) => e.email ?? e.userId ?? '?');
    return `${what} ${count}: ${reason}${who.length ? ` (${examplesLine(who, count)})` : ''}`;
  });
}

/** A failure's reason as the counts by reason show it: redacted, and cut to 120 characters. */
export function reasonKey(reason: string): string {
  const shown = redact(reason);
  return shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
}
