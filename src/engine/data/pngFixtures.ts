import { unzlibSync, zlibSync } from 'fflate';
import { ADAM7, pngDataBytes, readPngHeader } from './imageHeaders.ts';
import { concatBytes } from './bytes.ts';

/** PNG files built byte by byte for the readers' tests: honest, refiltered or hostile. */

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Walks a PNG's chunks: [type, data] in order. */
function chunksOf(png: Uint8Array): [string, Uint8Array][] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: [string, Uint8Array][] = [];
  for (let at = 8; at + 8 <= png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    chunks.push([type, png.subarray(at + 8, at + 8 + length)]);
    at += 12 + length;
  }
  return chunks;
}

/**
 * A PNG whose header says width×height (8-bit gray unless `format` says otherwise) and
 * whose pixel data is `raw` (filter bytes included) deflated: honest when raw holds the
 * bytes the header implies (height × (1 + width) for 8-bit gray).
 */
export function pngWithData(
  width: number,
  height: number,
  raw: Uint8Array,
  format: { bitDepth?: number; colourType?: number; interlaced?: boolean } = {},
): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  const { bitDepth = 8, colourType = 0, interlaced = false } = format;
  header.set([bitDepth, colourType, 0, 0, interlaced ? 1 : 0], 8);
  return concatBytes([
    SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlibSync(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * The same PNG with every row filtered again, the filter types in turn (none, sub, up,
 * average, Paeth), and its pixel data split over two IDAT chunks: what an encoder that
 * chooses filters per row writes. Encoders like fast-png's write filter "none" only.
 */
export function refilteredPng(png: Uint8Array): Uint8Array {
  const header = readPngHeader(png);
  if (!header.ok) throw new Error(header.why);
  const info = header.value;
  const chunks = chunksOf(png);
  const raw = unzlibSync(concatBytes(chunks.filter(([t]) => t === 'IDAT').map(([, d]) => d)));
  if (raw.length !== pngDataBytes(info)) throw new Error('not an honest PNG');
  const out = new Uint8Array(raw.length);
  const pixelBytes = Math.max(1, (info.samples * info.bitDepth) / 8);
  const passes = info.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  let offset = 0;
  let rowIndex = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const passWidth = Math.ceil((info.width - x0) / dx);
    const passHeight = Math.ceil((info.height - y0) / dy);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const rowBytes = Math.ceil((passWidth * info.samples * info.bitDepth) / 8);
    let previous = new Uint8Array(rowBytes);
    for (let y = 0; y < passHeight; y++) {
      if (raw[offset] !== 0) throw new Error('expected unfiltered rows');
      const row = raw.subarray(offset + 1, offset + 1 + rowBytes);
      const filter = rowIndex++ % 5;
      out[offset] = filter;
      for (let i = 0; i < rowBytes; i++) {
        const a = i >= pixelBytes ? (row[i - pixelBytes] as number) : 0;
        const b = previous[i] as number;
        const c = i >= pixelBytes ? (previous[i - pixelBytes] as number) : 0;
        const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter] as number;
        out[offset + 1 + i] = ((row[i] as number) - predicted) & 0xff;
      }
      previous = row;
      offset += 1 + rowBytes;
    }
  }
  const deflated = zlibSync(out);
  const half = deflated.length >> 1;
  const parts: Uint8Array[] = [SIGNATURE];
  for (const [type, data] of chunks) {
    if (type === 'IDAT') continue;
    if (type === 'IEND') {
      parts.push(pngChunk('IDAT', deflated.subarray(0, half)));
      parts.push(pngChunk('IDAT', deflated.subarray(half)));
    }
    parts.push(pngChunk(type, data));
  }
  return concatBytes(parts);
}
