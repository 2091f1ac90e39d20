#!/usr/bin/env node
// Ctrl-C is exit 130 from the first moment, even while the CLI is still loading. `on`, not `once`: a second
// Ctrl-C while exiting must not fall through to the default handler and kill the process by signal.
process.on('SIGINT', () => {
  process.stderr.write('\ninterrupted\n');
  process.exit(130);
});
// A reader that goes away (`okta-m2m --help | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// Stack traces point into src/ only when asked for: source maps cost start-up time.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

const { main, openedOutput } = await import('../dist/cli.js');
process.exitCode = await main(process.argv);
// The command has finished and awaited all it started; what may still be in the event loop is not its work (idle
// keep-alive connections, the keychain library's threads winding down) and would only delay the exit by tens of
// milliseconds. Leave once what was written to stdout and stderr has gone out.
const drained = (stream) =>
  stream.writableLength === 0 ? undefined : new Promise((resolve) => stream.once('drain', resolve));
await Promise.all([...openedOutput].map(drained));
process.exit();
