// The hook verbs, loaded together when the command line names the group (see ../index.ts).
export * as build from './build.js';
export * as serve from './serve.js';
export * as deploy from './deploy.js';
export * as remove from './remove.js';
