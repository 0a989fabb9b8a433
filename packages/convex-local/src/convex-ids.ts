// Convex document ids (crates/value/src/id_v6.rs of the Convex backend) and
// their correspondence with convex-local's ids, for snapshot export and
// import. A Convex id is base32 (alphabet 0-9a-z without i, l, o, u) of
// varint(table number) ‖ 16 bytes internal id ‖ fletcher16 footer (LE).
// convex-local's ids are 128 random bits as 39 decimal digits + table name
// (document-ids.ts): the same 16 bytes, so the mapping is exact both ways
// given the table numbers of the snapshot's `_tables`.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const DECODE = new Map([...ALPHABET].map((char, index) => [char, index]));

function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Uint8Array | null {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = DECODE.get(char);
    if (value === undefined) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >> (bits - 8)) & 255);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}

function fletcher16(bytes: Uint8Array): number {
  let c0 = 0;
  let c1 = 0;
  for (const byte of bytes) {
    c0 = (c0 + byte) & 255;
    c1 = (c1 + c0) & 255;
  }
  return (c1 << 8) | c0;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  while (rest >= 128) {
    out.push((rest & 127) | 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

export function encodeConvexId(tableNumber: number, internalId: Uint8Array): string {
  if (internalId.length !== 16) throw new Error("A Convex internal id has 16 bytes.");
  const head = [...varint(tableNumber), ...internalId];
  const footer = fletcher16(Uint8Array.from(head));
  return base32Encode(Uint8Array.from([...head, footer & 255, footer >> 8]));
}

/** Table number and internal id of a Convex id, or null when it is not one (checksum included). */
export function decodeConvexId(id: string): { tableNumber: number; internalId: Uint8Array } | null {
  if (id.length < 31 || id.length > 37) return null;
  const bytes = base32Decode(id);
  if (bytes === null) return null;
  let tableNumber = 0;
  let pos = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= bytes.length || shift > 28) return null;
    const byte = bytes[pos++] as number;
    tableNumber += (byte & 127) * 2 ** shift;
    if (byte < 128) break;
  }
  if (tableNumber === 0 || bytes.length !== pos + 18) return null;
  const footer = fletcher16(bytes.subarray(0, pos + 16));
  if (bytes[pos + 16] !== (footer & 255) || bytes[pos + 17] !== footer >> 8) return null;
  const internalId = bytes.slice(pos, pos + 16);
  if (encodeConvexId(tableNumber, internalId) !== id) return null;
  return { tableNumber, internalId };
}

const LOCAL_ID = /^([0-9]{1,39})([A-Za-z_][A-Za-z0-9_]*)$/;

/** The 16 bytes of a convex-local id (its decimal digits) and its table. */
export function parseLocalId(id: string): { table: string; internalId: Uint8Array } | null {
  const match = LOCAL_ID.exec(id);
  if (!match) return null;
  const n = BigInt(match[1] as string);
  if (n >= 1n << 128n) return null;
  const hex = n.toString(16).padStart(32, "0");
  return { table: match[2] as string, internalId: Uint8Array.from(Buffer.from(hex, "hex")) };
}

export function localIdOf(table: string, internalId: Uint8Array): string {
  const digits = BigInt(`0x${Buffer.from(internalId).toString("hex")}`).toString(10);
  return `${digits.padStart(39, "0")}${table}`;
}
