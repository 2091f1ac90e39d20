// Minimal typings for the parts of oidc-provider the tests use (the package ships none; @types/oidc-provider is
// not a dependency).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
  export const errors: {
    InvalidTarget: new (description?: string) => Error;
  };
}
