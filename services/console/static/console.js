// The operator console: plain DOM and fetch, no build step.
"use strict";

const $ = (selector) => document.querySelector(selector);
const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
};
const MAX_EVENTS = 200;

// --- live facts (Server-Sent Events) -----------------------------------------------------------
let stream = null;

function summary(data) {
  if (!data) return "";
  const parts = [];
  for (const name of ["item_no", "location_code", "serial", "lot", "reason_code", "message"]) {
    if (data[name]) parts.push(`${name}=${data[name]}`);
  }
  for (const name of ["receipt_no", "shipment_no", "pick_no", "put_away_no", "movement_no", "document_no", "request_id"]) {
    if (data[name]) parts.push(`${name}=${data[name]}`);
  }
  return parts.join(" ");
}

function showEvent(event) {
  const item = el("li", { "data-type": event.type, "data-key": event.key, class: event.refusal ? "refusal" : "" },
    el("span", { class: "muted" }, event.time.slice(11, 23) + " "),
    el("span", { class: "type" }, event.type),
    el("span", { class: "what", title: JSON.stringify(event.data) }, summary(event.data) || event.key));
  const list = $("#events");
  list.prepend(item);
  while (list.children.length > MAX_EVENTS) list.lastChild.remove();
}

function listen(item) {
  if (stream) stream.close();
  const status = $("#live-status");
  status.dataset.state = "connecting";
  status.textContent = "connecting";
  stream = new EventSource("/api/events" + (item ? `?item=${encodeURIComponent(item)}` : ""));
  stream.addEventListener("ready", () => { status.dataset.state = "live"; status.textContent = "live"; });
  stream.addEventListener("fact", (message) => showEvent(JSON.parse(message.data)));
  stream.onerror = () => { status.dataset.state = "down"; status.textContent = "reconnecting"; };
}

$("#events-filter").addEventListener("submit", (e) => {
  e.preventDefault();
  listen(new FormData(e.target).get("item").trim());
});

// --- queries ------------------------------------------------------------------------------------
async function query(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || response.statusText);
  return body;
}

const BREAKDOWN = [
  ["inventory", "inventory"], ["on_picks_and_movements", "on picks/mvmts"], ["reserved", "reserved"],
  ["in_outbound_bins", "in outbound bins"], ["adjustment_bin_positive", "adj. bin +"],
  ["reserved_and_allocated_same_demand", "same demand"], ["blocked", "blocked"], ["available_to_reserve", "available"],
];

function availabilityTable(itemNo, at) {
  const table = el("table", { class: "availability", "data-location": at.location_code },
    el("caption", {}, `${itemNo} at ${at.location_code}${at.variant ? " variant " + at.variant : ""}`));
  const head = el("tr", {}, el("th", {}, "serial"), el("th", {}, "lot"));
  for (const [, label] of BREAKDOWN) head.append(el("th", {}, label));
  table.append(head);
  const row = (cls, serial, lot, figures) => {
    const tr = el("tr", { class: cls }, el("td", {}, serial), el("td", {}, lot));
    for (const [name] of BREAKDOWN) {
      tr.append(el("td", name === "available_to_reserve" ? { class: "available" } : {}, figures[name] ?? "0"));
    }
    return tr;
  };
  table.append(row("total", "all", "", at));
  for (const t of at.tracking) table.append(row("tracking", t.serial, t.lot + (t.is_blocked ? " (blocked)" : ""), t));
  return table;
}

$("#availability-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const target = $("#availability");
  const item = form.get("item").trim();
  const location = form.get("location").trim();
  target.replaceChildren(el("p", { class: "muted" }, "asking the inventory..."));
  try {
    const answer = await query(`/api/availability/${encodeURIComponent(item)}` +
      (location ? `?location=${encodeURIComponent(location)}` : ""));
    const tables = answer.locations.map((at) => availabilityTable(answer.item_no, at));
    target.replaceChildren(...(tables.length ? tables : [el("p", {}, `no stock of ${item}`)]));
  } catch (error) {
    target.replaceChildren(el("p", { class: "error" }, String(error.message)));
  }
});

// --- trace: a timeline with one lane per service -------------------------------------------------
const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attributes = {}, text = null) => {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
};
const LANES = { warehouse: 50, inventory: 130 };

function drawTrace(trace) {
  const spacing = 120, left = 110;
  const width = Math.max(800, left + trace.steps.length * spacing);
  const graph = svg("svg", { width, height: 190, role: "img", "aria-label": `trace of ${trace.subject}` });
  for (const [lane, y] of Object.entries(LANES)) {
    graph.append(svg("line", { x1: 0, x2: width, y1: y, y2: y, stroke: "#e9ecef", "stroke-width": 18 }));
    graph.append(svg("text", { x: 6, y: y + 4, class: "lane-label" }, lane));
  }
  const points = trace.steps.map((step, i) => [left + i * spacing, LANES[step.service] ?? LANES.warehouse]);
  if (points.length > 1) {
    graph.append(svg("polyline", { points: points.map((p) => p.join(",")).join(" "), fill: "none",
                                   stroke: "#adb5bd", "stroke-width": 2 }));
  }
  trace.steps.forEach((step, i) => {
    const [x, y] = points[i];
    const node = svg("g", { class: "step", "data-step": step.step });
    node.append(svg("title", {}, `${step.at}\n${step.what}\n${step.document}`));
    node.append(svg("circle", { cx: x, cy: y, r: 9, class: `step ${step.service}` }));
    node.append(svg("text", { x, y: y - 16, "text-anchor": "middle" }, step.step));
    node.append(svg("text", { x, y: y + 26, "text-anchor": "middle", class: "muted" }, step.at.slice(11, 19)));
    graph.append(node);
  });
  $("#trace-graph").replaceChildren(graph);

  const rows = trace.steps.map((step) => el("tr", {},
    el("td", { class: "muted" }, step.at.slice(0, 23).replace("T", " ")),
    el("td", { class: `service-${step.service}` }, step.service),
    el("td", {}, el("b", {}, step.step)), el("td", {}, step.what), el("td", { class: "muted" }, step.document)));
  $("#trace-steps").replaceChildren(...rows);
  const where = trace.whereabouts.map((w) => `${w.location_code}/${w.bin_code} ${w.quantity}`).join(", ");
  $("#trace-status").textContent = `${trace.subject}: ${trace.steps.length} step(s); now in: ${where || "no bin"}`;
}

$("#trace-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const params = new URLSearchParams();
  for (const name of ["serial", "lot", "item"]) {
    const value = form.get(name).trim();
    if (value) params.set(name, value);
  }
  $("#trace-status").textContent = "tracing...";
  try {
    drawTrace(await query(`/api/trace?${params}`));
  } catch (error) {
    $("#trace-status").textContent = String(error.message);
    $("#trace-graph").replaceChildren();
    $("#trace-steps").replaceChildren();
  }
});

listen("");
