import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Cross-origin isolation (COOP/COEP) makes SharedArrayBuffer available, which tfjs-backend-wasm needs for threads.
 * The same headers must be sent by whatever static host serves `dist/` (see public/_headers and README.md).
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [react()],
  // The workspace's @browser-bert/core from its TypeScript sources (package.json exports), not its build.
  resolve: { conditions: ['@browser-bert/source', ...defaultClientConditions] },
  // Relative asset URLs: the build works from any sub-path of a static host.
  base: './',
  server: { host: '127.0.0.1', port: 5173, headers: isolationHeaders },
  preview: { host: '127.0.0.1', port: 4173, headers: isolationHeaders },
  worker: {
    format: 'es',
    // tfjs-backend-wasm builds its pthread workers from the glue function's source text (Function.toString), so
    // the worker bundle is only stripped of whitespace: renaming or inlining breaks that source text.
    rolldownOptions: { output: { minify: { compress: false, mangle: false } } },
  },
  build: {
    target: 'es2022',
    // tfjs is large by nature; the worker chunk is expected to exceed Vite's default warning size.
    chunkSizeWarningLimit: 4000,
    // Keep .wasm files as separate assets (never inlined as base64).
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  optimizeDeps: {
    // The worker's dependencies are not found by Vite's HTML scan; listing them avoids a late re-optimisation and
    // page reload on the first visit of the dev server.
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-layers',
      'fflate',
      'papaparse',
      'postal-mime',
      'html-to-text',
    ],
  },
});
