// The profiles verbs, loaded together when the command line names the group (see ../index.ts).
export * as list from './list.js';
export * as use from './use.js';
export * as remove from './remove.js';
export * as status from './status.js';
