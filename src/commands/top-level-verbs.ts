// The top-level verbs, loaded together: the top-level help lists them all (see index.ts).
export * as login from './login.js';
export * as logout from './logout.js';
export * as init from './init.js';
export * as destroy from './destroy.js';
export * as status from './status.js';
export * as completion from './completion.js';
