import type { RequestContext } from './context.js';
import { pathObject } from './errors.js';
import type { Stored } from './state.js';

/** The app in the path (:appId), or Okta's 404 for it; shared by the apps, app grants and app JWKS APIs. */
export function getApp(ctx: RequestContext): Stored {
  return pathObject(ctx, 'appId', 'App', (id) => ctx.state.apps.get(id));
}
