import { Command, Help, type CommandUnknownOpts, type OptionValues } from '@commander-js/extra-typings';
import { bind, type MakeContext, type Run } from './define.js';
import { TOP_LEVEL_SUMMARIES } from './summaries.js';

/** Loads a verb's module and gives its Command the action that runs it. */
type VerbLoader = (make: MakeContext, program: CommandUnknownOpts) => Promise<CommandUnknownOpts>;

function verb<Args extends unknown[], Opts extends OptionValues>(
  load: () => Promise<{ command: () => Command<Args, Opts>; run: Run<Args, Opts> }>,
): VerbLoader {
  return async (make) => {
    const { command, run } = await load();
    return bind(command(), run, make);
  };
}

interface Group {
  description: string;
  verbs: Record<string, VerbLoader>;
  /** The verb that runs when the group is given alone (`okta-m2m profiles`). */
  defaultVerb?: string;
}

// One chunk per group when bundled: a verb and its siblings come in one file, not one file each. The top-level verbs
// are not a group (no command line names two of them, and the top-level help lists them unloaded): one chunk each.
const profilesVerbs = () => import('./profiles/verbs.js');
const secretVerbs = () => import('./secret/verbs.js');
const rotateVerbs = () => import('./rotate/verbs.js');
const tokenVerbs = () => import('./token/verbs.js');
const scimTokenVerbs = () => import('./scim-token/verbs.js');
const hookVerbs = () => import('./hook/verbs.js');
const auth0Verbs = () => import('./auth0/verbs.js');
const syncVerbs = () => import('./sync/verbs.js');
const emulatorVerbs = () => import('./emulator/verbs.js');

/**
 * Every command, in the order a newcomer meets them (--help lists them so): a verb, or a group of verbs. Each verb's
 * file holds its Command and its run(), and is loaded only when the command line names it (or a help that lists it),
 * so `okta-m2m token get` parses the token get module and nothing of `hook`, `auth0` or `login`.
 */
const COMMANDS: Record<string, VerbLoader | Group> = {
  login: verb(() => import('./login.js')),
  profiles: {
    description: 'list, switch and remove connection profiles',
    verbs: {
      list: verb(async () => (await profilesVerbs()).list),
      use: verb(async () => (await profilesVerbs()).use),
      remove: verb(async () => (await profilesVerbs()).remove),
      status: verb(async () => (await profilesVerbs()).status),
    },
    defaultVerb: 'list',
  },
  logout: verb(() => import('./logout.js')),
  init: verb(() => import('./init.js')),
  destroy: verb(() => import('./destroy.js')),
  status: verb(() => import('./status.js')),
  secret: {
    description: 'hand a consumer its client secret',
    verbs: { show: verb(async () => (await secretVerbs()).show) },
  },
  rotate: {
    description: 'replace a client secret or key without downtime (two overlap, then the old one goes)',
    verbs: { secret: verb(async () => (await rotateVerbs()).secret), key: verb(async () => (await rotateVerbs()).key) },
  },
  token: {
    description: 'get, decode and verify access tokens; make proofs for DPoP',
    verbs: {
      get: verb(async () => (await tokenVerbs()).get),
      proof: verb(async () => (await tokenVerbs()).proof),
      decode: verb(async () => (await tokenVerbs()).decode),
      verify: verb(async () => (await tokenVerbs()).verify),
    },
  },
  'scim-token': {
    description: 'make and read the SCIM bridge token an Okta SCIM app sends to the bridge Lambda',
    verbs: {
      encode: verb(async () => (await scimTokenVerbs()).encode),
      decode: verb(async () => (await scimTokenVerbs()).decode),
    },
  },
  hook: {
    description: 'build, serve and deploy the Lambda templates (scim-bridge, token-hook)',
    verbs: {
      build: verb(async () => (await hookVerbs()).build),
      serve: verb(async () => (await hookVerbs()).serve),
      deploy: verb(async () => (await hookVerbs()).deploy),
      remove: verb(async () => (await hookVerbs()).remove),
    },
  },
  auth0: {
    description: 'the same setup on Auth0: an API, a machine-to-machine application and its grant',
    verbs: {
      login: verb(async () => (await auth0Verbs()).login),
      init: verb(async () => (await auth0Verbs()).init),
      destroy: verb(async () => (await auth0Verbs()).destroy),
      status: verb(async () => (await auth0Verbs()).status),
    },
  },
  sync: {
    description: "provision an Auth0 role's users into an Okta group",
    verbs: { 'auth0-role': verb(async () => (await syncVerbs()).auth0Role) },
  },
  emulator: {
    description: 'a local Okta org (and Auth0 tenant) over real HTTP, for trying and testing',
    verbs: { start: verb(async () => (await emulatorVerbs()).start) },
  },
  // The completion script is made from the whole tree, so naming `completion` loads every command.
  completion: async (make, program) => {
    const completion = await import('./completion.js');
    return bind(completion.command(), (ctx, _opts, shell) => completion.run(ctx, { program }, shell), make);
  },
};

/** Which commands a command line needs: the verb it names, or all of a group or of the tree where help lists them. */
export interface Selection {
  /** The top-level command named, if any; undefined: the top-level help (or an unknown command). */
  name?: string;
  /** The verb of that group named, if any; undefined: the whole group. */
  verb?: string;
  /** Every command, for the completion script and for a command line this selection can't read. */
  all?: boolean;
}

/**
 * Reads from the arguments which command they name, the way commander will: global options (and the value of those
 * that take one) come before the command's name. Anything it can't read surely (combined short flags) selects all.
 */
export function selectionOf(args: readonly string[], valuedGlobals: ReadonlySet<string>): Selection {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 3; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (words.length > 0) break;
      if (/^-[a-zA-Z]{2,}$/.test(arg)) return { all: true };
      if (valuedGlobals.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  if (words[0] === 'help') words.shift();
  const [name, verbName] = words;
  if (name === undefined || !(name in COMMANDS)) return {};
  if (name === 'completion') return { all: true };
  const entry = COMMANDS[name]!;
  if (typeof entry === 'function' || verbName === undefined || !(verbName in entry.verbs)) return { name };
  return { name, verb: verbName };
}

/**
 * Adds the commands a selection needs to the program, and the others as names with their descriptions (what the
 * top-level help lists). A command left unloaded that is reached anyway (an argument list read wrongly) throws
 * NotLoaded, and main parses again with every command.
 */
export async function registerCommands(
  program: CommandUnknownOpts,
  make: MakeContext,
  selection: Selection = { all: true },
): Promise<void> {
  const topLevelHelp = !selection.all && selection.name === undefined;
  const added = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, entry]) => {
      const wanted = selection.all || selection.name === name;
      if (typeof entry === 'function') {
        if (wanted) return entry(make, program);
        return topLevelHelp ? summarized(name as keyof typeof TOP_LEVEL_SUMMARIES) : unloaded(name);
      }

      const group = new Command(name).description(entry.description);
      const verbs = await Promise.all(
        Object.entries(entry.verbs).map(([verbName, load]) =>
          wanted && (selection.verb === undefined || selection.verb === verbName)
            ? load(make, program)
            : Promise.resolve(unloaded(verbName)),
        ),
      );
      for (const command of verbs) group.addCommand(command, { isDefault: command.name() === entry.defaultVerb });
      return group;
    }),
  );
  for (const command of added) program.addCommand(command);
  if (topLevelHelp) program.configureHelp({ subcommandTerm: (command) => termOf(command) });
  inheritSettings(program);
}

/** The usage terms of the verbs the top-level help lists unloaded (see summarized). */
const summarizedUsage = new WeakMap<CommandUnknownOpts, string>();

/** A verb left unloaded that the top-level help lists as if it were loaded: its description and usage term. */
function summarized(name: keyof typeof TOP_LEVEL_SUMMARIES): CommandUnknownOpts {
  const { description, usage } = TOP_LEVEL_SUMMARIES[name];
  const command = unloaded(name).description(description);
  summarizedUsage.set(command, `${name} ${usage}`);
  return command;
}

function termOf(command: CommandUnknownOpts): string {
  return summarizedUsage.get(command) ?? new Help().subcommandTerm(command);
}

/** Thrown by a command that was not loaded: the selection was read wrongly, and main starts again with all. */
export class NotLoaded extends Error {}

function unloaded(name: string): CommandUnknownOpts {
  return new Command(name)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotLoaded(name);
    });
}

/** What `program.command()` would have copied (output, exit override, help after errors) to commands made apart. */
function inheritSettings(parent: CommandUnknownOpts): void {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    inheritSettings(child);
  }
}

/** The subcommands of each group, for the top-level help: "token get | decode | verify". */
export function commandTree(program: CommandUnknownOpts): string {
  const lines = program.commands
    .filter((command) => command.commands.length > 0)
    .map((command) => `  ${command.name()} ${command.commands.map((sub) => sub.name()).join(' | ')}`);
  return lines.length ? `\nSubcommands:\n${lines.join('\n')}\n` : '';
}
