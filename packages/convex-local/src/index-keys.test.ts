import { describe, expect, test } from "vitest";
import { documentKeys, indexesOf, indexKey, rangeKey } from "./index-keys.ts";

const tables = new Map([
  ["messages", { indexes: [{ indexDescriptor: "by_channel", fields: ["channel", "author"] }] }],
]);
const indexes = (table: string) => indexesOf(tables, table);

describe("index keys", () => {
  test("a document's keys match the key of an equality range on the same value", () => {
    const keys = documentKeys(
      "messages",
      { _id: "1messages", _creationTime: 3, channel: "a" },
      indexes("messages"),
    );
    const key = rangeKey(
      "messages.by_channel",
      [{ type: "Eq", fieldPath: "channel", value: "a" }],
      indexes,
    );
    expect(key).not.toBeNull();
    expect(keys).toContain(key);
    expect(keys).toContain(indexKey("messages", "by_id", JSON.stringify("1messages")));
  });

  test("ranges that do not start with an equality on the first field are not confined", () => {
    expect(rangeKey("messages.by_channel", [], indexes)).toBeNull();
    expect(
      rangeKey("messages.by_channel", [{ type: "Gt", fieldPath: "channel", value: "a" }], indexes),
    ).toBeNull();
    expect(
      rangeKey("messages.by_channel", [{ type: "Eq", fieldPath: "author", value: "a" }], indexes),
    ).toBeNull();
  });

  test("bigint values key by their Convex encoding", () => {
    const keys = documentKeys(
      "t",
      { _id: "1t", _creationTime: 1, n: 5n },
      indexesOf(new Map([["t", { indexes: [{ indexDescriptor: "by_n", fields: ["n"] }] }]]), "t"),
    );
    expect(keys).toContain(indexKey("t", "by_n", JSON.stringify({ $integer: "BQAAAAAAAAA=" })));
  });
});
