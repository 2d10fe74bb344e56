// Parse an OPDS feed the way Thorium Reader does, with Readium's r2-opds-js: an OPDS 1.2
// Atom feed is read into its OPDS 1 model and converted to OPDS 2; an OPDS 2.0 JSON feed is
// deserialized into its OPDS 2 model. Prints what the reading app would show, as JSON.
// Usage: node readium_parse.js <atom|json> <file>   (NODE_PATH: where r2-opds-js is installed)
"use strict";
require("reflect-metadata");
const fs = require("fs");
const xmldom = require("@xmldom/xmldom");
const base = "r2-opds-js/dist/es8-es2017/src/opds/";
const { initGlobalConverters_OPDS, initGlobalConverters_GENERIC } = require(base + "init-globals");
const { convertOpds1ToOpds2 } = require(base + "converter");
const { OPDS } = require(base + "opds1/opds");
const { OPDSFeed } = require(base + "opds2/opds2");
const { XML } = require("r2-utils-js/dist/es8-es2017/src/_utils/xml-js-mapper");
const { TaJsonDeserialize } = require("r2-lcp-js/dist/es8-es2017/src/serializable");

initGlobalConverters_OPDS();
initGlobalConverters_GENERIC();

const [kind, file] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
let feed;
if (kind === "atom") {
  const dom = new xmldom.DOMParser().parseFromString(text, "application/xml");
  feed = convertOpds1ToOpds2(XML.deserialize(dom, OPDS));
} else {
  feed = TaJsonDeserialize(JSON.parse(text), OPDSFeed);
}
const links = (list) => (list || []).map((l) => ({ href: l.Href, rel: l.Rel || [], type: l.TypeLink || "", title: l.Title || "" }));
console.log(JSON.stringify({
  title: feed.Metadata && feed.Metadata.Title,
  total: feed.Metadata && feed.Metadata.NumberOfItems,
  links: links(feed.Links),
  navigation: links(feed.Navigation),
  facets: (feed.Facets || []).map((f) => ({ title: f.Metadata.Title, links: links(f.Links) })),
  publications: (feed.Publications || []).map((p) => ({
    title: p.Metadata.Title,
    identifier: p.Metadata.Identifier,
    authors: (p.Metadata.Author || []).map((a) => a.Name),
    language: p.Metadata.Language,
    subjects: (p.Metadata.Subject || []).map((s) => s.Name),
    links: links(p.Links),
  })),
}));
