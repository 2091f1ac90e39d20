// The scim-token verbs, loaded together when the command line names the group (see ../index.ts).
export * as encode from './encode.js';
export * as decode from './decode.js';
