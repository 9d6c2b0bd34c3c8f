/** Test helper: seeded Gaussian blobs (one centre per class) as a row-major feature matrix. */
import { createRng } from '../../src/util/random';

export function blobs(
  perClass: readonly number[],
  dim: number,
  seed: number,
  spread = 1,
): { features: { dim: number; data: Float32Array }; labels: Int32Array } {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const centres = perClass.map(() => Array.from({ length: dim }, () => 2 * gauss()));
  const n = perClass.reduce((a, b) => a + b, 0);
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  let i = 0;
  perClass.forEach((count, c) => {
    for (let k = 0; k < count; k++, i++) {
      labels[i] = c;
      for (let j = 0; j < dim; j++) data[i * dim + j] = centres[c]![j]! + spread * gauss();
    }
  });
  return { features: { dim, data }, labels };
}
