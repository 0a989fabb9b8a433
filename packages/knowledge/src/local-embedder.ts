// Deterministic offline embedder: signed feature hashing of word unigrams and
// bigrams plus character 3–5-grams (accent-folded, French stopwords removed),
// sublinear tf, L2-normalised. Lexical rather than semantic, but the same
// dimension as text-embedding-3-small so the same Convex vector index serves both.
// No Node built-ins: usable from Convex actions to embed queries.
import { EMBEDDING_DIMENSIONS, type Embedder } from "./embedder.ts";
import { contentTerms } from "./text-features.ts";

export const LOCAL_EMBEDDING_MODEL = "local-hash-v1";

/** Relative weight of each feature family. */
const WEIGHTS = { word: 1, bigram: 0.7, chars: 0.35 } as const;

/** 32-bit FNV-1a over UTF-16 code units, with a seed to derive independent hashes. */
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix) so low bits are well mixed for the modulo.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

interface Feature {
  /** Occurrences in the text. */
  tf: number;
  /** Weight of the feature family. */
  weight: number;
}

function addFeature(counts: Map<string, Feature>, feature: string, weight: number): void {
  const existing = counts.get(feature);
  if (existing) existing.tf++;
  else counts.set(feature, { tf: 1, weight });
}

/** Features of a text with their term frequency (exported for tests and diagnostics). */
export function textFeatures(text: string): Map<string, Feature> {
  const terms = contentTerms(text);
  const counts = new Map<string, Feature>();
  terms.forEach((term, i) => {
    addFeature(counts, `w:${term}`, WEIGHTS.word);
    const next = terms[i + 1];
    if (next) addFeature(counts, `b:${term} ${next}`, WEIGHTS.bigram);
    const padded = `<${term}>`;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) {
        addFeature(counts, `c:${padded.slice(j, j + n)}`, WEIGHTS.chars / n);
      }
    }
  });
  return counts;
}

/** Embeds one text (pure, synchronous). */
export function localEmbedding(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Float64Array(dimensions);
  let features = textFeatures(text);
  // Text without any content word still needs a unit vector.
  if (features.size === 0) {
    features = new Map([[`raw:${text.trim().toLowerCase()}`, { tf: 1, weight: 1 }]]);
  }
  for (const [feature, { tf, weight }] of features) {
    const index = fnv1a(feature, 0) % dimensions;
    const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
    // Sublinear tf: repeated words matter, but less and less.
    vector[index] = vector[index]! + sign * weight * (1 + Math.log(tf));
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    // All features cancelled out (signed collisions): fall back to a fixed direction.
    vector[fnv1a(text, 1) % dimensions] = 1;
    norm = 1;
  }
  return Array.from(vector, (value) => value / norm);
}

export class LocalEmbedder implements Embedder {
  readonly model = LOCAL_EMBEDDING_MODEL;
  readonly dimensions = EMBEDDING_DIMENSIONS;

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    return texts.map((text) => {
      signal?.throwIfAborted();
      return localEmbedding(text);
    });
  }
}
