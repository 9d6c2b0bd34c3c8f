/** The tokenizer's ASCII character classes, written out without regular expressions, against the Unicode ones. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { asciiClass, charClass, computeClass } from '../../src/tokenizer/unicode';

it('ASCII: the written-out classes are the Unicode-property ones, code point by code point', () => {
  for (let cp = 0; cp < 128; cp++) {
    assert.equal(asciiClass(cp), computeClass(cp), `U+${cp.toString(16).padStart(4, '0')}`);
    assert.equal(charClass(cp), computeClass(cp));
  }
});
