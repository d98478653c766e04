// Minimal typings for the parts of Eleventy 3 this project calls (the package ships none).
declare module "@11ty/eleventy" {
  export default class Eleventy {
    constructor(input?: string, output?: string, options?: { configPath?: string; pathPrefix?: string; quietMode?: boolean; config?: (eleventyConfig: any) => void });
    write(): Promise<unknown>;
    toJSON(): Promise<{ url: string; inputPath: string; outputPath: string; content: string }[]>;
  }
  export const HtmlBasePlugin: (eleventyConfig: any, options?: unknown) => void;
}
