/**
 * lz-string's URI-safe decompression (decompressFromEncodedURIComponent, lz-string 1.5.0)
 * with a cap on the output, checked while decompressing. lz-string itself builds the whole
 * string first, and its output can grow quadratically in its input (each dictionary entry
 * is one character longer than an earlier one): a 74 KB link expands to 500 M characters.
 * The format is lz-string's, read bit by bit exactly as its own decoder reads it.
 */
const URI_SAFE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const ALPHABET_VALUE = new Map([...URI_SAFE_ALPHABET].map((char, value) => [char, value]));
/** Each character of the input carries 6 bits, read from the highest. */
const BITS_PER_CHAR = 6;

export type BoundedDecompression =
  | { ok: true; text: string }
  /** "corrupt": not lz-string data; "too long": the output passed maxChars. */
  | { ok: false; reason: 'corrupt' | 'too long' };

/** Decompresses lz-string's URI-safe encoding, stopping as soon as the output passes maxChars. */
export function decompressBounded(encoded: string, maxChars: number): BoundedDecompression {
  // Some chat apps turn "+" into a space; lz-string's own decoder puts it back too.
  const input = encoded.replace(/ /g, '+');
  if (input === '') return { ok: false, reason: 'corrupt' };
  const valueAt = (at: number) => ALPHABET_VALUE.get(input.charAt(at)) ?? 0;
  // Read as lz-string reads: the next character is loaded as soon as one is used up, so
  // `index` runs one ahead (past the end, or on an unknown character, bits read as zero).
  let value = valueAt(0);
  let index = 1;
  let mask = 1 << (BITS_PER_CHAR - 1);
  const readBits = (count: number): number => {
    let bits = 0;
    for (let power = 1; power < 1 << count; power <<= 1) {
      if (value & mask) bits |= power;
      mask >>= 1;
      if (mask === 0) {
        mask = 1 << (BITS_PER_CHAR - 1);
        value = valueAt(index++);
      }
    }
    return bits;
  };
  const literal = (code: number): string | undefined =>
    code === 0
      ? String.fromCharCode(readBits(8))
      : code === 1
        ? String.fromCharCode(readBits(16))
        : undefined;

  const dictionary: string[] = ['', '', ''];
  let numBits = 3;
  let enlargeIn = 4;
  const firstCode = readBits(2);
  if (firstCode === 2) return { ok: true, text: '' };
  const first = literal(firstCode);
  if (first === undefined) return { ok: false, reason: 'corrupt' };
  dictionary.push(first);
  let previous = first;
  const result = [first];
  let length = first.length;
  for (;;) {
    // lz-string gives up (an empty string) once it has read past the input.
    if (index > input.length) return { ok: false, reason: 'corrupt' };
    let code = readBits(numBits);
    if (code === 2) return { ok: true, text: result.join('') };
    const char = literal(code);
    if (char !== undefined) {
      dictionary.push(char);
      code = dictionary.length - 1;
      if (--enlargeIn === 0) enlargeIn = 1 << numBits++;
    }
    const entry =
      code < dictionary.length && code > 2
        ? (dictionary[code] as string)
        : code === dictionary.length
          ? previous + previous.charAt(0)
          : undefined;
    if (entry === undefined) return { ok: false, reason: 'corrupt' };
    length += entry.length;
    if (length > maxChars) return { ok: false, reason: 'too long' };
    result.push(entry);
    dictionary.push(previous + entry.charAt(0));
    if (--enlargeIn === 0) enlargeIn = 1 << numBits++;
    previous = entry;
  }
}
