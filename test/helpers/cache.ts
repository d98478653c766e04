// Test helper: removes what build() keeps for a temporary dumps folder (generated pages, caches), never anything else.
export { removeBuildState as removeBuildCache } from "../../scripts/build.ts";
