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
  for (const name of ["item_no", "location_code", "serial", "lot", "reason_code", "quality_status", "available_to_reserve"]) {
    if (data[name]) parts.push(`${name}=${data[name]}`);
  }
  for (const name of ["receipt_no", "shipment_no", "pick_no", "put_away_no", "movement_no", "document_no", "request_id"]) {
    if (data[name]) parts.push(`${name}=${data[name]}`);
  }
  return parts.join(" ");
}

function showEvent(event) {
  const classes = [event.refusal ? "refusal" : "", event.recent ? "recent" : ""].join(" ").trim();
  const item = el("li", { "data-type": event.type, "data-key": event.key, class: classes },
    el("span", { class: "muted" }, event.time.slice(11, 23) + " "),
    el("span", { class: "type" }, event.type),
    el("span", { class: "what", title: JSON.stringify(event.data) }, summary(event.data) || event.key));
  if (event.refusal && event.data) {  // the whole sentence: it says what to do
    item.append(el("span", { class: "refusal-text" }, `${event.data.reason_code}: ${event.data.message}`));
  }
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
  stream.addEventListener("fact", (message) => {
    const event = JSON.parse(message.data);
    showEvent(event);
    followAvailability(event);
  });
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
  const table = el("table", { class: "availability", "data-location": at.location_code, "data-variant": at.variant },
    el("caption", {}, `${itemNo} at ${at.location_code}${at.variant ? " variant " + at.variant : ""}`));
  const head = el("tr", {}, el("th", {}, "serial"), el("th", {}, "lot"));
  for (const [, label] of BREAKDOWN) head.append(el("th", {}, label));
  table.append(head);
  table.append(breakdownRow("total", "all", "", at));
  // Q1: a quarantined or rejected number is withheld like a blocked one; the row says which.
  const withheld = (t) => (t.quality_status && t.quality_status !== "released" ? t.quality_status : "blocked");
  for (const t of at.tracking) {
    table.append(breakdownRow("tracking", t.serial, t.lot + (t.is_blocked ? ` (${withheld(t)})` : ""), t));
  }
  return table;
}

function breakdownRow(cls, serial, lot, figures) {
  const tr = el("tr", { class: cls }, el("td", {}, serial), el("td", {}, lot));
  for (const [name] of BREAKDOWN) {
    tr.append(el("td", name === "available_to_reserve" ? { class: "available" } : {}, figures[name] ?? "0"));
  }
  return tr;
}

$("#availability-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  showAvailability(form.get("item").trim(), form.get("location").trim());
});

// A1: while an item is shown, each AvailabilityChanged of it replaces its location's total row (live); a
// location not shown yet is asked for again. The serial/lot rows stay as answered (the feed is per location).
const AVAILABILITY_CHANGED = "inventory.availability.changed.v1";
let shown = { item: null, location: "" };

function followAvailability(event) {
  const data = event.data;
  if (event.type !== AVAILABILITY_CHANGED || event.recent || !data || data.item_no !== shown.item) return;
  if (shown.location && data.location_code !== shown.location) return;
  const table = [...document.querySelectorAll("#availability table.availability")]
    .find((t) => t.dataset.location === data.location_code && t.dataset.variant === data.variant);
  if (!table) return showAvailability(shown.item, shown.location);
  table.querySelector("tr.total").replaceWith(breakdownRow("total live", "all (live)", "", data));
}

async function showAvailability(item, location) {
  shown = { item, location };
  const target = $("#availability");
  target.replaceChildren(el("p", { class: "muted" }, "asking the inventory..."));
  try {
    const answer = await query(`/api/availability/${encodeURIComponent(item)}` +
      (location ? `?location=${encodeURIComponent(location)}` : ""));
    const tables = answer.locations.map((at) => availabilityTable(answer.item_no, at));
    target.replaceChildren(...(tables.length ? tables : [el("p", {}, `no stock of ${item}`)]));
  } catch (error) {
    target.replaceChildren(el("p", { class: "error" }, String(error.message)));
  }
}

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
  showInformation(trace.information || []);
}

// Q1: the serial's and its lot's information (quality status, certificate or test number, comment).
function showInformation(records) {
  const items = records.map((r) => el("li", { "data-status": r.quality_status },
    el("b", {}, r.serial_no ? `serial ${r.serial_no}` : `lot ${r.lot_no}`), `: ${r.quality_status}`,
    r.certificate_no ? ` · certificate ${r.certificate_no}` : "", r.comment ? ` · ${r.comment}` : ""));
  $("#trace-information").replaceChildren(...(items.length ? items : [el("li", { class: "muted" }, "released (no information recorded)")]));
}

$("#trace-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const params = new URLSearchParams();
  for (const name of ["serial", "lot", "item"]) {
    const value = form.get(name).trim();
    if (value) params.set(name, value);
  }
  showTrace(params);
});

async function showTrace(params) {
  $("#trace-status").textContent = "tracing...";
  $("#trace-links").hidden = true;
  try {
    const trace = await query(`/api/trace?${params}`);
    drawTrace(trace);
    // A link to this very trace (the item found, when it was left out), and its steps as CSV.
    const link = new URLSearchParams({ item: trace.item_no });
    for (const name of ["serial", "lot"]) if (trace[name]) link.set(name, trace[name]);
    $("#trace-link").href = `/?${link}`;
    $("#trace-csv").href = `/api/trace.csv?${link}`;
    $("#trace-links").hidden = false;
    history.replaceState(null, "", `/?${link}`);
  } catch (error) {
    $("#trace-status").textContent = String(error.message);
    $("#trace-graph").replaceChildren();
    $("#trace-steps").replaceChildren();
    $("#trace-information").replaceChildren();
  }
}

// --- recall (R1): forward, backward, where now ---------------------------------------------------
const RECALL_PARTS = [
  ["forward", "Forward: where it went", ["date", "kind", "item_no", "location_code", "lot", "serial", "quantity",
    "document", "source", "customer_no", "destination"]],
  ["backward", "Backward: where it came from", ["date", "kind", "item_no", "location_code", "lot", "serial",
    "quantity", "document", "source", "vendor_no", "origin", "remaining_quantity", "warranty_date"]],
  ["where_now", "Where it is now", ["place", "item_no", "location_code", "zone_code", "bin_code", "lot", "serial",
    "quantity"]],
  ["information", "Quality (Q1)", ["item_no", "lot_no", "serial_no", "quality_status", "certificate_no", "comment"]],
];

function recallTable(part, title, columns, rows) {
  const table = el("table", { class: "recall", "data-part": part }, el("caption", {}, `${title} (${rows.length})`));
  table.append(el("tr", {}, ...columns.map((c) => el("th", {}, c.replace(/_/g, " ")))));
  for (const row of rows) table.append(el("tr", {}, ...columns.map((c) => el("td", {}, String(row[c] ?? "")))));
  return table;
}

async function showRecall(params) {
  $("#recall-status").textContent = "asking both ledgers...";
  $("#recall-links").hidden = true;
  try {
    const found = await query(`/api/recall?${params}`);
    $("#recall").replaceChildren(...RECALL_PARTS.map(([part, title, columns]) =>
      recallTable(part, title, columns, found[part])));
    const t = found.totals;
    $("#recall-status").textContent = `in ${t.in}, out ${t.out}, now ${t.now}`;
    $("#recall-csv").href = `/api/recall.csv?${params}`;
    $("#recall-links").hidden = false;
  } catch (error) {
    $("#recall-status").textContent = String(error.message);
    $("#recall").replaceChildren();
  }
}

$("#recall-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const params = new URLSearchParams();
  for (const name of ["lot", "serial", "item"]) {
    const value = form.get(name).trim();
    if (value) params.set(name, value);
  }
  showRecall(params);
});

// --- consumer-group lag ---------------------------------------------------------------------------
const LAG_EVERY_MS = 10_000;

async function showLag() {
  try {
    const rows = await query("/api/lag");
    const head = el("tr", {}, ...["group", "topic", "partition", "committed", "end", "lag"].map((h) => el("th", {}, h)));
    const lines = rows.map((r) => el("tr", { "data-group": r.group, "data-topic": r.topic, "data-partition": r.partition },
      el("td", {}, r.group), el("td", {}, r.topic), el("td", {}, String(r.partition)),
      el("td", {}, r.committed === null ? "-" : String(r.committed)), el("td", {}, String(r.end)),
      el("td", r.lag ? { class: "lag behind" } : { class: "lag" }, String(r.lag))));
    $("#lag").replaceChildren(head, ...lines);
    const groups = new Set(rows.map((r) => r.group)).size;
    const behind = rows.reduce((sum, r) => sum + r.lag, 0);
    $("#lag-status").textContent = `${groups} group(s), ${behind} record(s) behind; updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $("#lag-status").textContent = String(error.message);
  }
}

// --- transfer orders (X1-X6) ----------------------------------------------------------------------
const TRANSFER_FIGURES = ["shipped", "received", "in_transit"];

async function showTransfers(location, inTransit) {
  const params = new URLSearchParams({ in_transit: inTransit ? "true" : "false" });
  if (location) params.set("location", location);
  try {
    const rows = await query(`/api/transfers?${params}`);
    const head = el("tr", {}, ...["transfer", "from", "in transit", "to", ...TRANSFER_FIGURES].map((h) =>
      el("th", {}, h.replace("_", " "))));
    const lines = rows.map((r) => {
      const link = el("a", { href: "#", "data-transfer": r.transfer_no }, r.transfer_no);
      link.addEventListener("click", (e) => { e.preventDefault(); showTransferTracking(r.transfer_no); });
      return el("tr", { "data-transfer": r.transfer_no }, el("td", {}, link), el("td", {}, r.from_location),
        el("td", {}, r.in_transit_location), el("td", {}, r.to_location),
        ...TRANSFER_FIGURES.map((f) => el("td", { class: f }, r[f])));
    });
    $("#transfers").replaceChildren(head, ...lines);
    $("#transfers-status").textContent = `${rows.length} transfer order(s)`;
  } catch (error) {
    $("#transfers-status").textContent = String(error.message);
  }
}

async function showTransferTracking(transferNo) {
  try {
    const order = await query(`/api/transfers/${encodeURIComponent(transferNo)}`);
    const head = el("tr", {}, ...["line", "item", "serial", "lot", "expiration", ...TRANSFER_FIGURES].map((h) =>
      el("th", {}, h.replace("_", " "))));
    const lines = order.tracking.map((r) => el("tr", { "data-serial": r.serial, "data-lot": r.lot },
      el("td", {}, String(r.line_no)), el("td", {}, r.item_no), el("td", {}, r.serial), el("td", {}, r.lot),
      el("td", {}, r.expiration || ""), ...TRANSFER_FIGURES.map((f) => el("td", { class: f }, r[f]))));
    $("#transfer-tracking").replaceChildren(el("caption", {}, `${order.transfer_no}: what its receipt expects`),
      head, ...lines);
  } catch (error) {
    $("#transfers-status").textContent = String(error.message);
  }
}

$("#transfers-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  showTransfers(form.get("location").trim(), form.get("in_transit") === "on");
});

// --- deep links: /?item=…&serial=… (or &lot=…, &location=…) ----------------------------------------
function openLink(params) {
  const item = (params.get("item") || "").trim();
  if (item) {
    $("#events-filter [name=item]").value = item;
    $("#availability-form [name=item]").value = item;
    $("#availability-form [name=location]").value = params.get("location") || "";
    showAvailability(item, (params.get("location") || "").trim());
  }
  if (params.get("serial") || params.get("lot")) {
    for (const name of ["serial", "lot", "item"]) $(`#trace-form [name=${name}]`).value = params.get(name) || "";
    showTrace(new URLSearchParams([...params].filter(([name, value]) => ["serial", "lot", "item"].includes(name) && value)));
  }
  listen(item);
}

openLink(new URLSearchParams(location.search));
showLag();
setInterval(showLag, LAG_EVERY_MS);
