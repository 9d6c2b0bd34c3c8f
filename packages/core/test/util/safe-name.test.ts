/** The path policy (util/safe-name.ts): which names found inside files are plain relative names, and the joins. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UnsafePathError } from '../../src/errors';
import { checkRelativeName, joinUnder, unsafeNameReason, urlUnder } from '../../src/util/safe-name';

test('plain relative names pass', () => {
  for (const n of [
    'weights.bin',
    'head/weights.bin',
    '1_Pooling/config.json',
    'model-00001-of-00002.safetensors',
    '.browser-bert-manifest.json',
    'a..b',
    '...',
    'a b/c%20d',
    'π/ü.bin',
    'x'.repeat(255),
  ])
    assert.equal(unsafeNameReason(n), undefined, n);
});

test('names that could leave their base are refused, each with its reason', () => {
  const cases: [unknown, RegExp][] = [
    ['../x', /"\.\." segment/],
    ['a/../../x', /"\.\." segment/],
    ['./x', /"\." segment/],
    ['/etc/passwd', /absolute/],
    ['C:/x', /":"/],
    ['c:x', /":"/],
    ['http://h/x', /":"/],
    ['file:///etc/passwd', /":"/],
    ['a\\b', /backslash/],
    ['..\\x', /backslash/],
    ['a//b', /empty path segment/],
    ['a/', /empty path segment/],
    ['', /empty/],
    ['%2e%2e/x', /percent-encoded/],
    ['.%2E/x', /percent-encoded/],
    ['a%2Fb', /percent-encoded/],
    ['a%5cb', /percent-encoded/],
    ['a\u0000b', /control character/],
    ['a\nb', /control character/],
    ['x'.repeat(256), /segment is longer/],
    ['a/'.repeat(600) + 'b', /longer than 1024/],
    [null, /null, not a string/],
    [['a'], /object, not a string/],
    [42, /number/],
  ];
  for (const [name, why] of cases) {
    assert.throws(
      () => checkRelativeName(name, 'the test'),
      (e: unknown) => e instanceof UnsafePathError && why.test(e.message) && e.where === 'the test' && e.hint !== '',
      String(name),
    );
  }
});

test('joins: every accepted name stays under its base (property, 2,000 names)', () => {
  const base = 'https://host.example/models/tiny/resolve/main/';
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^[a-z0-9._%/\\:?#-]{1,20}$/)), (name) => {
      if (unsafeNameReason(name) !== undefined) {
        assert.throws(() => urlUnder(base, name, 't'), UnsafePathError);
        return;
      }
      const url = new URL(urlUnder(base, name, 't'));
      assert.ok(url.href.startsWith(base) && url.search === '' && url.hash === '', url.href);
      assert.equal(decodeURIComponent(url.pathname.slice(new URL(base).pathname.length)), name);
      assert.equal(joinUnder('dir/sub', name, 't'), `dir/sub/${name}`);
    }),
    { seed: 14, numRuns: 2000 },
  );
});
