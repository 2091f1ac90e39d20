/** Reads and checks on a setup made by useInitialisedSetup (test/support/setup.ts). */
import { expect } from 'vitest';
import { api, managementWrites } from './okta-api.js';
import type { InitialisedSetup } from './setup.js';

/** The app's ACTIVE client secrets, as the org holds them. */
export async function activeSecrets(setup: InitialisedSetup): Promise<any[]> {
  const listed = await api(setup.emu, 'GET', `/api/v1/apps/${setup.okta.appId}/credentials/secrets`);
  return (listed.body as any[]).filter((s) => s.status === 'ACTIVE');
}

/** The setup works and is settled: a token can be had, and init run again writes nothing. */
export async function expectSettled(setup: InitialisedSetup): Promise<void> {
  const token = await setup.ws.run(['token', 'get', '--no-cache', '--raw']);
  expect(token.code, token.stderr).toBe(0);
  setup.emu.clearRequestLog();
  const again = await setup.ws.run(['init', '--yes']);
  expect(again.code, again.stderr).toBe(0);
  expect(managementWrites(setup.emu.requestLog)).toEqual([]);
}
