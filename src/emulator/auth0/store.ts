import type { JWK } from 'jose';
import type { Client, ClientGrant, ResourceServer, Role, User } from './model.js';

/** The persisted form of a tenant (JSON, written 0600: it holds client secrets and the signing key). */
export interface TenantSnapshot {
  version: 1;
  tenant: string;
  managementClientId: string;
  signingKey: { kid: string; privateJwk: JWK };
  resourceServers: ResourceServer[];
  clients: Client[];
  clientGrants: ClientGrant[];
  roles: Role[];
  users: User[];
  roleMembers: Record<string, string[]>;
}

/** In-memory tenant: maps keyed by id, insertion ordered (lists come back in creation order). */
export class TenantStore {
  readonly resourceServers = new Map<string, ResourceServer>();
  readonly clients = new Map<string, Client>();
  readonly clientGrants = new Map<string, ClientGrant>();
  readonly roles = new Map<string, Role>();
  readonly users = new Map<string, User>();
  /** role id -> member user ids, in the order they were assigned. */
  readonly roleMembers = new Map<string, { ids: string[]; set: Set<string> }>();

  constructor(
    readonly tenant: string,
    public managementClientId: string,
    public signingKey: { kid: string; privateJwk: JWK },
  ) {}

  resourceServerByIdentifier(identifier: string): ResourceServer | undefined {
    for (const rs of this.resourceServers.values()) if (rs.identifier === identifier) return rs;
    return undefined;
  }

  grantFor(clientId: string, audience: string): ClientGrant | undefined {
    for (const g of this.clientGrants.values()) if (g.client_id === clientId && g.audience === audience) return g;
    return undefined;
  }

  deleteGrantsWhere(pred: (g: ClientGrant) => boolean): void {
    for (const [id, g] of this.clientGrants) if (pred(g)) this.clientGrants.delete(id);
  }

  members(roleId: string): { ids: string[]; set: Set<string> } {
    let m = this.roleMembers.get(roleId);
    if (!m) {
      m = { ids: [], set: new Set() };
      this.roleMembers.set(roleId, m);
    }
    return m;
  }

  addMembers(roleId: string, userIds: Iterable<string>): void {
    const m = this.members(roleId);
    for (const id of userIds) {
      if (m.set.has(id)) continue;
      m.set.add(id);
      m.ids.push(id);
    }
  }

  toSnapshot(): TenantSnapshot {
    const roleMembers: Record<string, string[]> = {};
    for (const [roleId, m] of this.roleMembers) roleMembers[roleId] = m.ids;
    return {
      version: 1,
      tenant: this.tenant,
      managementClientId: this.managementClientId,
      signingKey: this.signingKey,
      resourceServers: [...this.resourceServers.values()],
      clients: [...this.clients.values()],
      clientGrants: [...this.clientGrants.values()],
      roles: [...this.roles.values()],
      users: [...this.users.values()],
      roleMembers,
    };
  }

  static fromSnapshot(s: TenantSnapshot): TenantStore {
    if (s.version !== 1) throw new Error(`unsupported emulator state version: ${String(s.version)}`);
    const store = new TenantStore(s.tenant, s.managementClientId, s.signingKey);
    for (const rs of s.resourceServers) store.resourceServers.set(rs.id, rs);
    for (const c of s.clients) store.clients.set(c.client_id, c);
    for (const g of s.clientGrants) store.clientGrants.set(g.id, g);
    for (const r of s.roles) store.roles.set(r.id, r);
    for (const u of s.users) store.users.set(u.user_id, u);
    for (const [roleId, ids] of Object.entries(s.roleMembers)) store.addMembers(roleId, ids);
    return store;
  }
}
