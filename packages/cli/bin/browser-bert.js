#!/usr/bin/env node
// The browser-bert command: runs the compiled CLI (dist/, built by `npm run build`).
import { main } from '../dist/main.js';

process.exitCode = await main({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
