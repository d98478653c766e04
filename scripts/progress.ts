// Progress of a long build on a terminal (stage, runs done of total, papers per second); silent when output is not a terminal.
import cliProgress from "cli-progress";

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private started = Date.now();
  private papers = 0;
  private readonly tty: boolean;

  constructor(private readonly log: (line: string) => void, tty = Boolean(process.stdout.isTTY) && !process.env.CI) {
    this.tty = tty;
  }

  stage(name: string): void {
    this.stopBar();
    this.started = Date.now();
    this.papers = 0;
    if (this.tty) this.log(`▸ ${name}`);
  }

  step(text: string): void {
    if (this.tty) this.log(`  ${text}`);
  }

  /** One run (Eleventy run, search shard) finished: `done` of `total`, `papers` paper pages in it. */
  count(done: number, total: number, papers: number, unit = "runs"): void {
    if (!this.tty) return;
    this.papers += papers;
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar({ format: `  {bar} {value}/{total} ${unit} | {papers} paper pages | {rate} pages/s`, hideCursor: true }, cliProgress.Presets.shades_classic);
      this.bar.start(total, 0, { papers: 0, rate: 0 });
    }
    const seconds = (Date.now() - this.started) / 1000;
    this.bar.setTotal(total); // runs can be added while others run (render.ts SiteRender)
    this.bar.update(done, { papers: this.papers, rate: Math.round(this.papers / Math.max(seconds, 0.001)) });
  }

  done(): void {
    this.stopBar();
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
