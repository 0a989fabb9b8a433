// The embedding contract shared by the worker (chunks) and the search action (queries).
// No Node built-ins: usable from Convex actions.

/** Dimension of the Convex vector index (convex/tables/knowledge.ts). */
export const EMBEDDING_DIMENSIONS = 1536;

export interface Embedder {
  /** Recorded on every chunk; search only compares vectors of the same model. */
  readonly model: string;
  readonly dimensions: typeof EMBEDDING_DIMENSIONS;
  /** One vector per text, in order. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}
