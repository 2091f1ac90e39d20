/** Output streams in memory, and a Ui writing to them, for tests that read what a command or the Ui printed. */
import { PassThrough } from 'node:stream';
import { Ui } from '../../src/ui/ui.js';

interface MemoryStreams {
  stdout: PassThrough;
  stderr: PassThrough;
  /** What was written to stdout so far. */
  out: () => string;
  /** What was written to stderr so far. */
  err: () => string;
}

/** stdout and stderr in memory; with `tty`, both say whether they are a terminal. */
export function memoryStreams(tty?: boolean): MemoryStreams {
  const stream = () => (tty === undefined ? new PassThrough() : Object.assign(new PassThrough(), { isTTY: tty }));
  const stdout = stream();
  const stderr = stream();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdout, stderr, out: () => out, err: () => err };
}

/** A Ui on memoryStreams(tty), with --debug on and no input, in JSON or human mode, with or without colour. */
export function memoryUi(json: boolean, color: boolean, tty?: boolean): { ui: Ui } & MemoryStreams {
  const streams = memoryStreams(tty);
  const ui = new Ui(
    { stdout: streams.stdout, stderr: streams.stderr, stdin: new PassThrough() },
    { json, color, debug: true, input: false, env: {} },
  );
  return { ui, ...streams };
}
