// Issue 15.1 / 19.1: init, destroy and status act only on objects that are this setup's (the remote name matches and
// okta-m2m's marker is on it). Over real HTTP: the built CLI against the emulator.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  api,
  describeWithKeychain,
  oktaEmulator,
  login,
  requireBuilt,
  workspace,
  writeMethods,
  type Workspace,
} from '../support/index.js';

describeWithKeychain('setup ownership: only what okta-m2m made is changed or deleted', () => {
  let emu: EmulatorHandle;
  let ws: Workspace;

  beforeAll(async () => {
    requireBuilt();
    emu = await oktaEmulator();
    ws = await workspace();
    expect((await login(ws, emu)).code).toBe(0);
  });
  afterAll(async () => {
    await ws?.cleanup();
    await emu?.stop();
  });

  const serverNamed = async (name: string) =>
    ((await api(emu, 'GET', '/api/v1/authorizationServers')).body as any[]).find((s) => s.name === name);

  it('a tampered state aims neither destroy nor init at foreign objects', { timeout: 90_000 }, async () => {
    // A production setup, made by hand, and a harmless one made by okta-m2m.
    const prod = await api(emu, 'POST', '/api/v1/authorizationServers', {
      name: 'prod-api',
      description: 'production',
      audiences: ['api://prod'],
    });
    expect(prod.status).toBe(201);
    expect((await ws.run(['init', '--name', 'harmless-demo', '--scope', 'demo:read', '--yes'])).code).toBe(0);
    const file = join(ws.dir, '.okta-m2m', 'state.json');
    const original = await readFile(file, 'utf8');
    const doc = JSON.parse(original);
    doc.profiles[ws.profile].okta.authServerId = prod.body.id;
    await writeFile(file, JSON.stringify(doc));

    emu.clearRequestLog();
    const plan = await ws.run(['init', '--dry-run']);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toContain(prod.body.id);
    expect(plan.stderr).toMatch(/"prod-api", not this setup's "harmless-demo"/);
    const destroyed = await ws.run(['destroy', '--yes']);
    expect(destroyed.code).not.toBe(0);
    expect(destroyed.stderr).toContain(prod.body.id);
    expect(writeMethods(emu.requestLog)).toEqual([]);
    expect((await serverNamed('prod-api'))?.id).toBe(prod.body.id);
    expect(await serverNamed('harmless-demo')).toBeDefined();
    await writeFile(file, original);
    expect((await ws.run(['destroy', '--yes'])).code).toBe(0);
  });

  it(
    "a hand-made server of the setup's name is adopted only with --adopt, and destroy leaves it",
    { timeout: 90_000 },
    async () => {
      const legacy = await api(emu, 'POST', '/api/v1/authorizationServers', {
        name: 'legacy2-api',
        description: 'hand made',
        audiences: ['api://legacy2-api'],
      });
      expect(legacy.status).toBe(201);
      emu.clearRequestLog();
      const refused = await ws.run(['init', '--name', 'legacy2-api', '--scope', 'l:read', '--yes']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/"legacy2-api" .*was not made by okta-m2m/);
      expect(refused.stderr).toMatch(/--adopt/);
      expect(writeMethods(emu.requestLog)).toEqual([]);

      const dry = await ws.run(['init', '--name', 'legacy2-api', '--scope', 'l:read', '--adopt', '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/& adopt +authorization server legacy2-api \(\S+\) \(not made by okta-m2m\)/);
      const adopted = await ws.run(['init', '--name', 'legacy2-api', '--scope', 'l:read', '--adopt', '--yes']);
      expect(adopted.code, adopted.stderr).toBe(0);
      expect((await ws.state()).profiles[ws.profile].okta.adopted).toEqual({ authServer: true });
      expect((await serverNamed('legacy2-api'))?.description).toBe('hand made');

      const destroyed = await ws.run(['destroy', '--yes', '--json']);
      expect(destroyed.code, destroyed.stderr).toBe(0);
      const result = JSON.parse(destroyed.stdout);
      expect(result.deleted.map((e: any) => e.kind)).not.toContain('authServer');
      expect(result.kept.map((e: any) => e.kind)).toContain('authServer');
      expect((await serverNamed('legacy2-api'))?.id).toBe(legacy.body.id);
    },
  );

  it('the org\'s "default" server is never adopted silently', { timeout: 60_000 }, async () => {
    emu.clearRequestLog();
    const result = await ws.run(['init', '--name', 'default', '--scope', 'd:read', '--yes']);
    expect(result.code, result.stderr).not.toBe(0);
    expect(result.stderr).toMatch(/"default"/);
    expect(writeMethods(emu.requestLog)).toEqual([]);
  });
});
