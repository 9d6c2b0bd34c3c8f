/**
 * The machine's multiply-add peak as the kernel sees it: every worker runs train.c's bb_peak (16 independent 4-lane
 * multiply-adds per round, fused in the relaxed build) at once; the sum of their rates is the ceiling the kernel's
 * GFLOP/s is reported against (bench/suite/sections/embed.ts).
 */
import type { KernelReply } from './protocol.ts';
import type { KernelSpawner } from './spawn.ts';
import { trainingKernelWasm } from './training-wasm.ts';
import type { KernelVariant } from './wasm.ts';
import { KERNEL_WORKER_SOURCE } from './worker-bundle.ts';

export interface FmaPeak {
  /** Sum over the workers of flops / their own wall time, GFLOP/s. */
  readonly gflops: number;
  readonly perWorker: readonly number[];
}

export async function measureFmaPeak(
  threads: number,
  variant: KernelVariant,
  spawn: KernelSpawner,
  rounds = 2_000_000,
): Promise<FmaPeak> {
  const workers = Array.from({ length: threads }, () => spawn(KERNEL_WORKER_SOURCE));
  try {
    const perWorker = await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<number>((resolve, reject) => {
            w.onReply((r: KernelReply) => {
              if (r.type === 'peak') resolve(r.flops / r.ms / 1e6);
              else if (r.type === 'error') reject(new Error(r.message));
            });
            w.busy(true);
            w.post({ type: 'peak', id: i + 1, wasm: trainingKernelWasm(variant), rounds });
          }),
      ),
    );
    return { gflops: perWorker.reduce((a, b) => a + b, 0), perWorker };
  } finally {
    for (const w of workers) w.terminate();
  }
}
