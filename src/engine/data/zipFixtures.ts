import { concatBytes } from './bytes.ts';

/**
 * Zip files built byte by byte for the readers' tests (in Node and in the browser suite): a zip
 * of deflated entries, each declaring the size given, true or not, with CRCs left 0, which the
 * reader does not check. What an attacker writes and no zip tool would; deflating natively
 * keeps a 200 MB bomb cheap to make.
 */
export function zipDeclaring(
  entries: [name: string, deflated: Uint8Array, declared: number][],
): Uint8Array {
  const local: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data, declared] of entries) {
    const path = new TextEncoder().encode(name);
    const header = new DataView(new ArrayBuffer(30));
    header.setUint32(0, 0x04034b50, true);
    header.setUint16(4, 20, true);
    header.setUint16(8, 8, true);
    header.setUint32(18, data.length, true);
    header.setUint32(22, declared, true);
    header.setUint16(26, path.length, true);
    const record = new DataView(new ArrayBuffer(46));
    record.setUint32(0, 0x02014b50, true);
    record.setUint16(4, 20, true);
    record.setUint16(6, 20, true);
    record.setUint16(10, 8, true);
    record.setUint32(20, data.length, true);
    record.setUint32(24, declared, true);
    record.setUint16(28, path.length, true);
    record.setUint32(42, offset, true);
    local.push(new Uint8Array(header.buffer), path, data);
    central.push(new Uint8Array(record.buffer), path);
    offset += 30 + path.length + data.length;
  }
  const size = central.reduce((sum, part) => sum + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, size, true);
  end.setUint32(16, offset, true);
  return concatBytes([...local, ...central, new Uint8Array(end.buffer)]);
}
