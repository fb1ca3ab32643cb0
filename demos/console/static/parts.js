// Pieces several pages share: an error line, a status badge, an answer table, the arguments
// of a call with where each came from.
import { html } from "./html.js";
import { argumentValues, scalarText, sourceText, valueText } from "./format.js";

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${String(error.message || error)}</p>`;
}

const BADGES = {
  busy: "running",
  pending: "running",
  running: "running",
  paused: "waiting",
  waiting: "waiting",
  done: "done",
  idle: "pending",
  failed: "failed",
  blocked: "refused",
  refused: "refused",
  interrupted: "failed",
  cancelled: "skipped",
  skipped: "skipped",
};

export function Status({ status }) {
  const shown = status === "paused" ? "waiting for approval" : status === "busy" ? "running" : status;
  return html`<span class=${`badge ${BADGES[status] || "pending"}`}>${shown}</span>`;
}

function Cell({ value }) {
  if (Array.isArray(value) && value.length && value.every((v) => v && typeof v === "object" && !Array.isArray(v))) {
    const keys = [...new Set(value.flatMap((item) => Object.keys(item)))].filter((k) =>
      value.some((item) => item[k] !== null && item[k] !== undefined));
    return html`<table class="inner"><thead><tr>${keys.map((k) => html`<th scope="col">${k}</th>`)}</tr></thead>
      <tbody>${value.map((item) => html`<tr>${keys.map((k) => html`<td>${scalarText(item[k])}</td>`)}</tr>`)}</tbody></table>`;
  }
  if (Array.isArray(value)) return html`<span>${value.map(scalarText).join(", ") || "—"}</span>`;
  return html`<span>${scalarText(value)}</span>`;
}

export function Answer({ response, title = "Answer" }) {
  if (!response) return null;
  return html`<section class="answer" aria-label=${title}>
    <h3>${title}</h3>
    <table class="fields"><tbody>
      ${Object.entries(response).map(([name, value]) => html`<tr><th scope="row">${name}</th><td><${Cell} value=${value} /></td></tr>`)}
    </tbody></table>
  </section>`;
}

// A call's arguments; with provenance, one row per argument leaf saying where it came from,
// the values taken from tool results marked untrusted.
export function Arguments({ args, provenance }) {
  const labels = provenance && Array.isArray(provenance.arguments) ? provenance.arguments : null;
  if (!labels) {
    return html`<table class="args"><tbody>${Object.entries(args || {}).map(([name, value]) =>
      html`<tr><th scope="row">${name}</th><td class="value">${valueText(value)}</td><td class="source">—</td></tr>`)}</tbody></table>`;
  }
  const values = argumentValues(args || {});
  return html`<table class="args">
    <thead><tr><th scope="col">argument</th><th scope="col">value</th><th scope="col">provenance</th></tr></thead>
    <tbody>${labels.map((label) => {
      const trusted = label.trusted !== false;
      const sources = (label.sources || []).map(sourceText).join(" + ") || "unknown";
      return html`<tr class=${trusted ? "" : "untrusted"}>
        <th scope="row">${label.path}</th>
        <td class="value">${valueText(values[label.path], 120)}</td>
        <td class="source">${sources}${trusted ? "" : html` <strong class="flag">untrusted</strong>`}</td>
      </tr>`;
    })}</tbody>
    ${provenance.trusted_control === false && html`<caption class="flag">planned after reading tool results (untrusted control)</caption>`}
  </table>`;
}
