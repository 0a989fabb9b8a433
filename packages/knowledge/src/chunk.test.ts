import { describe, expect, it } from "vitest";
import { CHUNKER_VERSION, chunkContentHash, chunkPages } from "./chunk.ts";
import { sha256Hex } from "./hash.ts";
import { countTokens } from "./tokenizer.ts";

/** Distinct sentences tagged with their page: "[p2s7] …". */
function sentence(page: number, index: number): string {
  return `[p${page}s${index}] La notion numéro ${index} de la page ${page} est expliquée avec un exemple précis, une remarque utile et une méthode à retenir.`;
}

function pageOf(tag: string): number {
  return Number(/\[p(\d+)s/.exec(tag)![1]);
}

function longDocument(pages = 4, perPage = 24) {
  return Array.from({ length: pages }, (_, p) => ({
    page: p + 1,
    text: Array.from({ length: perPage }, (_, i) => sentence(p + 1, i))
      .reduce<string[]>((paragraphs, s, i) => {
        if (i % 4 === 0) paragraphs.push(s);
        else paragraphs[paragraphs.length - 1] += ` ${s}`;
        return paragraphs;
      }, [])
      .join("\n\n"),
  }));
}

const options = { embeddingModel: "local-hash-v1", title: "Document d'essai" };

describe("chunkPages", () => {
  const pages = longDocument();
  const chunks = chunkPages(pages, options);
  const allSentences = pages.flatMap((page) => page.text.split(/(?<=\.)\s+/));

  it("produces several non-empty chunks near the target size, in order", () => {
    expect(chunks.length).toBeGreaterThan(3);
    chunks.forEach((chunk, i) => {
      expect(chunk.ordinal).toBe(i);
      expect(chunk.text.trim().length).toBeGreaterThan(0);
      expect(chunk.tokens).toBe(countTokens(chunk.text));
      expect(chunk.tokens).toBeLessThanOrEqual(800);
      expect(chunk.splitSentence).toBe(false);
    });
    // All but the last are reasonably full.
    for (const chunk of chunks.slice(0, -1)) expect(chunk.tokens).toBeGreaterThan(800 * 0.7);
  });

  it("overlaps consecutive chunks by about 15 % with whole sentences", () => {
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!.text;
      const next = chunks[i]!.text;
      const shared = allSentences.filter((s) => previous.includes(s) && next.includes(s));
      expect(shared.length).toBeGreaterThan(0);
      // The shared sentences start the next chunk and end the previous one.
      const overlap = shared.join(" ");
      expect(next.startsWith(shared[0]!)).toBe(true);
      expect(previous.endsWith(shared[shared.length - 1]!)).toBe(true);
      const ratio = countTokens(overlap) / 800;
      expect(ratio).toBeGreaterThan(0.1);
      expect(ratio).toBeLessThan(0.2);
    }
  });

  it("never cuts a sentence and loses none", () => {
    for (const s of allSentences) {
      expect(chunks.some((chunk) => chunk.text.includes(s))).toBe(true);
    }
    for (const chunk of chunks) {
      const pieces = chunk.text.split(/(?<=\.)\s+/);
      for (const piece of pieces) expect(allSentences).toContain(piece);
    }
  });

  it("records the page range of the sentences each chunk contains", () => {
    for (const chunk of chunks) {
      const tagPages = (chunk.text.match(/\[p\d+s\d+\]/g) ?? []).map(pageOf);
      expect(chunk.pageStart).toBe(Math.min(...tagPages));
      expect(chunk.pageEnd).toBe(Math.max(...tagPages));
    }
    expect(chunks.some((chunk) => chunk.pageEnd > chunk.pageStart)).toBe(true);
    expect(chunks[chunks.length - 1]!.pageEnd).toBe(4);
  });

  it("starts a new chunk at a heading and records the heading path", () => {
    const doc = [
      { page: 1, text: `# Le second degré\n\n## Discriminant\n\n${longDocument(1, 10)[0]!.text}` },
      {
        page: 2,
        text: `## Signe du trinôme\n\nLe trinôme est du signe de a à l'extérieur des racines.`,
      },
    ];
    const out = chunkPages(doc, { embeddingModel: "m", title: "Le second degré" });
    expect(out).toHaveLength(2);
    expect(out[0]!.headingPath).toEqual(["Le second degré", "Discriminant"]);
    expect(out[0]!.text.startsWith("Le second degré\n\nDiscriminant\n\n[p1s0]")).toBe(true);
    expect(out[1]).toMatchObject({
      pageStart: 2,
      pageEnd: 2,
      headingPath: ["Le second degré", "Signe du trinôme"],
      text: "Signe du trinôme\n\nLe trinôme est du signe de a à l'extérieur des racines.",
    });
  });

  it("rejoins a sentence cut by a page break and gives it both pages", () => {
    const out = chunkPages(
      [
        { page: 1, text: "La fonction exponentielle est strictement" },
        { page: 2, text: "croissante sur l'ensemble des réels." },
      ],
      options,
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      pageStart: 1,
      pageEnd: 2,
      text: "La fonction exponentielle est strictement croissante sur l'ensemble des réels.",
    });
  });

  it("splits an over-long sentence on word boundaries, flags it, and drops nothing", () => {
    const words = Array.from({ length: 1200 }, (_, i) => `mot${i}`);
    const out = chunkPages([{ page: 1, text: `${words.join(" ")}.` }], options);
    expect(out.length).toBeGreaterThan(1);
    expect(out.every((chunk) => chunk.splitSentence)).toBe(true);
    const seen = new Set(out.flatMap((chunk) => chunk.text.replace(/\.$/, "").split(" ")));
    for (const word of words) expect(seen.has(word)).toBe(true);
    for (const chunk of out) expect(chunk.tokens).toBeLessThanOrEqual(800);
  });

  // With an additive counter (one token a word) the target is exact: no chunk exceeds it.
  // Mutants this catches: the "drop the overlap rather than exceed the target" branch removed
  // (the second chunk below would be overlap + sentence = 105 > 100), or the flush test using
  // >= target * 1.05 instead of > target.
  describe("at the exact target", () => {
    const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
    const phrase = (tag: string, n: number) =>
      `${tag} ${Array.from({ length: n - 2 }, (_, i) => `${tag.toLowerCase()}${i}`).join(" ")} fin.`;
    const exact = {
      embeddingModel: "m",
      targetTokens: 100,
      overlapRatio: 0.15,
      countTokens: words,
    };

    it("drops the overlap when it leaves no room for the next sentence", () => {
      const [a, b, c] = [phrase("Alpha", 80), phrase("Beta", 20), phrase("Gamma", 85)];
      const out = chunkPages([{ page: 1, text: `${a} ${b} ${c}` }], exact);
      expect(out.map((chunk) => chunk.text)).toEqual([`${a} ${b}`, c]);
      expect(out.map((chunk) => chunk.tokens)).toEqual([100, 85]);
    });

    it("keeps the overlap when the next sentence fits after it", () => {
      const [a, b, c] = [phrase("Alpha", 80), phrase("Beta", 20), phrase("Gamma", 70)];
      const out = chunkPages([{ page: 1, text: `${a} ${b} ${c}` }], exact);
      expect(out.map((chunk) => chunk.text)).toEqual([`${a} ${b}`, `${b} ${c}`]);
      expect(out.map((chunk) => chunk.tokens)).toEqual([100, 90]);
    });

    it("never exceeds the target on a long document", () => {
      const text = Array.from({ length: 60 }, (_, i) =>
        phrase(`Mot${i}`, 7 + ((i * 13) % 29)),
      ).join(" ");
      const out = chunkPages([{ page: 1, text }], exact);
      expect(out.length).toBeGreaterThan(5);
      for (const chunk of out) expect(chunk.tokens).toBeLessThanOrEqual(100);
      // Some chunk reaches the target exactly or nearly: the bound is not met by tiny chunks.
      expect(Math.max(...out.map((chunk) => chunk.tokens))).toBeGreaterThan(85);
    });
  });

  it("returns no chunk for pages without text", () => {
    expect(
      chunkPages(
        [
          { page: 1, text: "" },
          { page: 2, text: "  \n\n " },
        ],
        options,
      ),
    ).toEqual([]);
  });

  it("hashes text, chunker version and embedding model", () => {
    const [chunk] = chunkPages([{ page: 1, text: "Une phrase courte." }], options);
    expect(chunk!.contentHash).toBe(
      sha256Hex(`Une phrase courte.\u0000${CHUNKER_VERSION}\u0000local-hash-v1`),
    );
    expect(chunkContentHash("Une phrase courte.", "text-embedding-3-small")).not.toBe(
      chunk!.contentHash,
    );
    expect(chunkContentHash("Une phrase courte!", "local-hash-v1")).not.toBe(chunk!.contentHash);
  });
});
