// Directory data for the generated paper pages: layout and tag; permalinks are literal, never templated.
export default {
  layout: "paper.11ty.ts",
  tags: ["paper"],
  dynamicPermalink: false,
};
