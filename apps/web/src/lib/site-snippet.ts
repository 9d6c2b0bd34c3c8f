/**
 * The "use it on your site" snippets the Keep step shows: @browser-bert/classify (no TF.js) with a bundler, and the
 * same in a plain page with the package's one-file build. The consumer tests (consumers/consumers.test.ts) run both
 * as they are written here, against the packed packages.
 */
export interface SiteSnippets {
  /** A module for an app built with a bundler (Vite, webpack, esbuild …). */
  readonly bundler: string;
  /** A plain HTML page: no bundler, classify.min.js copied next to it. */
  readonly page: string;
}

const TRY = 'Win a free cruise, reply now';

export function siteSnippets(name: string): SiteSnippets {
  const code = (importFrom: string) => `import { loadClassifier } from '${importFrom}';

// The classifier folder (the downloaded zip, unzipped) served next to this page. Also accepted: the .zip itself
// (a Blob or File), or 'indexeddb://${name}' on the origin where you saved it.
const clf = await loadClassifier('./${name}/');
const [result] = await clf.classify(['${TRY}']);
console.log(result.label, result.scores); // e.g. "spam" { ham: 0.03, spam: 0.97 }`;
  return {
    bundler: `// npm install @browser-bert/classify   (no TF.js: the encoder runs in browser-bert's WebAssembly kernel)\n${code('@browser-bert/classify')}`,
    page: `<!-- cp node_modules/@browser-bert/classify/dist/classify.min.js next to this page -->
<script type="module">
${code('./classify.min.js')
  .split('\n')
  .map((l) => (l ? `  ${l}` : l))
  .join('\n')}
</script>`,
  };
}
