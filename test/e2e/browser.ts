// The end-to-end harness: the built app (dist-web/, `npm run web:build`) served by Vite's
// preview server, driven in Debian's chromium (headless) through playwright-core.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { preview, PreviewServer } from "vite";
import { chromium, Browser } from "playwright-core";
import { ROOT } from "../helpers.js";

export const ARTEFACTS = join(ROOT, "test-results", "e2e");
const CANDIDATES = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter(Boolean) as string[];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (looked at ${CANDIDATES.join(", ")}): install it with \`apt-get update && apt-get install -y chromium\`, or set CHROMIUM to its path`);
  return found;
}

export async function startApp(): Promise<{ server: PreviewServer; url: string; browser: Browser }> {
  if (!existsSync(join(ROOT, "dist-web", "index.html"))) throw new Error("dist-web/ is missing: npm run test:e2e builds it (npm run web:build)");
  mkdirSync(ARTEFACTS, { recursive: true });
  const server = await preview({ configFile: join(ROOT, "web", "vite.config.ts"), preview: { port: 0, host: "127.0.0.1", strictPort: false }, logLevel: "warn" });
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  return { server, url, browser };
}
