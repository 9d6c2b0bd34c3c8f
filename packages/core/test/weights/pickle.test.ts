import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnsafePickleError, WeightsError } from '../../src/errors';
import { PyGlobal, unpickle, type PickleHooks } from '../../src/weights/pickle';

// Golden pickles made with CPython's pickle.dumps (protocols 0, 2, 3, 4, 5) of
// {'a': [1, 2.5, None, True, False, 'x', (b'by' for 3+), (1, 2, 3, 4), (), (7,), 2**70, -5, 70000, -2**31, 'é€😀'],
//  'shared': (lst, lst)} where lst = [1] is one object referenced twice (memo).
const P2 =
  '80027d71002858010000006171015d7102284b014740040000000000004e88895801000000787103284b014b024b034b04747104294b078571058a090000000000000000404afbffffff4a701101004a000000805809000000c3a9e282acf09f9880710665580600000073686172656471075d71084b01616808867109752e';
const P3 =
  '80037d71002858010000006171015d7102284b014740040000000000004e88895801000000787103430262797104284b014b024b034b04747105294b078571068a090000000000000000404afbffffff4a701101004a000000805809000000c3a9e282acf09f9880710765580600000073686172656471085d71094b0161680986710a752e';
const P4 =
  '8004956c000000000000007d94288c0161945d94284b014740040000000000004e88898c0178944302627994284b014b024b034b047494294b0785948a090000000000000000404afbffffff4a701101004a000000808c09c3a9e282acf09f988094658c06736861726564945d944b016168098694752e';
const P5 = '80' + '05' + P4.slice(4);
const P0 = '286470300a566b0a70310a286c70320a49310a6146322e350a6156780a70330a612849330a7470340a61732e';
// pickle.dumps(collections.OrderedDict(a=1), protocol=4): STACK_GLOBAL + REDUCE + SETITEM
const ORDERED =
  '80049529000000000000008c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c0161944b01732e';
// protocol 2 pickles bytes as _codecs.encode(…) — a global that must be refused
const P2_BYTES =
  '80027d71002858010000006171015d7102284b014740040000000000004e88895801000000787103635f636f646563730a656e636f64650a710458020000006279710558060000006c6174696e317106867107527108284b014b024b034b04747109294b0785710a8a090000000000000000404afbffffff4a701101004a000000805809000000c3a9e282acf09f9880710b655806000000736861726564710c5d710d4b0161680d86710e752e';

const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => Number.parseInt(b, 16)));
const plain: PickleHooks = {
  allowGlobal: (m, n) => m === 'collections' && n === 'OrderedDict',
  reduce: (g) => (g.qualified === 'collections.OrderedDict' ? new Map() : undefined),
};

test('golden CPython pickles, protocols 2–5: values, big ints, unicode, memo sharing', () => {
  for (const [p, h] of [
    [2, P2],
    [3, P3],
    [4, P4],
    [5, P5],
  ] as const) {
    const { value, end } = unpickle(hex(h), plain);
    assert.equal(end, h.length / 2, `protocol ${p}: consumed to STOP`);
    assert.ok(value instanceof Map);
    const a = value.get('a') as unknown[];
    const withBytes = p >= 3;
    const expected: unknown[] = [1, 2.5, null, true, false, 'x'];
    if (withBytes) expected.push(Uint8Array.from([0x62, 0x79]));
    expected.push([1, 2, 3, 4], [], [7], 2n ** 70n, -5, 70000, -(2 ** 31), 'é€😀');
    assert.deepEqual(
      a.map((x) => (x instanceof Uint8Array ? Uint8Array.from(x) : x)),
      expected,
      `protocol ${p}`,
    );
    const shared = value.get('shared') as unknown[];
    assert.equal(shared[0], shared[1], `protocol ${p}: the memo returns the same object`);
  }
});

test('protocol 0 text opcodes and STACK_GLOBAL/REDUCE/SETITEM', () => {
  const v = unpickle(hex(P0), plain).value as Map<string, unknown>;
  assert.deepEqual(v.get('k'), [1, 2.5, 'x', [3]]);
  const od = unpickle(hex(ORDERED), plain).value as Map<string, unknown>;
  assert.deepEqual([...od], [['a', 1]]);
});

test('globals outside the allow-list are refused at GLOBAL time, before any REDUCE', () => {
  let reduced = 0;
  const hooks: PickleHooks = { allowGlobal: plain.allowGlobal, reduce: () => reduced++ };
  assert.throws(
    () => unpickle(hex(P2_BYTES), hooks),
    (e: unknown) => e instanceof UnsafePickleError && e.global === '_codecs.encode',
  );
  assert.equal(reduced, 0);
  const g = new PyGlobal('a.b', 'c');
  assert.equal(g.qualified, 'a.b.c');
});

test('malformed pickles: truncation, stack underflow, bad memo, unknown opcode, protocol > 5', () => {
  const bad = (h: string, re: RegExp) =>
    assert.throws(
      () => unpickle(hex(h), plain),
      (e: unknown) => e instanceof WeightsError && re.test(e.message),
    );
  bad(P4.slice(0, 60), /truncated/);
  bad('800252', /stack underflow/); // REDUCE on an empty stack
  bad('8002680563', /memo key 5 not found/);
  bad('8002ff', /unsupported opcode 0xff/);
  bad('8006', /protocol above 5/);
  bad('80024b014b012e', /not balanced at STOP/);
  bad('8002580a000000616263', /truncated/); // BINUNICODE longer than the data
  bad('80028c02c3282e', /invalid UTF-8/);
  bad('80025d284b014b02752e', /SETITEM\(S\) on a non-dict/);
});
