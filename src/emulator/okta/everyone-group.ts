import { OktaError, accessDenied } from './errors.js';
import { newId, oktaTimestamp } from './ids.js';
import type { EmulatorState, Stored } from './state.js';

/**
 * Every Okta org has the built-in `Everyone` group (GroupType BUILT_IN: "Group profile and memberships are managed
 * by Okta and can't be modified"): every user is a member, and its profile and members can't be changed.
 */
export function seedEveryoneGroup(state: EmulatorState): void {
  if (state.groups.find((g) => g.type === 'BUILT_IN')) return;
  const now = oktaTimestamp();
  state.groups.add({
    id: newId('group'),
    created: now,
    lastUpdated: now,
    lastMembershipUpdated: now,
    objectClass: ['okta:user_group'],
    type: 'BUILT_IN',
    profile: { name: 'Everyone', description: 'All users in your organization' },
  });
}

export function isBuiltInGroup(group: Stored): boolean {
  return group.type === 'BUILT_IN';
}

export function assertGroupModifiable(group: Stored): void {
  if (isBuiltInGroup(group)) {
    throw new OktaError(403, 'E0000006', accessDenied().errorSummary, [
      `${String(group.profile?.name)} is a BUILT_IN group: Okta manages its profile and members, which can't be modified.`,
    ]);
  }
}
