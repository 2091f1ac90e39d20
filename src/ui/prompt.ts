import { InterruptedError, UsageError } from '../errors.js';
import type { Ui } from './ui.js';
import { neutralize } from './sanitize.js';
import { redact } from '../secrets/redact.js';
import type * as InquirerPrompts from '@inquirer/prompts';

/**
 * Prompts, loaded only when a person is there to answer them. Without a TTY (or with --no-input) asking is a
 * usage error that names the flag to pass instead.
 */
export async function prompts(ui: Ui, missing: string): Promise<typeof InquirerPrompts> {
  if (!ui.interactive) {
    throw new UsageError(`${missing} is required and there is no terminal to ask on.`, {
      hint: 'Pass it as a flag (see --help).',
    });
  }
  return import('@inquirer/prompts');
}

/** A prompt's `validate` from a check that throws: true when `make` passes, else the message it threw. */
export function passes(make: () => unknown): true | string {
  try {
    make();
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}

export async function confirmOrYes(ui: Ui, yes: boolean, question: string): Promise<boolean> {
  if (yes) return true;
  if (!ui.interactive) {
    throw new UsageError('Confirmation is required and there is no terminal to ask on.', {
      hint: 'Pass --yes to confirm.',
    });
  }
  const { confirm } = await prompts(ui, 'Confirmation (or --yes)');
  return confirm(
    { message: neutralize(redact(question)), default: false },
    { output: ui.streams.stderr, input: ui.streams.stdin },
  );
}

/**
 * Ctrl-C at a prompt: the prompt holds the terminal in raw mode, so no SIGINT reaches the process and @inquirer
 * rejects with its ExitPromptError instead. That is an interruption (exit 130), not a failure.
 */
export function interruptionOf(error: unknown): InterruptedError | undefined {
  if (error instanceof InterruptedError) return error;
  if (error instanceof Error && error.name === 'ExitPromptError') return new InterruptedError({ cause: error });
  return undefined;
}
