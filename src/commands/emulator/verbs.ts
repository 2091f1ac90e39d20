// The emulator verbs, loaded together when the command line names the group (see ../index.ts).
export * as start from './start.js';
