/**
 * The `--ui` page: one HTML document with its style and script inline (nothing from a CDN). The script polls
 * `/status.json` twice a second and redraws: the run's state, the graph (`/graph.svg`, whose edge labels carry
 * their PCollection id in `data-pcollection`) with element counts on its edges, one row per stage, throughput over
 * time, metrics, and the error of a failed run. Values go in with `textContent`, never as HTML.
 * @module
 */

/** The page's HTML. */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sluice run</title>
<style>
  body { font: 13px/1.4 Helvetica, Arial, sans-serif; margin: 0; color: #222; }
  header { background: #24292f; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  #state { padding: 2px 8px; border-radius: 10px; background: #888; }
  #state.running { background: #1f6feb; } #state.succeeded { background: #2da44e; } #state.failed { background: #cf222e; }
  main { display: grid; grid-template-columns: minmax(300px, 1fr) minmax(420px, 1.4fr); gap: 16px; padding: 16px; }
  section { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; overflow: auto; }
  h2 { font-size: 13px; margin: 4px 0 8px; text-transform: uppercase; color: #57606a; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid #eaeef2; white-space: nowrap; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  #error { display: none; background: #ffebe9; border-color: #cf222e; white-space: pre-wrap; }
  #graph svg { max-width: 100%; height: auto; }
  #graph text.count { fill: #1f6feb; font-weight: bold; }
</style>
</head>
<body>
<header><h1 id="name">Sluice</h1><span id="runner"></span><span id="state">connecting</span><span id="elapsed"></span></header>
<main>
  <section id="graph-box"><h2>Graph</h2><div id="graph"></div></section>
  <div>
    <section id="error"><h2>Error</h2><div id="error-text"></div></section>
    <section><h2>Stages</h2>
      <table><thead><tr><th>stage</th><th>steps</th><th>in</th><th>out</th><th>rate in/s</th><th>bundles</th><th>running</th><th>watermark</th><th>lag</th></tr></thead><tbody id="stages"></tbody></table>
    </section>
    <section><h2>Throughput (elements in per second)</h2><svg id="throughput" width="100%" height="90" viewBox="0 0 300 90" preserveAspectRatio="none"></svg><div id="throughput-now"></div></section>
    <section><h2>Metrics</h2>
      <table><thead><tr><th>step</th><th>metric</th><th>value</th></tr></thead><tbody id="metrics"></tbody></table>
    </section>
  </div>
</main>
<script>
"use strict";
const MIN = -9007199254740991, MAX = 9007199254740991;
const $ = (id) => document.getElementById(id);
const fmt = (n) => Number(n).toLocaleString("en");
const watermark = (w) => w >= MAX ? "done" : w <= MIN ? "" : new Date(w).toISOString();
function cell(tr, text, numeric) { const td = document.createElement("td"); td.textContent = text; if (numeric) td.className = "n"; tr.appendChild(td); }
let previous;
let graphLoaded = false;
async function loadGraph() {
  const res = await fetch("graph.svg");
  $("graph").innerHTML = await res.text(); // our own SVG: names in it are escaped by the server
  graphLoaded = true;
}
function drawEdges(elements) {
  for (const label of document.querySelectorAll("#graph text[data-pcollection]")) {
    const n = elements[label.getAttribute("data-pcollection")];
    let count = label.nextElementSibling;
    if (!count || !count.classList.contains("count")) {
      count = document.createElementNS("http://www.w3.org/2000/svg", "text");
      count.setAttribute("class", "count");
      count.setAttribute("x", label.getAttribute("x"));
      count.setAttribute("y", String(Number(label.getAttribute("y")) + 12));
      count.setAttribute("text-anchor", "middle");
      count.setAttribute("font-size", "10");
      label.after(count);
    }
    count.textContent = n === undefined ? "" : fmt(n);
  }
}
function drawStages(s) {
  const body = $("stages");
  body.textContent = "";
  const seconds = previous ? (s.now - previous.now) / 1000 : 0;
  s.stages.forEach((st, i) => {
    const tr = document.createElement("tr");
    const before = previous && previous.stages[i];
    cell(tr, st.stage);
    cell(tr, st.steps[0] + (st.steps.length > 1 ? " (+" + (st.steps.length - 1) + ")" : ""));
    cell(tr, fmt(st.elementsIn), true);
    cell(tr, fmt(st.elementsOut), true);
    cell(tr, before && seconds > 0 ? fmt(Math.round((st.elementsIn - before.elementsIn) / seconds)) : "", true);
    cell(tr, fmt(st.bundles), true);
    cell(tr, fmt(st.running), true);
    cell(tr, watermark(st.outputWatermark));
    const lag = st.outputWatermark > MIN && st.outputWatermark < MAX && s.now >= st.outputWatermark ? ((s.now - st.outputWatermark) / 1000).toFixed(1) + " s" : "";
    cell(tr, lag, true);
    body.appendChild(tr);
  });
}
function drawThroughput(history) {
  const svg = $("throughput");
  const rates = [];
  for (let i = 1; i < history.length; i++) rates.push(Math.max(0, (history[i].elementsIn - history[i - 1].elementsIn) / ((history[i].at - history[i - 1].at) / 1000)));
  const top = Math.max(1, ...rates);
  const points = rates.map((r, i) => (rates.length === 1 ? 300 : (i * 300) / (rates.length - 1)).toFixed(1) + "," + (88 - (r / top) * 84).toFixed(1));
  svg.innerHTML = '<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="' + points.join(" ") + '"/>';
  $("throughput-now").textContent = rates.length ? "now " + fmt(Math.round(rates[rates.length - 1])) + "/s, peak " + fmt(Math.round(top)) + "/s" : "";
}
function drawMetrics(m) {
  const body = $("metrics");
  body.textContent = "";
  const row = (step, name, value) => { const tr = document.createElement("tr"); cell(tr, step); cell(tr, name); cell(tr, value, true); body.appendChild(tr); };
  for (const c of m.counters) row(c.step, c.name, fmt(c.value));
  for (const g of m.gauges) row(g.step, g.name, fmt(g.value));
  for (const d of m.distributions) row(d.step, d.name, "n " + fmt(d.value.count) + ", mean " + fmt(d.value.mean) + ", min " + fmt(d.value.min) + ", max " + fmt(d.value.max));
}
async function poll() {
  let s;
  try {
    s = await (await fetch("status.json", { cache: "no-store" })).json();
  } catch {
    $("state").textContent = previous ? previous.state + " (page server gone)" : "no connection";
    return;
  }
  document.title = s.name + ": " + s.state;
  $("name").textContent = s.name;
  $("runner").textContent = "runner " + s.runner + (s.retries ? ", " + s.retries + " retries" : "");
  $("state").textContent = s.state;
  $("state").className = s.state;
  $("elapsed").textContent = ((s.now - s.startedAt) / 1000).toFixed(1) + " s";
  if (!graphLoaded) await loadGraph().catch(() => {});
  drawEdges(s.elements);
  drawStages(s);
  drawThroughput(s.history);
  drawMetrics(s.metrics);
  $("error").style.display = s.error ? "block" : "none";
  $("error-text").textContent = s.error || "";
  previous = s;
  if (s.state === "running") setTimeout(poll, 500);
}
poll();
</script>
</body>
</html>
`;
