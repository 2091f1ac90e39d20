/**
 * Remote and file text never writes to the terminal (issue 15): every channel of the Ui, in human and JSON mode,
 * with colour on a TTY, neutralises C0 (but \n and \t), DEL and C1 controls in the data it prints, and JSON output
 * stays JSON that decodes back to the very same text. The CLI path over real HTTP (a token endpoint's error text)
 * is in trust-boundary-cli.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import type { Ui } from '../../src/ui/ui.js';
import { memoryUi } from '../support/memory-ui.js';

// OSC 52 clipboard write, screen clear, cursor up and erase line over a plan, a hidden hyperlink, CSI as C1, NEL.
const HOSTILE =
  'app \u001b]52;c;b3duZWQ=\u0007\u001b[2J\u001b[1A\u001b[2K\u009b2J\u001b]8;;https://evil.example/\u001b\\label\u001b]8;;\u001b\\ \u0085\r\b\u007f end';
// What may reach a terminal from data: printable text, \n and \t; ESC only as the start of our own colour (SGR).
// eslint-disable-next-line no-control-regex -- asserts that no control character (terminal escape) got through
const UNSAFE = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]|\u001b(?!\[\d+(;\d+)*m)/;

const makeUi = (json: boolean, tty: boolean) => memoryUi(json, true, tty);

function everyChannel(ui: Ui, text: string): void {
  ui.result({ label: text }, (v) => v.label);
  ui.out(text);
  ui.secretResult(text);
  ui.info(text);
  ui.progress(text);
  ui.success(text);
  ui.warn(text);
  ui.debug(text);
  ui.error(new CliError(text, { hint: text, cause: new Error(text) }));
  ui.error(new TypeError(text));
}

describe('every Ui channel neutralises control characters from data', () => {
  it('human and JSON, on a colour terminal: no escape but our own colour reaches stdout or stderr', () => {
    for (const json of [false, true]) {
      const { ui, out, err } = makeUi(json, true);
      everyChannel(ui, HOSTILE);
      expect(out() + err(), `json=${json}`).not.toMatch(UNSAFE);
      expect(out()).toContain('\\u001b]52;c;');
      expect(err()).toContain('\\u009b2J');
    }
  });

  it('JSON output escapes them as JSON does: it parses back to exactly the remote text', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('\u001b', '\u0085', '\u009b', '\u007f', '\r', '\u2028'),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
          ),
          maxLength: 40,
        }),
        (text) => {
          const { ui, out } = makeUi(true, false);
          ui.result({ label: text }, () => '');
          expect(out()).not.toMatch(UNSAFE);
          expect((JSON.parse(out()) as { label: string }).label).toBe(text);
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });

  it('keeps newlines and tabs', () => {
    const { ui, out } = makeUi(false, false);
    ui.out('a\tb\nc');
    expect(out()).toBe('a\tb\nc\n');
  });
});
