// templates/<name>/handler.ts -> one minified ESM file, index.mjs, for the Node 20+ Lambda runtime.
// In memory only; build.ts zips it. The same sources and esbuild version give the same bytes.
// esbuild is a development dependency: `npm run build` bundles the shipped templates once (dist/templates/), so an
// installed CLI never loads it; it is imported here only when a template is bundled from source.

import type * as Esbuild from 'esbuild';
import type { Message } from 'esbuild';
import { BundleError } from './errors.js';
import { packageRoot, resolveTemplate } from './templates.js';

/** The file name inside the zip; the Lambda handler setting is therefore "index.handler". */
export const BUNDLE_FILE = 'index.mjs';

interface BundleResult {
  name: string;
  fileName: typeof BUNDLE_FILE;
  code: Uint8Array;
  warnings: string[];
}

interface BundleOptions {
  /** Directory holding the templates (default: the package's templates/). */
  templatesDir?: string;
}

function formatMessage(m: Message): string {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '';
  return `${where}${m.text}`;
}

export async function bundleTemplate(name: string, options: BundleOptions = {}): Promise<BundleResult> {
  const template = options.templatesDir ? resolveTemplate(name, options.templatesDir) : resolveTemplate(name);
  let result;
  try {
    const { build } = await importEsbuild(name);
    result = await build({
      entryPoints: [template.entry],
      absWorkingDir: packageRoot(),
      outfile: BUNDLE_FILE,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      minify: true,
      legalComments: 'none',
      sourcemap: false,
      metafile: false,
      write: false,
      logLevel: 'silent',
      charset: 'utf8',
      // jose and node builtins are bundled/kept as imports; nothing else is expected.
      external: [],
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors ?? [];
    throw new BundleError(
      `could not bundle template "${name}"`,
      errors.length ? errors.slice(0, 5).map(formatMessage).join('\n') : 'see the cause',
      { cause: err },
    );
  }
  const out = result.outputFiles?.find((f) => f.path.endsWith(BUNDLE_FILE));
  if (!out) throw new BundleError(`esbuild produced no ${BUNDLE_FILE} for "${name}"`);
  return { name, fileName: BUNDLE_FILE, code: out.contents, warnings: result.warnings.map(formatMessage) };
}

async function importEsbuild(name: string): Promise<typeof Esbuild> {
  try {
    return await import('esbuild');
  } catch (err) {
    throw new BundleError(
      `could not bundle template "${name}": esbuild is not installed`,
      'the package ships prebuilt templates in dist/templates/; from a source checkout run "npm ci" (esbuild is a development dependency) or "npm run build"',
      { cause: err },
    );
  }
}
