// The keyring file the test and demo keychains open: shared by with-keyring.js and test/support/session-bus.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The throwaway keyring as a plain-text keyring file, which gnome-keyring opens unlocked: should its daemon go away
 * in the middle of a run, the one D-Bus starts in its place (on the next keychain call) opens the same keyring, also
 * unlocked. A password-protected keyring left every later call facing an unlock prompt that no one could answer.
 */
export function writeUnlockedKeyring(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyring = '[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n';
  writeFileSync(join(dir, 'login.keyring'), keyring, { mode: 0o600 });
  writeFileSync(join(dir, 'default'), 'login', { mode: 0o600 });
}
