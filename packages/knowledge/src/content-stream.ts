// A small PDF content-stream scanner: enough of the syntax to follow the graphics state
// (q/Q/cm), the XObjects drawn (Do), the text shown and the paths painted, so that a page
// can be classified as "one image covering the page" without decoding any image.
// Pure: bytes in, a list of drawing events out.

export type Matrix = [number, number, number, number, number, number];

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 then m2 (PDF row-vector convention: m1 × m2). */
export function multiply(m1: Matrix, m2: Matrix): Matrix {
  const [a1, b1, c1, d1, e1, f1] = m1;
  const [a2, b2, c2, d2, e2, f2] = m2;
  return [
    a1 * a2 + b1 * c2,
    a1 * b2 + b1 * d2,
    c1 * a2 + d1 * c2,
    c1 * b2 + d1 * d2,
    e1 * a2 + f1 * c2 + e2,
    e1 * b2 + f1 * d2 + f2,
  ];
}

export type ContentEvent =
  /** An XObject drawn with the current transformation matrix. */
  | { op: "Do"; name: string; ctm: Matrix }
  /** A text-showing operator (Tj, TJ, ', "). */
  | { op: "text" }
  /** A path painted (fill or stroke). */
  | { op: "paint" }
  /** An inline image (BI … ID … EI). */
  | { op: "inlineImage"; ctm: Matrix };

const PAINT_OPERATORS = new Set(["f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh"]);
const TEXT_OPERATORS = new Set(["Tj", "TJ", "'", '"']);

const isWhite = (c: number) =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDelimiter = (c: number) =>
  c === 0x28 ||
  c === 0x29 ||
  c === 0x3c ||
  c === 0x3e ||
  c === 0x5b ||
  c === 0x5d ||
  c === 0x7b ||
  c === 0x7d ||
  c === 0x2f ||
  c === 0x25;

/** Scans a (decoded) content stream; unknown syntax is skipped, never thrown on. */
export function scanContentStream(bytes: Uint8Array, initial: Matrix = IDENTITY): ContentEvent[] {
  const events: ContentEvent[] = [];
  const stack: Matrix[] = [];
  let ctm = initial;
  let operands: (number | string)[] = [];
  let i = 0;
  const n = bytes.length;

  const readToken = (): string => {
    const start = i;
    while (i < n && !isWhite(bytes[i]!) && !isDelimiter(bytes[i]!)) i++;
    return String.fromCharCode(...bytes.subarray(start, i));
  };

  while (i < n) {
    const c = bytes[i]!;
    if (isWhite(c)) {
      i++;
    } else if (c === 0x25) {
      // % comment to end of line
      while (i < n && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    } else if (c === 0x28) {
      // (literal string) with nesting and escapes
      let depth = 0;
      for (; i < n; i++) {
        const b = bytes[i]!;
        if (b === 0x5c) i++;
        else if (b === 0x28) depth++;
        else if (b === 0x29 && --depth === 0) break;
      }
      i++;
      operands.push("(string)");
    } else if (c === 0x3c && bytes[i + 1] === 0x3c) {
      // << dict >> (marked-content properties): operands, skipped as a whole
      let depth = 0;
      for (; i < n; i++) {
        if (bytes[i] === 0x3c && bytes[i + 1] === 0x3c) {
          depth++;
          i++;
        } else if (bytes[i] === 0x3e && bytes[i + 1] === 0x3e) {
          i++;
          if (--depth === 0) break;
        }
      }
      i++;
      operands.push("<<dict>>");
    } else if (c === 0x3c) {
      while (i < n && bytes[i] !== 0x3e) i++;
      i++;
      operands.push("<hex>");
    } else if (c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x3e) {
      i++; // array brackets: operands inside are pushed one by one, which is harmless here
    } else if (c === 0x2f) {
      i++;
      operands.push(`/${readToken()}`);
    } else {
      const token = readToken();
      if (token === "") {
        i++;
        continue;
      }
      const number = Number(token);
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token) && Number.isFinite(number)) {
        operands.push(number);
        continue;
      }
      // An operator.
      if (token === "q") stack.push(ctm);
      else if (token === "Q") ctm = stack.pop() ?? initial;
      else if (token === "cm") {
        const m = operands.slice(-6);
        if (m.length === 6 && m.every((v) => typeof v === "number")) {
          ctm = multiply(m as Matrix, ctm);
        }
      } else if (token === "Do") {
        const name = operands.at(-1);
        if (typeof name === "string" && name.startsWith("/")) {
          events.push({ op: "Do", name: name.slice(1), ctm });
        }
      } else if (TEXT_OPERATORS.has(token)) events.push({ op: "text" });
      else if (PAINT_OPERATORS.has(token)) events.push({ op: "paint" });
      else if (token === "ID") {
        // Inline image data: skip to whitespace + "EI" + whitespace/end.
        i++;
        while (
          i < n &&
          !(
            isWhite(bytes[i - 1] ?? 0x20) &&
            bytes[i] === 0x45 &&
            bytes[i + 1] === 0x49 &&
            (i + 2 >= n || isWhite(bytes[i + 2]!))
          )
        ) {
          i++;
        }
        i += 2;
        events.push({ op: "inlineImage", ctm });
      }
      operands = [];
    }
  }
  return events;
}
