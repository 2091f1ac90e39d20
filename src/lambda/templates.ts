// Where the Lambda templates live, for a built CLI (dist/lambda/templates.js) and under vitest (src/lambda/templates.ts)
// alike: walk up from this module to the directory holding package.json, then templates/ beside it.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TemplateNotFoundError } from './errors.js';

interface TemplateInfo {
  /** Directory name under templates/, e.g. "scim-bridge". */
  name: string;
  /** Absolute directory of the template. */
  dir: string;
  /** Absolute path of its entry point, templates/<name>/handler.ts. */
  entry: string;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

let cachedRoot: string | undefined;

/** The package root: the nearest ancestor of this module that holds package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (cachedRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('okta-m2m: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function templatesDir(): string {
  return join(packageRoot(), 'templates');
}

/** Every templates/<name>/ with a handler.ts, sorted by name. templates/shared/ is a library, not a template. */
export function listTemplates(dir: string = templatesDir()): TemplateInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => NAME.test(name) && name !== 'shared')
    .map((name) => ({ name, dir: join(dir, name), entry: join(dir, name, 'handler.ts') }))
    .filter((t) => existsSync(t.entry) && statSync(t.entry).isFile())
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One template by name; throws TemplateNotFoundError (names are checked, so no path tricks). */
export function resolveTemplate(name: string, dir: string = templatesDir()): TemplateInfo {
  const found = NAME.test(name) ? listTemplates(dir).find((t) => t.name === name) : undefined;
  if (!found) {
    const known = listTemplates(dir).map((t) => t.name);
    throw new TemplateNotFoundError(
      `no template named "${name}"`,
      known.length ? `known templates: ${known.join(', ')}` : `no templates found in ${dir}`,
    );
  }
  return found;
}
