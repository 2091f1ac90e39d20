import type { Handler, Route } from './context.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The handlers of one Okta collection, each at the path Okta gives that operation. */
interface CollectionHandlers {
  /** GET {path} */
  list?: Handler;
  /** POST {path} */
  create?: Handler;
  /** GET {path}/:id */
  get?: Handler;
  /** PUT {path}/:id */
  replace?: Handler;
  /** POST {path}/:id: Okta's partial update (users, inline hooks) */
  update?: Handler;
  /** DELETE {path}/:id */
  delete?: Handler;
  /** POST {path}/:id/lifecycle/activate */
  activate?: Handler;
  /** POST {path}/:id/lifecycle/deactivate */
  deactivate?: Handler;
}

/** More operations below {path}/:id, by their path under it ('/users/:userId') and method. */
export type ItemOperations = Record<string, Partial<Record<Method, Handler>>>;

/**
 * The routes of one collection at `path` with its items at `path/:idParam`; `below` adds the operations under an
 * item. `scopes` names the family of OAuth scopes, e.g. 'okta.users': as in Okta's "OAuth 2.0 scopes" reference,
 * reads (GET) need `<family>.read` and every other method `<family>.manage`, which includes read.
 */
export function collectionRoutes(
  scopes: string,
  path: string,
  idParam: string,
  handlers: CollectionHandlers,
  below: ItemOperations = {},
): Route[] {
  const item = `${path}/:${idParam}`;
  const table: [Method, string, Handler | undefined][] = [
    ['GET', path, handlers.list],
    ['POST', path, handlers.create],
    ['GET', item, handlers.get],
    ['PUT', item, handlers.replace],
    ['POST', item, handlers.update],
    ['DELETE', item, handlers.delete],
    ['POST', `${item}/lifecycle/activate`, handlers.activate],
    ['POST', `${item}/lifecycle/deactivate`, handlers.deactivate],
  ];
  for (const [suffix, operations] of Object.entries(below)) {
    for (const [method, handler] of Object.entries(operations)) table.push([method as Method, item + suffix, handler]);
  }
  return table.flatMap(([method, routePath, handler]) =>
    handler ? [{ method, path: routePath, scope: `${scopes}.${method === 'GET' ? 'read' : 'manage'}`, handler }] : [],
  );
}
