import { main } from './cli.ts';

// Exit codes travel through process.exitCode so pending writes (logs, reports) drain first.
process.exitCode = await main(process.argv.slice(2));
