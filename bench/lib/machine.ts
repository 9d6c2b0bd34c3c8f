/** Machine facts for the results file. */
import os from 'node:os';
import { execFileSync } from 'node:child_process';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly loadAverage: number[];
  readonly node: string;
  readonly platform: string;
  readonly chromium: string | undefined;
  readonly gitCommit: string | undefined;
  /** Uncommitted files under packages/core/src when the bench ran (others' work in progress is measured too). */
  readonly coreUncommitted: string[];
}

function tryRun(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function machineInfo(chromiumPath: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    chromium: tryRun(chromiumPath, ['--version']),
    gitCommit: tryRun('git', ['rev-parse', '--short', 'HEAD']),
    coreUncommitted: (tryRun('git', ['status', '--porcelain', 'packages/core/src']) ?? '').split('\n').filter(Boolean),
  };
}
