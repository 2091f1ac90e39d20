// The secret verbs, loaded together when the command line names the group (see ../index.ts).
export * as show from './show.js';
