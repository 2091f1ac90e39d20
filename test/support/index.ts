/**
 * The test support family, one import for most suites. Heavier or more special pieces are imported from their own
 * modules: auth0-sdk.ts (the auth0 SDK against the emulator), fake-aws.ts (the AWS SDK mock), oidc-server.ts
 * (oidc-provider), http-server.ts and templates.ts (scripted loopback servers, Lambda events), fixtures.ts (vitest
 * test.extend fixtures), and record-imports.mjs (a `node --import` hook).
 */
export * from './cli.js';
export * from './emulators.js';
export * from './files.js';
export * from './keychain.js';
export * from './okta-api.js';
export * from './paths.js';
export * from './terminal.js';
export * from './workspace.js';
export * from './clock.js';
export * from './org.js';
