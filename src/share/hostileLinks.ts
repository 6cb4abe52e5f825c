/**
 * Hostile share links for tests (unit and browser): data no EMC Lab writes, built the way
 * an attacker would build it. Imports nothing, so browser tests can load it as it is.
 */

const URI_SAFE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';

/**
 * The data of a link (what follows "#e=") whose lz-string data is one "a" followed by `tokens` references to the entry being
 * defined (lz-string's KwKwK case): entry k is k + 1 characters long, so a few KB expand to
 * about tokens² / 2 characters (2,000 tokens: 2 M characters from a 4 KB link).
 */
export function expandingLinkData(tokens: number): string {
  const bits: number[] = [];
  const write = (value: number, count: number) => {
    for (let i = 0; i < count; i++) bits.push((value >> i) & 1);
  };
  write(0, 2); // an 8-bit literal follows
  write('a'.charCodeAt(0), 8);
  let entries = 4; // three codes, then the literal
  let numBits = 3;
  let enlargeIn = 4;
  for (let i = 0; i < tokens; i++) {
    write(entries, numBits);
    entries++;
    if (--enlargeIn === 0) enlargeIn = 1 << numBits++;
  }
  write(2, numBits); // end of stream
  while (bits.length % 6 !== 0) bits.push(0);
  let data = '';
  for (let i = 0; i < bits.length; i += 6) {
    const value = bits.slice(i, i + 6).reduce((sum, bit) => sum * 2 + bit, 0);
    data += URI_SAFE_ALPHABET[value];
  }
  return data;
}
