// Process entry of the `arbor` command (run from source by bin/arbor.js, or bundled into dist/arbor.mjs).
import { main } from './main.js';
import { silenceGrpcLogs, silenceKnownWarnings } from './quiet-warnings.js';

silenceKnownWarnings();
silenceGrpcLogs(process.env);

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
