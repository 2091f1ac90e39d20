import { describe, expect, test } from 'vitest';
import type { SyncSummary } from '../../src/sync/auth0-role.js';
import { syncPlan } from '../../src/sync/plan.js';
import { planJson, renderPlan, syncLabel } from '../../src/ui/plan.js';

/** sync's plan is the reconcile kit's: one item per outcome with its count, rendered by the one plan renderer. */
function summary(over: Partial<SyncSummary> = {}): SyncSummary {
  return {
    dryRun: true,
    role: { id: 'rol_1', name: 'staff' },
    group: { name: 'Staff', created: true },
    seen: 25,
    created: 22,
    added: 1,
    unchanged: 0,
    removed: 1,
    skipped: 1,
    failed: 0,
    skippedByReason: { 'no email': 1 },
    failedByReason: {},
    examples: {
      created: Array.from({ length: 20 }, (_, i) => `u${i}@example.com`),
      added: ['old@example.com'],
      removed: ['gone@example.com'],
      skipped: [{ userId: 'auth0|x', reason: 'no email' }],
      failed: [],
    },
    ...over,
  };
}

describe('sync plan', () => {
  test('each outcome is an item with its count and first logins; skips are warnings', () => {
    const plan = syncPlan(summary());
    expect(plan.changed).toBe(true);
    expect(plan.warnings).toEqual(['skipped 1: no email (auth0|x)']);
    const text = renderPlan(plan, { label: syncLabel, heading: 'Plan (nothing is changed until you confirm):' });
    expect(text.split('\n')).toEqual([
      'Plan (nothing is changed until you confirm):',
      '  = unchanged role staff (rol_1)',
      '  + create    group Staff',
      '  + create    22 new Okta user(s), each put in the group',
      `        ${Array.from({ length: 20 }, (_, i) => `u${i}@example.com`).join(', ')}, ... (2 more)`,
      '  + create    1 existing Okta user(s) put in the group',
      '        old@example.com',
      '  - delete    1 member(s) not in the role taken out of the group',
      '        gone@example.com',
    ]);
    expect(planJson(plan).items.map((i) => [i.kind, i.action])).toEqual([
      ['role', 'unchanged'],
      ['group', 'create'],
      ['user', 'create'],
      ['member', 'create'],
      ['member', 'delete'],
    ]);
  });

  test('nothing to change: every item unchanged, and the plan says so', () => {
    const plan = syncPlan(
      summary({
        group: { id: '00g1', name: 'Staff', created: false },
        created: 0,
        added: 0,
        removed: 0,
        skipped: 0,
        unchanged: 25,
        skippedByReason: {},
        examples: { created: [], added: [], removed: [], skipped: [], failed: [] },
      }),
    );
    expect(plan.changed).toBe(false);
    expect(plan.warnings).toBeUndefined();
    expect(renderPlan(plan, { label: syncLabel }).split('\n')).toEqual([
      'Plan:',
      '  = unchanged role staff (rol_1)',
      '  = unchanged group Staff (00g1)',
      '  = unchanged 25 member(s) already in the group',
      '  (no changes)',
    ]);
  });
});
