// A minimal ZIP writer and reader (deflate or stored entries, ZIP64 sizes
// read but not written) for snapshot export and import, on node:zlib: no
// dependency. Entries are held in memory one at a time while writing, the
// whole archive while reading (the runtime is a development tool).
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
// A namespace import: `crc32` is Bun's and Node 22's (the reader also runs in tests under Node 20).
import * as zlib from "node:zlib";

interface CentralEntry {
  name: Buffer;
  crc: number;
  compressedSize: number;
  size: number;
  method: number;
  offset: number;
}

/** Writes a ZIP file entry by entry. */
export class ZipWriter {
  private readonly fd: number;
  private offset = 0;
  private readonly entries: CentralEntry[] = [];

  constructor(path: string) {
    this.fd = openSync(path, "w", 0o600);
  }

  private write(bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.fd, bytes, written, bytes.length - written);
    }
    this.offset += bytes.length;
  }

  add(name: string, data: Uint8Array | string): void {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    if (this.offset > 0xfffffffe || bytes.length > 0xfffffffe) {
      throw new Error("Snapshot too large for this ZIP writer (4 GiB).");
    }
    const deflated = zlib.deflateRawSync(bytes);
    const stored = deflated.length >= bytes.length;
    const body = stored ? bytes : deflated;
    const entry: CentralEntry = {
      name: Buffer.from(name, "utf8"),
      crc: zlib.crc32(bytes) >>> 0,
      compressedSize: body.length,
      size: bytes.length,
      method: stored ? 0 : 8,
      offset: this.offset,
    };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(entry.method, 8);
    header.writeUInt16LE(0, 10); // time
    header.writeUInt16LE(0x21, 12); // date: 1980-01-01
    header.writeUInt32LE(entry.crc, 14);
    header.writeUInt32LE(entry.compressedSize, 18);
    header.writeUInt32LE(entry.size, 22);
    header.writeUInt16LE(entry.name.length, 26);
    header.writeUInt16LE(0, 28);
    this.write(header);
    this.write(entry.name);
    this.write(body);
    this.entries.push(entry);
  }

  close(): void {
    const start = this.offset;
    for (const entry of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(0x0800, 8);
      header.writeUInt16LE(entry.method, 10);
      header.writeUInt16LE(0, 12);
      header.writeUInt16LE(0x21, 14);
      header.writeUInt32LE(entry.crc, 16);
      header.writeUInt32LE(entry.compressedSize, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(entry.name.length, 28);
      header.writeUInt32LE(0o100644 * 0x10000, 38); // -rw-r--r-- (Unix mode in the high half)
      header.writeUInt32LE(entry.offset, 42);
      this.write(header);
      this.write(entry.name);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.write(end);
    closeSync(this.fd);
  }
}

export interface ZipEntry {
  name: string;
  read(): Buffer;
}

/** Lists a ZIP file's entries from its central directory (ZIP64 sizes and offsets included). */
export function readZip(input: string | Buffer): ZipEntry[] {
  const zip = typeof input === "string" ? readFileSync(input) : input;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("Not a ZIP file (no end of central directory).");
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && zip.readUInt32LE(locator) === 0x07064b50) {
    const zip64End = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(zip64End) === 0x06064b50) {
      count = Number(zip.readBigUInt64LE(zip64End + 32));
      offset = Number(zip.readBigUInt64LE(zip64End + 48));
    }
  }
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error("Corrupt ZIP central directory.");
    const method = zip.readUInt16LE(offset + 10);
    let compressedSize = zip.readUInt32LE(offset + 20);
    let size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    let localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    // ZIP64 extended information: the 0xffffffff fields, in order.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = zip.readUInt16LE(extra);
      const length = zip.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === 0xffffffff) {
          size = Number(zip.readBigUInt64LE(field));
          field += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(zip.readBigUInt64LE(field));
          field += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(zip.readBigUInt64LE(field));
      }
      extra += 4 + length;
    }
    offset = extraEnd + commentLength;
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    entries.push({
      name,
      read() {
        const body = zip.subarray(dataStart, dataStart + compressedSize);
        let out: Buffer;
        if (method === 0) out = Buffer.from(body);
        else if (method === 8) out = zlib.inflateRawSync(body);
        else throw new Error(`ZIP entry ${name} uses compression method ${method} (only deflate).`);
        if (out.length !== size) throw new Error(`ZIP entry ${name} is truncated.`);
        return out;
      },
    });
  }
  return entries;
}
