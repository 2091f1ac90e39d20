// The Auth0 emulator's request log as the auth0 unit suites read it (an array today; a list() or clear() tomorrow).
import type { Auth0Emulator } from '../../src/emulator/auth0/index.js';

export interface Auth0LoggedRequest {
  method: string;
  path: string;
  status: number;
  fault?: string;
}

export function auth0RequestLog(emu: Auth0Emulator): Auth0LoggedRequest[] {
  const l = emu.requestLog as unknown;
  return Array.isArray(l) ? (l as Auth0LoggedRequest[]) : (l as { list(): Auth0LoggedRequest[] }).list();
}

export function clearAuth0RequestLog(emu: Auth0Emulator): void {
  const e = emu as unknown as { clearRequestLog?: () => void; requestLog: { clear?: () => void } };
  if (e.clearRequestLog) e.clearRequestLog();
  else e.requestLog.clear?.();
}
