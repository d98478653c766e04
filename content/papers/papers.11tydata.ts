// Directory data for paper pages: their tag (the pages' own data holds facts only; papers.11ty.ts applies the layouts).
export default {
  tags: ["paper"],
};
