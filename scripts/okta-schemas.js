#!/usr/bin/env node
// Extracts from Okta's OpenAPI description of the management API the schemas the emulator's answers are checked
// against (test/emulator/schema.test.ts), with every schema they reference, into test/fixtures/okta-schemas.json.
// The spec is Apache-2.0, as is this project; the fixture says where it came from. Committed, and regenerated only
// by hand when the spec moves:
//   node scripts/okta-schemas.js path/to/management-minimal.yaml
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

/** The response schemas the emulator answers with (keep in step with test/emulator/schema.test.ts). */
export const ROOT_SCHEMAS = [
  'AuthorizationServer',
  'AuthorizationServerJsonWebKey',
  'AuthorizationServerPolicy',
  'AuthorizationServerPolicyRule',
  'Error',
  'Group',
  'InlineHook',
  'OAuth2Claim',
  'OAuth2ClientSecret',
  'OAuth2Scope',
  'OAuth2ScopeConsentGrant',
  'OpenIdConnectApplication',
  'User',
];

const [specPath] = process.argv.slice(2);
if (!specPath) {
  console.error('usage: node scripts/okta-schemas.js <management-minimal.yaml>');
  process.exit(2);
}
const spec = yaml.load(readFileSync(specPath, 'utf8'));
const all = spec.components.schemas;
const PREFIX = '#/components/schemas/';

/** Every schema name reachable from the roots through $ref (not discriminator mappings: the test drops those). */
function closure(roots) {
  const seen = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') add(value);
      else if (key !== 'discriminator') visit(value);
    }
  };
  const add = (ref) => {
    if (!ref.startsWith(PREFIX)) throw new Error(`unsupported $ref ${ref}`);
    const name = ref.slice(PREFIX.length);
    if (seen.has(name)) return;
    if (!(name in all)) throw new Error(`$ref to a missing schema ${name}`);
    seen.add(name);
    visit(all[name]);
  };
  roots.forEach((name) => add(PREFIX + name));
  return [...seen].sort();
}

const names = closure(ROOT_SCHEMAS);
const fixture = {
  $comment:
    "Extracted by scripts/okta-schemas.js from Okta's OpenAPI description of the management API (" +
    `"${spec.info.title}" ${spec.info.version}, ${spec.info.license.name}: ${spec.info.license.url}). ` +
    'Only the schemas the emulator answers with and what they reference; unchanged otherwise. Do not edit by hand.',
  source: { title: spec.info.title, version: spec.info.version, license: spec.info.license.name },
  roots: ROOT_SCHEMAS,
  components: { schemas: Object.fromEntries(names.map((name) => [name, all[name]])) },
};
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'okta-schemas.json');
writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`${out}: ${names.length} schemas (${ROOT_SCHEMAS.length} roots)`);
