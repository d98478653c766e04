// Directory data for paper pages: layout and tag (the pages' own data holds facts only).
export default {
  layout: "paper.11ty.ts",
  tags: ["paper"],
};
