// The plan auth0 init and auth0 destroy show.
import type { Auth0Plan, Auth0PlanItem } from '../../auth0/setup.js';

export function renderPlan(plan: Auth0Plan | { items: Auth0PlanItem[]; changed: boolean }): string {
  const mark = { create: '+', update: '~', unchanged: '=', delete: '-' } as const;
  const lines = ['Plan:'];
  for (const item of plan.items) {
    lines.push(`  ${mark[item.action]} ${item.action.padEnd(9)} ${item.kind} ${item.name}${item.id ? ` (${item.id})` : ''}`);
    if (item.action !== 'unchanged') for (const change of item.changes) lines.push(`        ${change}`);
  }
  if (!plan.changed) lines.push('  (no changes)');
  return lines.join('\n');
}
