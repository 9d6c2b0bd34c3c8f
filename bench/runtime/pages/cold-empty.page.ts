// A fresh page with no runtime in it: the browser's own part of "since navigation" (a new page, its HTML and one
// module script), measured like cold-runtime.page.ts so the two can be subtracted.
import { finish } from './shared';

finish({ sinceNavigation: performance.now() });
