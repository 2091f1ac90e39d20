import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram, selectionFor } from '../../src/cli.js';
import { NotLoaded } from '../../src/commands/index.js';
import { repoRoot } from '../support/index.js';
import { runCliInProcess } from '../support/index.js';

// The command layout: every verb documented by example, and the modules the CLI loads free of import cycles.

function leaves(command: CommandUnknownOpts, path: string[] = []): string[][] {
  if (command.commands.length === 0) return [path];
  return command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: repoRoot };
const LEAVES = leaves(await buildProgram(io));

describe('every command', () => {
  it('the tree has the 29 verbs', () => {
    expect(LEAVES.map((path) => path.join(' ')).sort()).toEqual(
      [
        'auth0 destroy',
        'auth0 init',
        'auth0 login',
        'auth0 status',
        'completion',
        'destroy',
        'emulator start',
        'hook build',
        'hook deploy',
        'hook remove',
        'hook serve',
        'init',
        'login',
        'logout',
        'profiles list',
        'profiles remove',
        'profiles status',
        'profiles use',
        'rotate key',
        'rotate secret',
        'scim-token decode',
        'scim-token encode',
        'secret show',
        'status',
        'sync auth0-role',
        'token decode',
        'token get',
        'token proof',
        'token verify',
      ].sort(),
    );
  });

  it.each(LEAVES.map((path) => [path.join(' '), path] as const))(
    '%s --help ends with examples of itself',
    async (_name, path) => {
      const result = await runCliInProcess([...path, '--help']);
      expect(result.code).toBe(0);
      const section = /\nExamples:\n((?: {2}\$ .*\n|(?: {4,}.*\n))+)/.exec(result.stdout);
      expect(section, result.stdout).not.toBeNull();
      const commands = section![1]!.split('\n').filter((line) => line.startsWith('  $ '));
      expect(commands.length).toBeGreaterThan(0);
      // At least one example runs this very command (the others may show what goes with it).
      expect(
        commands.some(
          (line) =>
            line.includes(`okta-m2m ${path.join(' ')}`) ||
            (path.join(' ') === 'profiles use' && line.includes('--profile')),
        ),
      ).toBe(true);
    },
  );
});

/** Imports, re-exports and import() of our own modules; type-only imports are not edges (they vanish in the build). */
const IMPORT = /(?:^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?|import\()'(\.{1,2}\/[^']+)'/gm;

describe('the modules the CLI can load', () => {
  it('import one another without cycles, dynamic imports included', async () => {
    const graph = new Map<string, string[]>();
    const load = async (file: string): Promise<void> => {
      if (graph.has(file)) return;
      const text = await readFile(file, 'utf8');
      const targets = [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
      graph.set(file, targets);
      for (const target of targets) await load(target);
    };
    const entry = join(repoRoot, 'src', 'cli.ts');
    await load(entry);
    expect(graph.size).toBeGreaterThan(30);

    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, stack: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...stack.slice(stack.indexOf(file)), file].map((f) => relative(repoRoot, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...stack, file]);
      state.set(file, 'done');
    };
    visit(entry, []);
    expect(cycles).toEqual([]);
  });

  it('the import pattern sees what it must', () => {
    // So the check above cannot pass by matching nothing (before this layout it found hook.ts <-> hook-run.ts).
    const text =
      "import { a } from './a.js';\nimport type { B } from './b.js';\nexport { c } from './c.js';\nawait import('./d.js');\n";
    const found = [...text.matchAll(IMPORT)].map((m) => m[1]);
    expect(found).toEqual(['./a.js', './c.js', './d.js']);
  });
});

describe('which commands a command line loads', () => {
  it.each([
    [['token', 'get', '--raw'], { name: 'token', verb: 'get' }],
    [['--json', '-p', 'prod', '--timeout', '5', 'init', '--yes'], { name: 'init' }],
    [['--profile', 'token', 'status'], { name: 'status' }],
    [['help', 'token'], { name: 'token' }],
    [['token', '--help'], { name: 'token' }],
    [['profiles'], { name: 'profiles' }],
    [['token', 'nope'], { name: 'token' }],
    [['--help'], {}],
    [[], {}],
    [['tokn', 'get'], {}],
    [['completion', 'bash'], { all: true }],
    // Combined short flags may hide a value ("-yp prod"): read as needing everything, not guessed.
    [['-yp', 'prod', 'token', 'get'], { all: true }],
  ])('%j selects %j', (args, selection) => {
    expect(selectionFor(args)).toEqual(selection);
  });

  it('a command left unloaded says so when reached, for main to parse again with every command', async () => {
    const program = await buildProgram(io, {}, undefined, { name: 'init' });
    await expect(program.parseAsync(['node', 'okta-m2m', 'logout', '--yes'])).rejects.toBeInstanceOf(NotLoaded);
  });

  it('the top-level help is the same whether the tree is loaded in full or only what it lists', async () => {
    const lazy = await runCliInProcess(['--help']);
    const program = await buildProgram(io);
    let full = '';
    program.configureOutput({ writeOut: (text) => (full += text) });
    program.outputHelp();
    expect(lazy.stdout).toBe(full);
  });
});
