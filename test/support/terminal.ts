import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/cli.js';

/**
 * A terminal for the CLI in process: stdin we type into (a TTY), stderr (a TTY) we read prompts from, stdout not a
 * TTY. `screen` is everything the prompts drew, so a test can check that a typed secret was never echoed.
 */
export function fakeTerminal(env: NodeJS.ProcessEnv, cwd: string) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  let screen = '';
  let stdout = '';
  const stderr = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        screen += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns: 120, rows: 40 },
  );
  // Like process.stderr, never ended by a stream piped into it (each prompt pipes its output and ends it).
  Object.defineProperty(stderr, 'end', { value: () => stderr });
  const out = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        stdout += chunk.toString();
        done();
      },
    }),
    { isTTY: false },
  );
  let seen = 0;
  return {
    io: { stdin, stdout: out, stderr, env, cwd },
    get screen() {
      return screen;
    },
    get stdout() {
      return stdout;
    },
    run(args: string[]): Promise<number> {
      return main(['node', 'okta-m2m', ...args], { stdin, stdout: out, stderr, env, cwd });
    },
    /** Waits for text to appear on the screen (after what earlier answers waited for), then types keys. */
    async answer(prompt: RegExp, keys: string): Promise<void> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const rest = screen.slice(seen);
        const match = prompt.exec(rest);
        if (match) {
          seen += match.index + match[0].length;
          break;
        }
        if (Date.now() > deadline) throw new Error(`no prompt ${prompt} on screen:\n${screen.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 30));
      stdin.write(keys);
    },
  };
}

export const ENTER = '\r';
