import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { examples } from './define.js';
import { ARCHITECTURES, RUNTIMES, TEMPLATE_NAMES } from '../lambda/names.js';
import { TOP_LEVEL_SUMMARIES } from './summaries.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export const command = () =>
  new Command('completion')
    .description(TOP_LEVEL_SUMMARIES.completion.description)
    .argument('<shell>', SHELLS.join(' | '))
    .addHelpText(
      'after',
      examples(
        'okta-m2m completion bash >> ~/.bashrc',
        'okta-m2m completion zsh > "${fpath[1]}/_okta-m2m"',
        'okta-m2m completion fish > ~/.config/fish/completions/okta-m2m.fish',
      ),
    );

/** The program whose commands the script completes: the tree the command sits in. */
interface CompletionOptions {
  program: CommandUnknownOpts;
}

export async function run(ctx: Context, { program }: CompletionOptions, shell: string): Promise<void> {
  if (!SHELLS.some((known) => known === shell)) {
    throw new UsageError(`Unknown shell "${shell}".`, { hint: `Choose one of ${SHELLS.join(', ')}.` });
  }
  const tree = commandTree(program);
  const script = shell === 'bash' ? bash(tree) : shell === 'zsh' ? zsh(tree) : fish(tree);
  ctx.ui.out(script);
}

interface Node {
  path: string[];
  subcommands: string[];
  options: string[];
}

/** Values offered after an option (a "@profiles" entry: the profiles, listed by okta-m2m itself at <TAB> time). */
const OPTION_VALUES: Record<string, readonly string[]> = {
  '--profile': ['@profiles'],
  '-p': ['@profiles'],
  '--auth-method': ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  '--provider': ['okta', 'auth0', 'generic'],
  '--runtime': RUNTIMES,
  '--arch': ARCHITECTURES,
  '--rate-limits': ['workforce', 'developer', 'free', 'off'],
  '--fault': ['429', '500', 'drop'],
};

/** Values of a command's argument: templates, profiles, shells. */
const ARGUMENT_VALUES: Record<string, readonly string[]> = {
  'hook build': TEMPLATE_NAMES,
  'hook serve': TEMPLATE_NAMES,
  'hook deploy': TEMPLATE_NAMES,
  'hook remove': TEMPLATE_NAMES,
  'profiles use': ['@profiles'],
  'profiles remove': ['@profiles'],
  completion: SHELLS,
};

const FILE_OPTION = /(-file|^--zip|^--state|^--save|^--out-dir|^--to-env-file)$/;

function commandTree(program: CommandUnknownOpts): { nodes: Node[]; valued: string[] } {
  const nodes: Node[] = [];
  const valued = new Set<string>();
  const walk = (command: CommandUnknownOpts, path: string[]) => {
    for (const option of command.options) {
      if (option.required || option.optional)
        for (const flag of [option.long, option.short]) if (flag) valued.add(flag);
    }
    nodes.push({
      path,
      subcommands: command.commands.map((c) => c.name()),
      options: command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))),
    });
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return { nodes, valued: [...valued].sort() };
}

const PROFILES_BASH = `$(okta-m2m profiles list --json 2>/dev/null | sed -n 's/^ *"name": "\\(.*\\)",$/\\1/p')`;

function bashWords(values: readonly string[]): string {
  return values.map((v) => (v === '@profiles' ? PROFILES_BASH : v)).join(' ');
}

function bash({ nodes, valued }: { nodes: Node[]; valued: string[] }): string {
  const cases = nodes
    .map((node) => {
      const args = ARGUMENT_VALUES[node.path.join(' ')] ?? [];
      return `    "${node.path.join(' ')}") words="${[...node.subcommands, ...node.options, ...(args.length ? [bashWords(args)] : [])].join(' ')}" ;;`;
    })
    .join('\n');
  const values = Object.entries(OPTION_VALUES)
    .map(([flag, list]) => `      ${flag}) COMPREPLY=($(compgen -W "${bashWords(list)}" -- "$cur")); return ;;`)
    .join('\n');
  const files = valued.filter((flag) => FILE_OPTION.test(flag));
  return `# okta-m2m bash completion
_okta_m2m_words() {
  case "$1" in
${cases}
    *) return 1 ;;
  esac
}
_okta_m2m() {
  local cur prev path="" i w skip=0 words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      ${valued.join('|')}) skip=1 ;;
      -*) ;;
      *) path="\${path:+$path }$w" ;;
    esac
  done
  if ((COMP_CWORD > 1)); then
    case "$prev" in
${values}
${files.length ? `      ${files.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;\n` : ''}      ${valued.join('|')}) COMPREPLY=(); return ;;
    esac
  fi
  # An argument already given (a template, a name): complete the command it belongs to.
  while ! _okta_m2m_words "$path"; do
    [[ "$path" == *" "* ]] && path="\${path% *}" || path=""
  done
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _okta_m2m okta-m2m
`;
}

function zsh(tree: { nodes: Node[]; valued: string[] }): string {
  return `#compdef okta-m2m
# okta-m2m zsh completion
autoload -U +X bashcompinit && bashcompinit
${bash(tree)}`;
}

const PROFILES_FISH = `(okta-m2m profiles list --json 2>/dev/null | string match -rg '^ *"name": "([^"]+)",$')`;

function fishWords(values: readonly string[]): string {
  return values.map((v) => (v === '@profiles' ? PROFILES_FISH : v)).join(' ');
}

function fish({ nodes, valued }: { nodes: Node[]; valued: string[] }): string {
  const lines = ['# okta-m2m fish completion', 'complete -c okta-m2m -f'];
  for (const node of nodes) {
    const condition =
      node.path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${node.path[node.path.length - 1]}`;
    for (const sub of node.subcommands) lines.push(`complete -c okta-m2m -n '${condition}' -a ${sub}`);
    const args = ARGUMENT_VALUES[node.path.join(' ')];
    if (args) lines.push(`complete -c okta-m2m -n '${condition}' -a "${fishWords(args)}"`);
    for (const option of node.options.filter((o) => o.startsWith('--'))) {
      const known = OPTION_VALUES[option];
      const value = known
        ? ` -x -a "${fishWords(known)}"`
        : FILE_OPTION.test(option)
          ? ' -r -F'
          : valued.includes(option)
            ? ' -x'
            : '';
      lines.push(`complete -c okta-m2m -n '${condition}' -l ${option.slice(2)}${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
