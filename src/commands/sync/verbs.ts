// The sync verbs, loaded together when the command line names the group (see ../index.ts).
export * as auth0Role from './auth0-role.js';
