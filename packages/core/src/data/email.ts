import PostalMime from 'postal-mime';
import { compile } from 'html-to-text';
import { DataError } from '../errors.ts';

export interface ParsedEmail {
  /** Decoded Subject header ('' when absent). */
  readonly subject: string;
  /** The body as plain text: the text/plain part, else the HTML part converted to text. No headers. */
  readonly text: string;
}

const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
};

let converter: ((html: string) => string) | undefined;

/** HTML → readable plain text with html-to-text (no DOM needed, works in workers and Node); compiled once. */
export function htmlToPlainText(html: string): string {
  converter ??= compile(HTML_OPTIONS);
  return converter(html);
}

function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Parses one raw RFC 822 / MIME message with postal-mime (charsets, quoted-printable, base64, multipart):
 * keeps the subject and the text body (HTML-only bodies converted with html-to-text); headers and attachments
 * are dropped.
 */
export async function parseEmail(raw: string | Uint8Array): Promise<ParsedEmail> {
  let email;
  try {
    email = await PostalMime.parse(raw);
  } catch (e) {
    throw new DataError(
      `Could not parse the e-mail: ${(e as Error).message}`,
      'give the raw message (headers, blank line, body) as saved by a mail client (.eml)',
      {
        cause: e,
      },
    );
  }
  const plain = email.text?.trim() ? email.text : email.html ? htmlToPlainText(email.html) : '';
  return { subject: (email.subject ?? '').trim(), text: tidy(plain) };
}

/** The training text of an e-mail: its subject, a blank line, its body. */
export function emailToText(email: ParsedEmail): string {
  return email.subject ? (email.text ? `${email.subject}\n\n${email.text}` : email.subject) : email.text;
}
