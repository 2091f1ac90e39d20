#!/usr/bin/env node
// Ctrl-C is exit 130 from the first moment, even while the CLI is still loading.
process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted\n');
  process.exit(130);
});

const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv);
