// Renders this service's AsyncAPI 3 document (asyncapi.json, next to this page) as HTML: channels, the
// operations on them, and per ce_type its Kafka key, headers, payload fields and an example.
// Self-contained on purpose: the page works without any network beyond the service itself.
"use strict";

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function resolve(doc, schema) {
  let seen = 0;
  while (schema && schema.$ref && seen++ < 20) {
    schema = schema.$ref.split("/").slice(1).reduce((node, step) => node[decodeURIComponent(step)], doc);
  }
  return schema || {};
}

function typeOf(doc, schema) {
  schema = resolve(doc, schema);
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(doc, s)).join(" | ");
  if (schema.type === "array") return typeOf(doc, schema.items || {}) + "[]";
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  return (schema.title && schema.properties ? schema.title : schema.type || "any") + (schema.format ? ` (${schema.format})` : "");
}

function facts(schema) {
  const notes = [];
  if (schema.description) notes.push(schema.description);
  for (const key of ["default", "minLength", "maxLength", "minimum", "maximum", "pattern"]) {
    if (schema[key] !== undefined) notes.push(`${key}: ${JSON.stringify(schema[key])}`);
  }
  if (schema.deprecated) notes.push("deprecated");
  return notes.join("; ");
}

function fieldRows(doc, schema, prefix, rows, depth) {
  schema = resolve(doc, schema);
  const required = new Set(schema.required || []);
  for (const [name, field] of Object.entries(schema.properties || {})) {
    const path = prefix + name;
    rows.push(el("tr", {}, el("td", { class: "name" }, path, required.has(name) ? el("span", { class: "required" }, "required") : null),
      el("td", {}, typeOf(doc, field)), el("td", {}, facts(resolve(doc, field)) || facts(field))));
    const inner = resolve(doc, field);
    const nested = inner.type === "array" ? resolve(doc, inner.items || {}) : (inner.anyOf || []).map((s) => resolve(doc, s)).find((s) => s.properties) || inner;
    if (nested.properties && depth < 4) fieldRows(doc, nested, path + (inner.type === "array" ? "[]." : "."), rows, depth + 1);
  }
  return rows;
}

function fieldTable(doc, schema) {
  return el("table", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"), el("th", {}, "notes")),
    ...fieldRows(doc, schema, "", [], 0));
}

function messageView(doc, message) {
  message = resolve(doc, message);
  const key = ((message.bindings || {}).kafka || {}).key;
  const example = (message.examples || [])[0];
  return el("details", { class: "message", "data-search": (message.name || message.title || "").toLowerCase() },
    el("summary", {}, el("span", { class: "ce-type" }, message.name || message.title || "message"),
      el("span", { class: "summary" }, message.summary || "")),
    key ? el("p", {}, el("strong", {}, "Kafka key: "), key.description || typeOf(doc, key),
      key.examples ? el("code", {}, "  e.g. " + key.examples[0]) : null) : null,
    message.headers ? el("div", {}, el("h4", {}, "Headers"), fieldTable(doc, message.headers)) : null,
    message.payload ? el("div", {}, el("h4", {}, "Payload"), fieldTable(doc, message.payload)) : null,
    example ? el("div", {}, el("h4", {}, "Example"), el("pre", {}, JSON.stringify(example.payload, null, 2))) : null);
}

function channelView(doc, id, channel, actions) {
  const anchor = "channel-" + id.replace(/[^A-Za-z0-9_-]/g, "-");
  const messages = Object.values(channel.messages || {}).map((m) => messageView(doc, m));
  return el("section", { class: "channel", id: anchor, "data-search": channel.address.toLowerCase() },
    el("h2", {}, ...actions.map((a) => el("span", { class: "action " + a }, a)), el("code", {}, channel.address)),
    el("p", { class: "channel-description" }, channel.description || ""),
    el("p", {}, `${messages.length} message type(s)`), ...messages);
}

function render(doc) {
  document.title = `AsyncAPI: ${doc.info.title}`;
  document.getElementById("title").textContent = `${doc.info.title} ${doc.info.version || ""}`;
  document.getElementById("description").textContent = doc.info.description || "";
  const actions = {};
  for (const operation of Object.values(doc.operations || {})) {
    const id = operation.channel.$ref.split("/").pop();
    (actions[id] = actions[id] || []).push(operation.action);
  }
  const main = document.getElementById("channels");
  const toc = document.getElementById("toc");
  main.replaceChildren();
  for (const [id, channel] of Object.entries(doc.channels || {})) {
    const view = channelView(doc, id, channel, actions[id] || []);
    main.append(view);
    toc.append(el("a", { href: "#" + view.id }, `${(actions[id] || []).join("/")} ${channel.address}`));
  }
}

function filter(text) {
  text = text.trim().toLowerCase();
  for (const section of document.querySelectorAll("section.channel")) {
    const channelHit = section.dataset.search.includes(text);
    let shown = 0;
    for (const message of section.querySelectorAll("details.message")) {
      const hit = !text || channelHit || message.dataset.search.includes(text);
      message.classList.toggle("hidden", !hit);
      shown += hit ? 1 : 0;
    }
    section.classList.toggle("hidden", Boolean(text) && !channelHit && shown === 0);
  }
}

fetch("asyncapi.json")
  .then((response) => { if (!response.ok) throw new Error(`asyncapi.json: HTTP ${response.status}`); return response.json(); })
  .then(render)
  .catch((problem) => { document.getElementById("channels").textContent = `Cannot show the document: ${problem.message}`; });
document.getElementById("filter").addEventListener("input", (event) => filter(event.target.value));
