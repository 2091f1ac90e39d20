/**
 * The one plan model of every reconcile (Okta init, auth0 init/destroy, hook deploy/remove, sync): per object what
 * will happen, whose object it is, and the fields that differ as structured changes (never strings parsed back).
 */
export type Action = 'create' | 'update' | 'unchanged' | 'delete' | 'adopt';

/** 'ours': okta-m2m made it; 'adopted': it existed before and was taken over (destroy leaves it). */
export type Ownership = 'ours' | 'adopted';

export interface Change {
  field: string;
  from: unknown;
  to: unknown;
  /** Consumers may break: a scope deleted, the audience changed, a rename. */
  breaking?: boolean;
}

export interface PlanItem<Kind extends string = string> {
  kind: Kind;
  name: string;
  id?: string;
  action: Action;
  ownership: Ownership;
  breaking?: boolean;
  changes: Change[];
  /** What the changes cannot say (for example "no client secret in the keychain: a new one will be made"). */
  notes?: string[];
}

export interface Plan<Kind extends string = string> {
  items: Array<PlanItem<Kind>>;
  changed: boolean;
  warnings?: string[];
}

export function planOf<Kind extends string>(items: Array<PlanItem<Kind>>, warnings?: string[]): Plan<Kind> {
  const plan: Plan<Kind> = { items, changed: items.some((i) => i.action !== 'unchanged') };
  if (warnings) plan.warnings = warnings;
  return plan;
}

/** Records a change when current and desired differ (`equal` overrides the === comparison, e.g. for sets). */
export function diffField(
  changes: Change[],
  field: string,
  from: unknown,
  to: unknown,
  options: { equal?: boolean; breaking?: boolean } = {},
): void {
  const equal = options.equal ?? from === to;
  if (equal) return;
  const change: Change = { field, from, to };
  if (options.breaking) change.breaking = true;
  changes.push(change);
}

/** An item for an object that exists (update or unchanged, by its changes) or does not (create). */
export function itemFor<Kind extends string>(
  kind: Kind,
  name: string,
  existing: { id?: string | undefined } | undefined,
  changes: Change[],
  ownership: Ownership = 'ours',
): PlanItem<Kind> {
  if (!existing) return { kind, name, action: 'create', ownership: 'ours', changes: [] };
  const item: PlanItem<Kind> = { kind, name, action: changes.length ? 'update' : 'unchanged', ownership, changes };
  if (existing.id) item.id = existing.id;
  if (changes.some((c) => c.breaking)) item.breaking = true;
  return item;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return value === undefined || value === null || value === ''
    ? '(none)'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
}

/** "field: current -> desired", as plans and status show a change. */
export function describeChange(change: Change): string {
  return `${change.field}: ${show(change.from)} -> ${show(change.to)}`;
}

/** The lines under an item: its changes, then its notes. */
export function itemDetails(item: PlanItem): string[] {
  return [...item.changes.map(describeChange), ...(item.notes ?? [])];
}

/** Whether an update changes more than the status (an activation is a separate call). */
export function changesBeyondStatus(changes: readonly Change[]): boolean {
  return changes.some((c) => c.field !== 'status');
}

export function breakingItems<Kind extends string>(plan: Plan<Kind>): Array<PlanItem<Kind>> {
  return plan.items.filter((i) => i.breaking || i.changes.some((c) => c.breaking));
}

export function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = new Set(a ?? []);
  const right = new Set(b ?? []);
  return left.size === right.size && [...left].every((x) => right.has(x));
}
