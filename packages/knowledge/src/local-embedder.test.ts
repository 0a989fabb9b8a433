import { describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSIONS } from "./embedder.ts";
import { LOCAL_EMBEDDING_MODEL, LocalEmbedder, localEmbedding } from "./local-embedder.ts";
import { cosineSimilarity } from "./rank.ts";

const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

describe("LocalEmbedder", () => {
  const embedder = new LocalEmbedder();

  it("declares its model and the index dimension", () => {
    expect(embedder.model).toBe(LOCAL_EMBEDDING_MODEL);
    expect(embedder.dimensions).toBe(1536);
    expect(EMBEDDING_DIMENSIONS).toBe(1536);
  });

  it("is deterministic across calls and instances", async () => {
    const text = "Le discriminant Δ = b² − 4ac permet de trouver les racines du trinôme.";
    const [a] = await embedder.embed([text]);
    const [b] = await new LocalEmbedder().embed([text]);
    expect(a).toEqual(b);
    expect(a).toEqual(localEmbedding(text));
  });

  it("returns 1536-dimensional unit vectors, even for texts made of stopwords", async () => {
    const texts = [
      "la dérivée",
      "Le",
      "de la et du",
      "42",
      "Théorème des valeurs intermédiaires ".repeat(50),
    ];
    for (const vector of await embedder.embed(texts)) {
      expect(vector).toHaveLength(1536);
      expect(Math.abs(norm(vector) - 1)).toBeLessThan(1e-9);
      expect(vector.every(Number.isFinite)).toBe(true);
    }
  });

  it("folds accents and case", () => {
    expect(localEmbedding("Élève DÉRIVÉE")).toEqual(localEmbedding("eleve derivee"));
  });

  it("places similar texts closer than unrelated ones", () => {
    const query = localEmbedding("Comment calculer la dérivée d'un produit de fonctions ?");
    const related = localEmbedding(
      "La dérivée du produit uv est u'v + uv' : on dérive chaque fonction.",
    );
    const unrelated = localEmbedding(
      "Le protocole OSPF choisit la route de coût minimal entre routeurs.",
    );
    expect(cosineSimilarity(query, related)).toBeGreaterThan(
      cosineSimilarity(query, unrelated) + 0.1,
    );
    // Inflected forms still match through character n-grams.
    const plural = localEmbedding("les suites géométriques");
    const singular = localEmbedding("une suite géométrique");
    expect(cosineSimilarity(plural, singular)).toBeGreaterThan(0.6);
  });

  it("keeps one vector per input, in order", async () => {
    const vectors = await embedder.embed(["pile", "file", "pile"]);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[0]).not.toEqual(vectors[1]);
  });
});
