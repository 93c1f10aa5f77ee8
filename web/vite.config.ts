// The browser app (web/index.html), the embedding demo (web/embed.html) and the library bundle
// (tab86.js: the <tab86-machine> element and the JS API). `npm run web` serves it from
// source, `npm run web:build` writes dist-web/, `npm run web:preview` serves dist-web/.
// The default Linux is not copied into the app: images/ (built by `npm run images`, not in git)
// is served under /images/ by both servers.
import { defineConfig, Plugin } from "vite";
import { createReadStream, existsSync, statSync } from "node:fs";
import { join, resolve, normalize } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";

const root = resolve(import.meta.dirname, "..");
const IMAGES = join(root, "images");

function serveImages(): Plugin {
  const handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = decodeURIComponent((req.url ?? "").split("?")[0]);
    const m = /^(?:.*\/)?images\/(.+)$/.exec(url);
    if (!m) return next();
    const file = normalize(join(IMAGES, m[1]));
    if (!file.startsWith(IMAGES + "/") || m[1].split("/").some((p) => p.startsWith(".")) || !existsSync(file) || !statSync(file).isFile()) return next();
    res.setHeader("Content-Type", file.endsWith(".json") ? "application/json" : "application/octet-stream");
    res.setHeader("Content-Length", statSync(file).size);
    res.setHeader("Cache-Control", "no-cache");
    createReadStream(file).pipe(res);
  };
  return {
    name: "tab86-images",
    configureServer(server) { server.middlewares.use(handler); },
    configurePreviewServer(server) { server.middlewares.use(handler); },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  appType: "mpa", // a missing file is a 404, not the app's page
  plugins: [serveImages()],
  server: { fs: { allow: [root] } },
  worker: { format: "es" },
  build: {
    outDir: join(root, "dist-web"),
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: {
        index: join(import.meta.dirname, "index.html"),
        embed: join(import.meta.dirname, "embed.html"),
        tab86: join(import.meta.dirname, "tab86.ts"),
      },
      preserveEntrySignatures: "exports-only",
      output: { entryFileNames: (chunk) => (chunk.name === "tab86" ? "tab86.js" : "assets/[name]-[hash].js") },
    },
  },
});
