import type { Json } from '../core/http-io.js';
import { OrderedCollection } from './collection.js';
import { randomAlphanumeric } from './ids.js';
import type { Stored } from './state.js';

/**
 * Custom admin roles (with their permissions) and resource sets (with their resources), the two halves of a
 * CUSTOM role assignment. Stored without `_links`, like everything in the org.
 */
export interface IamState {
  /** {id, label, description, created, lastUpdated, permissions: [{label, created, lastUpdated}]} */
  roles: OrderedCollection<Stored>;
  /** {id, label, description, created, lastUpdated, resources: [{id, orn, created, lastUpdated}]} */
  resourceSets: OrderedCollection<Stored>;
}

export function newIamState(): IamState {
  return { roles: new OrderedCollection(), resourceSets: new OrderedCollection() };
}

export function serializeIam(iam: IamState): Json {
  return { roles: iam.roles.values(), resourceSets: iam.resourceSets.values() };
}

export function deserializeIam(raw: Json | undefined): IamState {
  return { roles: new OrderedCollection(raw?.roles ?? []), resourceSets: new OrderedCollection(raw?.resourceSets ?? []) };
}

/** Okta ids: a type prefix and 17 random characters. */
export function newIamId(prefix: 'cr0' | 'iam' | 'ire' | 'irb'): string {
  return prefix + randomAlphanumeric(17);
}
