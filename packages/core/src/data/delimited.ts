import Papa from 'papaparse';
import { DataError } from '../errors.ts';

export interface DelimitedTable {
  readonly rows: string[][];
  readonly delimiter: string;
  /** True when quotes were malformed and the file was re-read with quotes as literal text. */
  readonly literalQuotes: boolean;
  readonly warnings: string[];
}

const GUESSES = [',', '\t', ';', '|'];

function parse(text: string, delimiter: string, quoteChar: string): Papa.ParseResult<string[]> {
  return Papa.parse<string[]>(text, {
    delimiter,
    delimitersToGuess: GUESSES,
    quoteChar,
    skipEmptyLines: 'greedy',
    header: false,
    dynamicTyping: false,
  });
}

/**
 * Splits CSV/TSV text into rows with papaparse (quoted multi-line fields, CRLF, delimiter sniffing).
 * Files like the UCI SMS collection are tab-separated with stray `"` inside texts: when quoting produces
 * malformed-quote errors, the file is re-read with quotes taken literally (the usual TSV convention).
 */
export function parseDelimited(text: string, delimiter: string | undefined): DelimitedTable {
  const warnings: string[] = [];
  let result = parse(text, delimiter ?? '', '"');
  let literalQuotes = false;
  const quoteErrors = result.errors.filter((e) => e.type === 'Quotes');
  if (quoteErrors.length > 0) {
    // NUL never occurs here (decodeText rejects it), so it disables quoting.
    const literal = parse(text, result.meta.delimiter || (delimiter ?? ''), '\u0000');
    if (literal.errors.filter((e) => e.type === 'Quotes').length === 0) {
      result = literal;
      literalQuotes = true;
      warnings.push(
        `malformed quotes in ${quoteErrors.length} place(s) (first at row ${(quoteErrors[0]?.row ?? 0) + 1}): quotes were read as literal text`,
      );
    } else {
      const e = quoteErrors[0]!;
      throw new DataError(
        `Malformed quotes at row ${(e.row ?? 0) + 1}: ${e.message}`,
        'quote fields that contain the delimiter, a quote or a line break with "…", and double quotes inside them ("")',
      );
    }
  }
  const other = result.errors.filter((e) => e.type !== 'Quotes' && e.code !== 'UndetectableDelimiter');
  if (other.length > 0) warnings.push(`${other.length} parser warning(s), first: ${other[0]!.message}`);
  return { rows: result.data, delimiter: result.meta.delimiter, literalQuotes, warnings };
}
