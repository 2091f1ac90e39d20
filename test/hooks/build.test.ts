import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleTemplate, BUNDLE_FILE } from '../../src/lambda/bundle.js';
import { buildTemplate, prebuiltZipPath, readBuiltZip } from '../../src/lambda/build.js';
import { TemplateNotFoundError } from '../../src/lambda/errors.js';
import { listTemplates, packageRoot, resolveTemplate, templatesDir } from '../../src/lambda/templates.js';
import { deterministicZip, readZip, sha256Base64, sha256Hex } from '../../src/lambda/zip.js';

/** Central directory entries of a zip: name, "version made by" host, external attributes, DOS time and date. */
function centralDirectory(zip: Uint8Array) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = view.getUint16(eocd + 10, true);
  let off = view.getUint32(eocd + 16, true);
  const out = [];
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(off, true)).toBe(0x02014b50);
    const nameLen = view.getUint16(off + 28, true);
    const extraLen = view.getUint16(off + 30, true);
    const commentLen = view.getUint16(off + 32, true);
    out.push({
      name: Buffer.from(zip.subarray(off + 46, off + 46 + nameLen)).toString('utf8'),
      os: view.getUint8(off + 5),
      mode: view.getUint32(off + 38, true) >>> 16,
      time: view.getUint16(off + 12, true),
      date: view.getUint16(off + 14, true),
    });
    off += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('templates', () => {
  it('finds the package root and both templates, not shared/', () => {
    expect(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).name).toBe('okta-m2m');
    expect(templatesDir()).toBe(join(packageRoot(), 'templates'));
    expect(listTemplates().map((t) => t.name)).toEqual(['scim-bridge', 'token-hook']);
    expect(resolveTemplate('token-hook').entry).toBe(join(packageRoot(), 'templates', 'token-hook', 'handler.ts'));
  });

  it('refuses unknown names and path tricks', () => {
    for (const name of ['nope', 'shared', '../src', 'scim-bridge/../token-hook', '']) {
      expect(() => resolveTemplate(name)).toThrow(TemplateNotFoundError);
    }
    try {
      resolveTemplate('nope');
    } catch (err) {
      expect((err as TemplateNotFoundError).hint).toContain('scim-bridge');
    }
  });
});

describe('deterministicZip', () => {
  it('gives the same bytes whatever the input order, with fixed time and mode', () => {
    const a = new TextEncoder().encode('a');
    const b = new TextEncoder().encode('b'.repeat(1000));
    const z1 = deterministicZip([
      { path: 'b.txt', data: b },
      { path: 'a.txt', data: a },
    ]);
    const z2 = deterministicZip({ 'a.txt': a, 'b.txt': b });
    expect(sha256Hex(z1)).toBe(sha256Hex(z2));
    expect(Buffer.from(z1).equals(Buffer.from(z2))).toBe(true);
    const cd = centralDirectory(z1);
    expect(cd.map((e) => e.name)).toEqual(['a.txt', 'b.txt']);
    for (const e of cd) {
      expect(e.os).toBe(3);
      expect(e.mode).toBe(0o100644);
      expect(e.date).toBe((0 << 9) | (1 << 5) | 1); // 1980-01-01
      expect(e.time).toBe(0);
    }
    expect(readZip(z1)['b.txt']).toEqual(b);
  });

  it('refuses bad entry names', () => {
    for (const path of ['/abs', '../x', 'a/../b', '', 'a//b']) {
      expect(() => deterministicZip([{ path, data: new Uint8Array() }])).toThrow(/bad zip entry/);
    }
    expect(() =>
      deterministicZip([
        { path: 'a', data: new Uint8Array() },
        { path: 'a', data: new Uint8Array() },
      ]),
    ).toThrow(/duplicate/);
  });

  it('reports CodeSha256 as base64 of the sha256', () => {
    const z = deterministicZip({ 'index.mjs': new TextEncoder().encode('export const handler = () => 1;') });
    expect(Buffer.from(sha256Base64(z), 'base64').toString('hex')).toBe(sha256Hex(z));
  });
});

describe('bundle and build', () => {
  it.each(['scim-bridge', 'token-hook'])('%s: bundles to one ESM file importing only node builtins', async (name) => {
    const b = await bundleTemplate(name);
    expect(b.fileName).toBe(BUNDLE_FILE);
    const code = new TextDecoder().decode(b.code);
    const specifiers = [
      ...code.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']/g),
    ].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const s of specifiers) expect(s).toMatch(/^node:/);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toContain('sourceMappingURL');
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
  });

  it.each(['scim-bridge', 'token-hook'])('%s: building twice gives identical zips', async (name) => {
    const out1 = mkdtempSync(join(tmpdir(), 'okta-m2m-b1-'));
    const out2 = mkdtempSync(join(tmpdir(), 'okta-m2m-b2-'));
    const [r1, r2] = [await buildTemplate(name, { outDir: out1 }), await buildTemplate(name, { outDir: out2 })];
    expect(r1.zipPath).toBe(join(out1, `${name}.zip`));
    expect(r1.sha256).toBe(r2.sha256);
    expect(r1.sha256Base64).toBe(r2.sha256Base64);
    expect(r1.size).toBe(r2.size);
    const bytes1 = readFileSync(r1.zipPath);
    expect(bytes1.equals(readFileSync(r2.zipPath))).toBe(true);
    expect(bytes1.length).toBe(r1.size);
    expect(sha256Hex(bytes1)).toBe(r1.sha256);
    // Only the zip is left behind: no temp files.
    expect(readdirSync(out1)).toEqual([`${name}.zip`]);
    const entries = readZip(bytes1);
    expect(Object.keys(entries)).toEqual([BUNDLE_FILE]);
    expect(entries[BUNDLE_FILE]!.length).toBe(r1.bundleSize);
    const again = await readBuiltZip(r1.zipPath);
    expect(again.sha256Base64).toBe(r1.sha256Base64);
    // Rebuilding over an existing zip replaces it.
    const r3 = await buildTemplate(name, { outDir: out1 });
    expect(r3.sha256).toBe(r1.sha256);
    expect(readdirSync(out1)).toEqual([`${name}.zip`]);
    rmSync(out1, { recursive: true, force: true });
    rmSync(out2, { recursive: true, force: true });
  });

  it.each(['scim-bridge', 'token-hook'])(
    '%s: npm run build ships the same zip the source build makes',
    async (name) => {
      const out = mkdtempSync(join(tmpdir(), 'okta-m2m-b3-'));
      try {
        const fromSource = await buildTemplate(name, { outDir: out });
        // dist/templates/ is what the installed CLI reads instead of running esbuild (scripts/build.js makes it).
        expect(sha256Hex(readFileSync(prebuiltZipPath(name)))).toBe(fromSource.sha256);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  );
});

describe('--zip is read bounded (issue 15)', () => {
  it('refuses a device or a folder with a one-line usage error, never reading it whole', async () => {
    await expect(readBuiltZip('/dev/zero')).rejects.toThrow(/The zip \/dev\/zero is a device, not a regular file/);
    await expect(readBuiltZip(tmpdir())).rejects.toThrow(/is a folder, not a regular file/);
  });
});
