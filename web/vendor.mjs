// Copies the front-end libraries the app serves from node_modules into app/static/vendor/<package>/ and
// writes app/static/vendor/VERSIONS.json. The copies are committed: the app, its tests and CI need neither
// npm nor the network. Run it through `make vendor` (npm ci, then this script); it takes no dependencies.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WEB = dirname(fileURLToPath(import.meta.url));
const MODULES = join(WEB, "node_modules");
const VENDOR = join(WEB, "..", "app", "static", "vendor");

// package -> {file in the package: file under app/static/vendor/<package>/}
const FILES = {
  leaflet: {
    "dist/leaflet.js": "leaflet.js",
    "dist/leaflet.css": "leaflet.css",
    // leaflet.css refers to images/ beside it; L.Icon.Default finds its icons through that CSS rule.
    "dist/images/layers.png": "images/layers.png",
    "dist/images/layers-2x.png": "images/layers-2x.png",
    "dist/images/marker-icon.png": "images/marker-icon.png",
    "dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
    "dist/images/marker-shadow.png": "images/marker-shadow.png",
    LICENSE: "LICENSE",
  },
  "leaflet.markercluster": {
    "dist/leaflet.markercluster.js": "leaflet.markercluster.js",
    "dist/MarkerCluster.css": "MarkerCluster.css",
    "dist/MarkerCluster.Default.css": "MarkerCluster.Default.css",
    "MIT-LICENCE.txt": "LICENSE",
  },
  uplot: {
    "dist/uPlot.iife.min.js": "uPlot.iife.min.js",
    "dist/uPlot.min.css": "uPlot.min.css",
    LICENSE: "LICENSE",
  },
  "swagger-ui-dist": {
    "swagger-ui-bundle.js": "swagger-ui-bundle.js",
    "swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
    "swagger-ui.css": "swagger-ui.css",
    "favicon-32x32.png": "favicon-32x32.png",
    LICENSE: "LICENSE",
    NOTICE: "NOTICE",
  },
  redoc: {
    "bundles/redoc.standalone.js": "redoc.standalone.js",
    "bundles/redoc.standalone.js.LICENSE.txt": "redoc.standalone.js.LICENSE.txt",
    LICENSE: "LICENSE",
  },
};

// Edits that keep the pages from fetching anything outside our origin. Each must match exactly once, so an
// upgrade that moves the code fails here instead of quietly bringing the request back.
const PATCHES = [
  {
    // The sidebar's "API docs by Redocly" link shows a logo from Redocly's CDN. With an empty src the image
    // fails without a request and Redoc's own onError handler drops it.
    file: "redoc/redoc.standalone.js",
    find: 'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"',
    replace: 'src:""',
  },
];

// The source maps are not vendored, so the comments pointing at them go too (they only matter to DevTools).
const SOURCE_MAP_COMMENT = /\n?(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=\S+? ?\*\/)\s*$/;

function packageVersion(name) {
  return JSON.parse(readFileSync(join(MODULES, name, "package.json"), "utf8")).version;
}

const applied = new Set();

function applyPatches(relative, content) {
  for (const patch of PATCHES.filter((p) => p.file === relative)) {
    const found = content.split(patch.find).length - 1;
    if (found !== 1) {
      throw new Error(`${relative}: expected "${patch.find}" once, found it ${found} times`);
    }
    content = content.replace(patch.find, patch.replace);
    applied.add(patch);
  }
  return content;
}

function copy(name, from, to) {
  const relative = `${name}/${to}`;
  const target = join(VENDOR, name, to);
  mkdirSync(dirname(target), { recursive: true });
  let content = readFileSync(join(MODULES, name, from));
  if (/\.(js|css)$/.test(to)) {
    content = applyPatches(relative, content.toString("utf8").replace(SOURCE_MAP_COMMENT, "\n"));
  }
  writeFileSync(target, content);
  return Buffer.byteLength(content);
}

rmSync(VENDOR, { recursive: true, force: true });
const versions = {};
let total = 0;
for (const [name, files] of Object.entries(FILES).sort(([a], [b]) => a.localeCompare(b))) {
  versions[name] = packageVersion(name);
  for (const [from, to] of Object.entries(files)) {
    total += copy(name, from, to);
  }
}
for (const patch of PATCHES.filter((p) => !applied.has(p))) {
  throw new Error(`${patch.file} is not vendored, so its patch cannot apply`);
}
writeFileSync(join(VENDOR, "VERSIONS.json"), `${JSON.stringify(versions, null, 2)}\n`);
const count = Object.values(FILES).reduce((n, files) => n + Object.keys(files).length, 0);
console.log(`app/static/vendor: ${count} files, ${(total / 1024).toFixed(0)} KiB`);
for (const [name, version] of Object.entries(versions)) {
  console.log(`  ${name} ${version}`);
}
