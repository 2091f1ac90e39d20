/**
 * A run stopped (Ctrl-C, a kill) after Okta made the app but before its secret reached the keychain leaves an app
 * with a secret no one holds. init writes the app's label to the state before the create (creatingApp) and clears it
 * once the credential is kept, so the next run knows: it gives the app a secret it keeps and retires the other, in
 * that one run, and the run after it writes nothing. The stop is reproduced as it leaves things: the state with the
 * label and without the app's ids, the keychain without the secret.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { objectNames } from '../../src/okta/setup/spec.js';
import { secretRefs } from '../../src/secrets/refs.js';
import { clearKeychainAccounts, describeWithKeychain } from '../support/index.js';
import { useInitialisedSetup } from '../support/setup.js';
import { activeSecrets as activeSecretsOf, expectSettled } from '../support/setup-checks.js';

describeWithKeychain('init after a run stopped between the app and its secret', () => {
  const setup = useInitialisedSetup('stopped-api', 'stopped:read');

  const activeSecrets = () => activeSecretsOf(setup);

  it('retires the secret that reached no one in the same run; the next run writes nothing', async () => {
    const stateFile = join(setup.ws.dir, '.okta-m2m', 'state.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8'));
    const okta = state.profiles[setup.ws.profile].okta;
    const lost = (await activeSecrets()).map((s) => s.id);
    expect(lost).toHaveLength(1);
    delete okta.appId;
    delete okta.clientId;
    okta.creatingApp = objectNames(okta.spec).app;
    await writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
    await clearKeychainAccounts([secretRefs.clientSecret(setup.ws.profile, setup.okta.clientId).account]);

    const recovered = await setup.ws.run(['init', '--yes']);
    expect(recovered.code, recovered.stderr).toBe(0);
    const secrets = await activeSecrets();
    expect(secrets).toHaveLength(1);
    expect(lost).not.toContain(secrets[0].id);
    const after = JSON.parse(await readFile(stateFile, 'utf8')).profiles[setup.ws.profile].okta;
    expect(after.creatingApp).toBeUndefined();
    expect(after.appId).toBe(setup.okta.appId);
    await expectSettled(setup);
  });
});
