#!/usr/bin/env node
// Builds dist/ with esbuild: one ESM bundle for the CLI, split at every dynamic import, so start-up parses one file
// instead of dozens while the Okta, Auth0 and AWS SDKs (external packages) still load only in the commands that use
// them. Type checking is `npm run typecheck` (tsc --noEmit). Then the Lambda templates: bundled and zipped once into
// dist/templates/<name>.zip, which the installed CLI reads, so esbuild is a development dependency only.
import { build } from 'esbuild';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
await rm(outdir, { recursive: true, force: true });

// Bundled because they are small and pure: one parsed file instead of dozens (jose alone is ~60 modules).
// Everything else in node_modules (the Okta, Auth0 and AWS SDKs) stays external and loads only where used.
const bundled = new Set(['commander', '@commander-js/extra-typings', 'chalk', 'jose']);

const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./#]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      if (bundled.has(name) || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

// commander requires node:child_process when it loads, for executable subcommands, which okta-m2m has none of:
// loading it (and the net, dgram and stream modules behind it) cost every start a few milliseconds. Its require is
// answered with a module that loads child_process only if something reads from it.
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: args.path, namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents:
        "module.exports = new Proxy({}, { get: (_, name) => process.getBuiltinModule('node:child_process')[name] });",
      loader: 'js',
    }));
  },
};

// Node's built-ins, imported as ES modules, each get a facade whose exports are read when it is made: that runs the
// lazy getters of node:util (parseArgs, MIMEType, ...), node:process (report) and node:crypto (webcrypto), loading
// modules no command uses. Taken with process.getBuiltinModule, a built-in is just the module it is, and the chunks
// need no `require` (commander's requires are built-ins too). Not an import(): esbuild would make the module a chunk
// that exports only `default`, without its named exports.
const builtinsWithoutFacades = {
  name: 'builtins-without-facades',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'dynamic-import'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'node-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

// chalk finds its colour support at load time with supports-color, which imports node:tty (and so node:net) and
// reads the environment; the UI sets the colour level itself (src/ui/ui.ts), so the bundle takes chalk's browser
// variant of that module, which reads nothing.
const chalkWithoutColorDetection = {
  name: 'chalk-without-color-detection',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) =>
      /[\\/]chalk[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), 'vendor', 'supports-color', 'browser.js') }
        : undefined,
    );
  },
};

const bundleOptions = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // Less to parse at every start; names kept, and source maps that the launcher turns on only for --debug.
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [externalPackages],
  // commander is CommonJS: give the bundle a `require` for the Node built-ins it asks for.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

// The CLI. esbuild puts each module in the chunk of the set of entry points (the CLI and each import() target) that
// reach it, so the small modules nearly every command uses (src/kernel.ts) came out as a chunk each, and `--help`
// loaded 22 files. Injected into every entry point, they share one set, and so one chunk.
await build({
  ...bundleOptions,
  entryPoints: { cli: 'src/cli.ts' },
  inject: ['src/kernel.ts'],
  plugins: [lazyChildProcessForCommander, chalkWithoutColorDetection, builtinsWithoutFacades, externalPackages],
  banner: {},
});

// The emulators, for the tests and the benchmarks: built apart, so they share nothing with the CLI but HTTP.
await build({
  ...bundleOptions,
  entryPoints: { emulator: 'src/emulator/okta/index.ts', 'emulator-auth0': 'src/emulator/auth0/index.ts' },
});

// The templates, with the CLI's own bundle-and-zip code (src/lambda/build.ts), built into a throwaway module under
// dist/ (so it finds package.json above it) and run from source mode, which bundles with esbuild.
const prebuild = join(outdir, '.prebuild', 'build.js');
await build({
  absWorkingDir: root,
  entryPoints: { build: 'src/lambda/build.ts' },
  outdir: dirname(prebuild),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [externalPackages],
});
await mkdir(join(outdir, 'templates'), { recursive: true });
try {
  const { prebuildTemplates } = await import(pathToFileURL(prebuild).href);
  for (const warning of await prebuildTemplates(join(outdir, 'templates')))
    console.warn(`template warning: ${warning}`);
} finally {
  await rm(dirname(prebuild), { recursive: true, force: true });
}
