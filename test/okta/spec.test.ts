import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { specFromFile, specToFile, validateSpec } from '../../src/okta/setup/spec.js';

describe('validateSpec', () => {
  it('fills defaults', () => {
    const spec = validateSpec({ name: 'orders-api', scopes: ['orders:read'] });
    expect(spec).toEqual({
      name: 'orders-api',
      audience: 'api://orders-api',
      description: 'M2M access to orders-api (made by okta-m2m)',
      scopes: [{ name: 'orders:read', description: 'orders:read (okta-m2m)', default: false }],
      authMethod: 'client_secret_basic',
      tokenLifetimeMinutes: 60,
      allClients: false,
    });
  });

  it('marks the default scope', () => {
    const spec = validateSpec({ name: 'x', scopes: ['a', 'b'], defaultScope: 'b', tokenLifetimeMinutes: '30' });
    expect(spec.scopes.map((s) => s.default)).toEqual([false, true]);
    expect(spec.defaultScope).toBe('b');
    expect(spec.tokenLifetimeMinutes).toBe(30);
  });

  it.each([
    [{ scopes: ['a'] }, /needs a name/],
    [{ name: 'x' }, /at least one scope/],
    [{ name: 'x', scopes: ['a', 'a'] }, /listed twice/],
    [{ name: 'x', scopes: ['has space'] }, /not a valid scope/],
    [{ name: 'x', scopes: ['openid'] }, /reserves/],
    [{ name: 'x', scopes: ['okta.apps.manage'] }, /reserves/],
    [{ name: 'x', scopes: ['a'], defaultScope: 'b' }, /not one of the scopes/],
    [{ name: 'x', scopes: ['a'], authMethod: 'none' }, /authentication method/],
    [{ name: 'x', scopes: ['a'], tokenLifetimeMinutes: 2 }, /5 to 1440/],
    [{ name: 'x', scopes: ['a'], tokenLifetimeMinutes: '1h' }, /5 to 1440/],
    [{ name: ' bad/name', scopes: ['a'] }, /not a valid name/],
    [{ name: 'x', scopes: ['a'], audience: 'has space' }, /audience/],
  ])('rejects %j', (input, message) => {
    expect(() => validateSpec(input)).toThrow(UsageError);
    expect(() => validateSpec(input)).toThrow(message);
  });

  it('round-trips through the file form', () => {
    const spec = validateSpec({
      name: 'x',
      scopes: [{ name: 'a', description: 'A', default: true }],
      authMethod: 'private_key_jwt',
    });
    expect(specFromFile(JSON.parse(JSON.stringify(specToFile(spec))), 'f.json')).toEqual(spec);
  });

  it('rejects unknown fields and versions in files', () => {
    expect(() => specFromFile({ name: 'x', scopes: ['a'], scope: 'b' }, 'f.json')).toThrow(/unknown field scope/);
    expect(() => specFromFile({ version: 2, name: 'x', scopes: ['a'] }, 'f.json')).toThrow(/version 2/);
    expect(() => specFromFile([], 'f.json')).toThrow(/JSON object/);
  });
});
