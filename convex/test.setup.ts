// Shared convex-test harness (two dots in the name: never deployed).
/// <reference types="vite/client" />
import { convexTest } from "convex-test";
import schema from "./schema";

export const modules = import.meta.glob("./**/!(*.*.*)*.*s");

export function makeConvexTest() {
  return convexTest(schema, modules);
}
