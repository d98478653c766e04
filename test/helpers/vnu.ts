// Test helper: the W3C Nu HTML Checker (vnu-jar, on the system's Java) over a folder of pages, in one Java run.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { root } from "../../scripts/build.ts";

export const VNU_JAR = path.join(root, "node_modules/vnu-jar/build/dist/vnu.jar");

interface VnuMessage {
  type: string;
  url?: string;
  lastLine?: number;
  firstColumn?: number;
  message: string;
  extract?: string;
}

/**
 * Every error the checker reports on the HTML pages under `dir` (`--skip-non-html --errors-only`), as
 * `page:line:column message (extract)` with the page relative to `dir`, sorted. Fails if Java is missing or the
 * checker's output cannot be read, so a broken setup never passes as "no errors".
 */
export async function vnuErrors(dir: string): Promise<string[]> {
  const args = ["-jar", VNU_JAR, "--skip-non-html", "--errors-only", "--format", "json", dir];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => reject(new Error(`cannot run java (${e.message}): install Java 17, e.g. Debian's default-jre-headless (.ci/run does)`)));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  // The checker writes its JSON report to stderr.
  let report: { messages: VnuMessage[] };
  try {
    report = JSON.parse(stderr);
  } catch {
    throw new Error(`vnu exited ${code} without a JSON report: ${(stderr || stdout).slice(0, 500)}`);
  }
  const errors = report.messages.map((m) => {
    const page = m.url?.startsWith("file:") ? path.relative(dir, fileURLToPath(m.url)) : (m.url ?? dir);
    return `${page}:${m.lastLine ?? 0}:${m.firstColumn ?? 0} ${m.type}: ${m.message}${m.extract ? ` (${JSON.stringify(m.extract)})` : ""}`;
  });
  if (code !== 0 && errors.length === 0) throw new Error(`vnu exited ${code} with no message: ${stdout.slice(0, 500)}`);
  return errors.sort();
}
