// Test helper: removes what build() keeps for a temporary catalogue (the pages and ingest cache of a temporary dumps
// folder, the render cache of a temporary output), never anything else.
export { removeBuildState as removeBuildCache } from "../../scripts/build.ts";
