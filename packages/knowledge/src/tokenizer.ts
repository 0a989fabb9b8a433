// Token counting with the embedding model's own tokenizer: cl100k_base is the
// encoding of text-embedding-3-small; the local embedder is counted the same way
// so chunk boundaries do not depend on the provider. Ranks ship in the package.
import { Tiktoken } from "js-tiktoken/lite";
import cl100k_base from "js-tiktoken/ranks/cl100k_base";

let encoder: Tiktoken | null = null;

function getEncoder(): Tiktoken {
  encoder ??= new Tiktoken(cl100k_base);
  return encoder;
}

export function countTokens(text: string): number {
  return getEncoder().encode(text).length;
}

export function encodeTokens(text: string): number[] {
  return getEncoder().encode(text);
}

export function decodeTokens(tokens: number[]): string {
  return getEncoder().decode(tokens);
}
