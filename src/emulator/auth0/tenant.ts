import type { IdFactory } from './ids.js';
import type { SigningKey } from './keys.js';
import type { TenantStore } from './store.js';

/** Everything a handler may touch: the data, id maker, signing key, names, and the "something changed" hook. */
export interface Tenant {
  store: TenantStore;
  ids: IdFactory;
  key: SigningKey;
  /** 'http://127.0.0.1:PORT/' by default: must equal the URL clients use, trailing slash included. */
  issuer: string;
  /** host:port */
  domain: string;
  /** issuer + 'api/v2/' */
  managementAudience: string;
  /** Called after every mutation (persists when a statePath was given). */
  changed(): void;
}
