import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { examples } from './define.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export const command = () =>
  new Command('completion')
    .description('print a shell completion script')
    .argument('<shell>', SHELLS.join(' | '))
    .addHelpText(
      'after',
      examples('okta-m2m completion bash >> ~/.bashrc', 'okta-m2m completion zsh > "${fpath[1]}/_okta-m2m"', 'okta-m2m completion fish > ~/.config/fish/completions/okta-m2m.fish'),
    );

/** The program whose commands the script completes: the tree the command sits in. */
export interface CompletionOptions {
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

function commandTree(program: CommandUnknownOpts): Node[] {
  const nodes: Node[] = [];
  const walk = (command: CommandUnknownOpts, path: string[]) => {
    nodes.push({
      path,
      subcommands: command.commands.map((c) => c.name()),
      options: command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))),
    });
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return nodes;
}

function bash(tree: Node[]): string {
  const cases = tree
    .map((node) => `    "${node.path.join(' ')}") words="${[...node.subcommands, ...node.options].join(' ')}" ;;`)
    .join('\n');
  return `# okta-m2m bash completion
_okta_m2m() {
  local cur path="" i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _okta_m2m okta-m2m
`;
}

function zsh(tree: Node[]): string {
  return `#compdef okta-m2m
# okta-m2m zsh completion
autoload -U +X bashcompinit && bashcompinit
${bash(tree)}`;
}

function fish(tree: Node[]): string {
  const lines = ['# okta-m2m fish completion', 'complete -c okta-m2m -f'];
  for (const node of tree) {
    const condition =
      node.path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${node.path[node.path.length - 1]}`;
    for (const sub of node.subcommands) lines.push(`complete -c okta-m2m -n '${condition}' -a ${sub}`);
    for (const option of node.options.filter((o) => o.startsWith('--'))) {
      lines.push(`complete -c okta-m2m -n '${condition}' -l ${option.slice(2)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
