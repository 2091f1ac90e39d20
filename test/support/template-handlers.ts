/**
 * For a test file that calls the built Lambda handlers in this process (test/templates, test/security): the
 * handlers of the templates named, loaded from their built zips, with the SCIM API and the token endpoint they
 * call on loopback. The environment the file gives is set before its tests and put back after them, and
 * console.log (the handlers log a line a request) is muted meanwhile.
 */
import { afterAll, beforeAll, vi } from 'vitest';
import {
  buildAndLoad,
  listen,
  setEnv,
  startScimServer,
  startTokenServer,
  type Handler,
  type Local,
  type ScimServer,
  type TokenServer,
} from './templates.js';

export interface TemplateHandlers {
  /** The scim-bridge handler, when the file asked for it. */
  bridge: Handler;
  /** The token-hook handler, when the file asked for it. */
  hook: Handler;
  scim: ScimServer;
  tokens: TokenServer;
  /** A loopback server as templates.ts's listen() makes it, closed after the file. */
  listen: typeof listen;
}

type Template = 'scim-bridge' | 'token-hook';

/**
 * `environment` runs once the handlers are loaded and the servers listen (read them from its argument, start more
 * with its `listen`) and returns the variables the handlers read. Read the fields inside tests and hooks.
 */
export function useTemplateHandlers(
  templates: Template[],
  environment: (handlers: TemplateHandlers) => Promise<Record<string, string | undefined>>,
): TemplateHandlers {
  const servers: Local[] = [];
  const handlers = {
    listen: async (fn: Parameters<typeof listen>[0]) => {
      const local = await listen(fn);
      servers.push(local);
      return local;
    },
  } as TemplateHandlers;
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    const [loaded, scim, tokens] = await Promise.all([
      Promise.all(templates.map((name) => buildAndLoad(name))),
      startScimServer(),
      startTokenServer(),
    ]);
    servers.push(scim, tokens);
    Object.assign(handlers, { scim, tokens });
    templates.forEach((name, i) => (handlers[name === 'scim-bridge' ? 'bridge' : 'hook'] = loaded[i]!.handler));
    restoreEnv = setEnv(await environment(handlers));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  }, 60_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    restoreEnv?.();
    await Promise.all(servers.map((server) => server.close()));
  });
  return handlers;
}

/** The handlers' environment for the servers above: both allowlisted, plain HTTP on loopback, 2 s upstream. */
export function allowlistedServers(handlers: TemplateHandlers): Record<string, string> {
  return {
    ALLOWED_HOSTS: handlers.scim.host,
    ALLOWED_TOKEN_HOSTS: handlers.tokens.host,
    ALLOW_INSECURE_LOOPBACK: '1',
    UPSTREAM_TIMEOUT_MS: '2000',
  };
}
