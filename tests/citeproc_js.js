// Render CSL-JSON items (stdin) with citeproc-js: one bibliography entry per line.
const fs = require("fs");
const CSL = require("citeproc");
const [style, locale] = process.argv.slice(2).map((p) => fs.readFileSync(p, "utf8"));
const items = JSON.parse(fs.readFileSync(0, "utf8"));
const byId = Object.fromEntries(items.map((i) => [i.id, i]));
const engine = new CSL.Engine(
  { retrieveLocale: () => locale, retrieveItem: (id) => byId[id] },
  style,
);
engine.setOutputFormat("text");
engine.updateItems(items.map((i) => i.id));
const [, entries] = engine.makeBibliography();
for (const entry of entries) process.stdout.write(entry.trim() + "\n");
