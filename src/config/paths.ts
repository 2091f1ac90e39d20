import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user config folder: $OKTA_M2M_CONFIG_DIR, else the platform's convention (XDG on Linux). */
function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OKTA_M2M_CONFIG_DIR) return env.OKTA_M2M_CONFIG_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'okta-m2m');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'okta-m2m');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'okta-m2m');
}

export function profilesFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'profiles.json');
}

/** Project state (ids of what `init` made) lives beside the project, never in the user's config. */
export function stateFile(cwd: string): string {
  return join(cwd, '.okta-m2m', 'state.json');
}
