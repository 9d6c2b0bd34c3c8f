/** The `browser-bert` bin over the sources (bin/browser-bert.js runs dist/): for tests that need a real process. */
import { main } from '../src/main';

process.exitCode = await main({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
