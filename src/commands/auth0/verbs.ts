// The auth0 verbs, loaded together when the command line names the group (see ../index.ts).
export * as login from './login.js';
export * as init from './init.js';
export * as destroy from './destroy.js';
export * as status from './status.js';
