// Re-vendors the browser libraries into kg/api/static/vendor/ (run by `make vendor`).
// Each library gets its own folder with the built files, the licences of every package in it
// and a README naming package, version and how the files were made. Nothing here runs when
// the service runs or the tests run: the built files are committed.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "kg", "api", "static", "vendor");
const modules = join(here, "node_modules");

function pkg(name) {
  return JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
}

function licence(name) {
  const dir = join(modules, name);
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  if (!file) throw new Error(`${name}: no licence file`);
  return readFileSync(join(dir, file), "utf8").trim();
}

function fresh(folder) {
  const dir = join(out, folder);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function readme(dir, title, packages, how) {
  const rows = packages.map((p) => `| \`${p}\` | ${pkg(p).version} | ${pkg(p).license} |`);
  const text = [
    `# ${title}`,
    "",
    "Vendored from npm by `make vendor` (tools/vendor/build.mjs, versions pinned in",
    "tools/vendor/package-lock.json); served from /static/, never fetched from a CDN.",
    "",
    "| package | version | licence |",
    "|---|---|---|",
    ...rows,
    "",
    how,
    "",
  ].join("\n");
  writeFileSync(join(dir, "README.md"), text);
}

function licences(dir, packages) {
  const text = packages.map((p) => `${p} ${pkg(p).version}\n\n${licence(p)}\n`).join("\n---\n\n");
  writeFileSync(join(dir, "LICENSES.txt"), text);
}

// Bundles an entry with esbuild (IIFE, minified, no source map); returns the npm packages
// whose files went into the bundle, for the licence file.
async function bundle(entry, file, globalName) {
  const result = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    minify: true,
    format: "iife",
    globalName,
    target: "es2020",
    legalComments: "none",
    metafile: true,
    write: false,
  });
  writeFileSync(file, result.outputFiles[0].contents);
  const names = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

async function main() {
  let dir = fresh("codemirror");
  let packages = await bundle("codemirror.entry.js", join(dir, "codemirror.min.js"), "CM");
  licences(dir, packages);
  readme(dir, "CodeMirror 6 with SPARQL", packages,
    "`codemirror.min.js` is `codemirror.entry.js` bundled by esbuild (IIFE, minified): the\n" +
    "editor, its basic setup, autocompletion and the Lezer SPARQL grammar, as `window.CM`.");

  dir = fresh("cytoscape");
  packages = await bundle("cytoscape.entry.js", join(dir, "cytoscape.min.js"), undefined);
  licences(dir, packages);
  readme(dir, "Cytoscape.js", packages,
    "`cytoscape.min.js` is `cytoscape.entry.js` bundled by esbuild (IIFE, minified): the\n" +
    "library as `window.cytoscape` (its package ships CommonJS and ES modules only).");

  dir = fresh("chartjs");
  copyFileSync(join(modules, "chart.js", "dist", "chart.umd.min.js"), join(dir, "chart.umd.min.js"));
  licences(dir, ["chart.js"]);
  readme(dir, "Chart.js", ["chart.js"], "`chart.umd.min.js` is the package's own `dist/chart.umd.min.js`, unchanged.");

  dir = fresh("swagger-ui");
  for (const f of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
    copyFileSync(join(modules, "swagger-ui-dist", f), join(dir, f));
  }
  licences(dir, ["swagger-ui-dist"]);
  copyFileSync(join(modules, "swagger-ui-dist", "NOTICE"), join(dir, "NOTICE"));
  readme(dir, "Swagger UI", ["swagger-ui-dist"],
    "`swagger-ui-bundle.js` and `swagger-ui.css` are the package's own files, unchanged\n" +
    "(`/docs` loads them; its install script, a usage-reporting hook, is never run).");

  dir = fresh("redoc");
  // One change: the sidebar's "API docs by Redocly" logo is an <img> loaded from
  // cdn.redoc.ly, unconditionally. Its src is blanked (the image hides itself on error), so
  // /redoc fetches nothing from elsewhere. The build fails if the upstream text changes.
  const logo = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';
  const redoc = readFileSync(join(modules, "redoc", "bundles", "redoc.standalone.js"), "utf8");
  if (redoc.split(logo).length !== 2) throw new Error("redoc: the logo URL to blank is not found once");
  writeFileSync(join(dir, "redoc.standalone.js"), redoc.replace(logo, '""'));
  copyFileSync(join(modules, "redoc", "bundles", "redoc.standalone.js.LICENSE.txt"),
    join(dir, "redoc.standalone.js.LICENSE.txt"));
  licences(dir, ["redoc"]);
  readme(dir, "ReDoc", ["redoc"],
    "`redoc.standalone.js` is the package's own `bundles/redoc.standalone.js` with one change:\n" +
    "the `src` of the sidebar's Redocly logo (`https://cdn.redoc.ly/redoc/logo-mini.svg`) is\n" +
    "blanked, so the page loads nothing from elsewhere. The licences of what it bundles are in\n" +
    "`redoc.standalone.js.LICENSE.txt`; `/redoc` loads it.");
}

await main();
