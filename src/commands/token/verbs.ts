// The token verbs, loaded together when the command line names the group (see ../index.ts).
export * as get from './get.js';
export * as proof from './proof.js';
export * as decode from './decode.js';
export * as verify from './verify.js';
