// Test helper: removes the cache folder build() keeps for a temp dumps folder (its generated pages), never anything else.
export { removeGeneratedPages as removeBuildCache } from "../../scripts/build.ts";
