// The rotate verbs, loaded together when the command line names the group (see ../index.ts).
export * as secret from './secret.js';
export * as key from './key.js';
