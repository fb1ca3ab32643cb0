// A trace file read in the browser (nothing is uploaded): its records on a timeline, with a
// lane per tool call that ran (so parallel calls sit side by side), one for the model calls,
// and one for verdicts, approvals and decisions. "Replay" sends the file to the server
// (POST /traces/replay), which replays it against the served agent it names with no model and
// no backend; a replay that diverges shows the diff at its first divergence.
import { useState } from "preact/hooks";
import { html } from "./html.js";
import { seconds, valueText } from "./format.js";
import { api } from "./api.js";
import { ErrorNote } from "./parts.js";

function parseTrace(text) {
  const records = [];
  const problems = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const record = JSON.parse(line);
      if (record && typeof record === "object" && typeof record.type === "string") records.push(record);
      else problems.push(`line ${i + 1}: not a trace record`);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
    }
  });
  if (!records.length || records[0].type !== "header") {
    problems.unshift("this is not a plangate trace: its first line should be the header record");
  }
  return { records, problems };
}

// Bars (calls with a start and an end) and marks (instants), by lane.
export function timeline(records) {
  const lanes = new Map();
  const lane = (name, kind) => {
    if (!lanes.has(name)) lanes.set(name, { name, kind, items: [] });
    return lanes.get(name);
  };
  const open = new Map();
  let end = 0;
  for (const record of records) {
    const at = Number(record.at) || 0;
    end = Math.max(end, at);
    if (record.type === "tool_call") {
      const bar = { start: at, end: at, label: record.tool, detail: valueText(record.args, 160), kind: "tool" };
      open.set(`tool:${record.call}`, bar);
      lane(record.step_id ? `${record.step_id} · ${record.tool}` : `call ${record.call} · ${record.tool}`, "tool").items.push(bar);
    } else if (record.type === "tool_result") {
      const bar = open.get(`tool:${record.call}`);
      if (bar) {
        bar.end = at;
        bar.failed = Boolean(record.error);
        bar.detail += record.error ? ` → ${valueText(record.error, 160)}` : ` → ${valueText(record.result, 160)}`;
      }
    } else if (record.type === "model_request") {
      const bar = { start: at, end: at, label: `model call ${record.call}`, detail: "", kind: "model" };
      open.set(`model:${record.call}`, bar);
      lane("model", "model").items.push(bar);
    } else if (record.type === "model_response") {
      const bar = open.get(`model:${record.call}`);
      if (bar) {
        bar.end = at;
        bar.failed = Boolean(record.error);
        bar.detail = record.error ? valueText(record.error, 160) : valueText(record.response, 160);
      }
    } else if (record.type === "event") {
      const event = record.event || {};
      if (event.kind === "verdict") {
        const v = event.verdict || {};
        lane("verdicts", "mark").items.push({ start: at, kind: "verdict", label: `${v.guardrail} ${v.action}`,
          detail: `${v.step_id ? `${v.step_id}: ` : ""}${v.reason || ""}` });
      } else if (event.kind === "approval_requested") {
        lane("approvals", "mark").items.push({ start: at, kind: "approval", label: "approval requested",
          detail: (event.approvals || []).map((a) => `${a.id} ${a.tool}`).join(", ") });
      } else if (event.kind === "plan_ready" || event.kind === "replanning" || event.kind === "final" || event.kind === "run_failed") {
        lane("run", "mark").items.push({ start: at, kind: event.kind, label: event.kind.replace("_", " "),
          detail: event.kind === "plan_ready" ? ((event.plan && event.plan.steps) || []).map((s) => s.id).join(", ") : valueText(event.message || event.failed || "", 160) });
      }
    } else if (record.type === "decisions") {
      lane("approvals", "mark").items.push({ start: at, kind: "decision", label: "decisions", detail: valueText(record.decisions, 160) });
    } else if (record.type === "outcome") {
      lane("run", "mark").items.push({ start: at, kind: "outcome", label: `outcome: ${(record.outcome || {}).status}`, detail: "" });
    }
  }
  const order = { run: 0, model: 1, tool: 2, mark: 3 };
  const sorted = [...lanes.values()].sort((a, b) => (order[a.name === "run" ? "run" : a.kind] ?? 9) - (order[b.name === "run" ? "run" : b.kind] ?? 9));
  return { lanes: sorted, end: end || 1 };
}

function Lane({ lane, end }) {
  const at = (t) => `${Math.min(100, (t / end) * 100)}%`;
  return html`<div class="lane" role="listitem" data-lane=${lane.kind}>
    <div class="lane-name">${lane.name}</div>
    <div class="track">${lane.items.map((item) => item.end === undefined
      ? html`<span class=${`mark ${item.kind}`} style=${{ left: at(item.start) }} tabindex="0"
          title=${`${item.label} at ${seconds(item.start)}: ${item.detail}`}
          aria-label=${`${item.label} at ${seconds(item.start)}: ${item.detail}`}></span>`
      : html`<span class=${`call-bar ${item.kind}${item.failed ? " failed" : ""}`} tabindex="0"
          style=${{ left: at(item.start), width: `max(4px, ${((item.end - item.start) / end) * 100}%)` }}
          title=${`${item.label}: ${seconds(item.end - item.start)} ${item.detail}`}
          aria-label=${`${item.label} from ${seconds(item.start)} for ${seconds(item.end - item.start)}`}>${item.label}</span>`)}
    </div>
  </div>`;
}

function diffClass(line) {
  if (line.startsWith("---") || line.startsWith("+++")) return "head";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("-")) return "del";
  if (line.startsWith("+")) return "add";
  return "same";
}

function Replay({ text, agent }) {
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      setAnswer(await api.replay(text));
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  return html`<section class="replay" aria-labelledby="replay-title">
    <h4 id="replay-title">Replay</h4>
    <p class="hint">Sends this file to the server, which replays it against its agent
      ${agent ? html` <strong>${agent}</strong>` : ""} with no model and no backend.</p>
    <button type="button" onClick=${run} disabled=${busy}>${busy ? "Replaying…" : "Replay against the served agent"}</button>
    <${ErrorNote} error=${error} />
    ${answer && answer.ok && html`<p class="replay-result ok" role="status">✓ ${answer.summary}</p>`}
    ${answer && !answer.ok && html`<div class="replay-result failed" role="alert">
      <p>${`✗ The replay diverged after ${answer.runs} run(s), ${answer.model_calls} model call(s), ${answer.tool_calls} tool call(s): ${answer.message}`}</p>
      ${answer.diff && html`<pre class="diff" aria-label="diff at the first divergence">${answer.diff
        .split("\n")
        .map((line) => html`<span class=${diffClass(line)}>${line || " "}</span>`)}</pre>`}
    </div>`}
  </section>`;
}

export function TracesPage() {
  const [trace, setTrace] = useState(null);
  const [text, setText] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState(null);
  const open = async (event) => {
    const file = event.target.files && event.target.files[0];
    if (!file) return;
    setError(null);
    try {
      setName(file.name);
      const read = await file.text();
      setText(read);
      setTrace(parseTrace(read));
    } catch (failure) {
      setError(failure);
    }
  };
  const header = trace && trace.records[0] && trace.records[0].type === "header" ? trace.records[0] : null;
  const runs = trace ? trace.records.filter((r) => r.type === "run") : [];
  const drawn = trace ? timeline(trace.records) : null;
  return html`<div class="page traces">
    <h2>Traces</h2>
    <label for="trace-file">Open a trace file (JSONL, as <code>plangate run --trace</code> writes it; it is read here, and sent only to replay it)</label>
    <input id="trace-file" type="file" accept=".jsonl,.json,application/jsonl,text/plain" onChange=${open} />
    ${error && html`<p class="error" role="alert">${String(error.message || error)}</p>`}
    ${trace && html`<section class="trace" aria-label=${`Trace ${name}`}>
      <h3>${name}</h3>
      ${trace.problems.length > 0 && html`<ul class="problems" role="alert">${trace.problems.map((p) => html`<li>${p}</li>`)}</ul>`}
      ${header && html`<dl class="facts">
        <dt>Agent</dt><dd>${header.agent || "—"}</dd>
        <dt>Strategy</dt><dd>${header.strategy || "—"}</dd>
        <dt>Model</dt><dd>${header.model || "offline"}</dd>
        <dt>Requests</dt><dd>${runs.map((r) => r.request).join(" · ") || "—"}</dd>
        <dt>Length</dt><dd>${seconds(drawn.end)} · ${trace.records.length} records</dd>
      </dl>`}
      ${header && trace.problems.length === 0 && html`<${Replay} key=${name + text.length} text=${text} agent=${header.agent} />`}
      <div class="timeline" role="list" aria-label="timeline">
        <div class="lane axis" aria-hidden="true"><div class="lane-name"></div>
          <div class="track"><span>0</span><span>${seconds(drawn.end / 2)}</span><span>${seconds(drawn.end)}</span></div></div>
        ${drawn.lanes.map((lane) => html`<${Lane} key=${lane.name} lane=${lane} end=${drawn.end} />`)}
      </div>
      <details>
        <summary>All ${trace.records.length} records</summary>
        <ol class="records">${trace.records.map((r) => html`<li><span class="mono">${seconds(Number(r.at) || 0)}</span> ${r.type}
          ${r.type === "event" ? ` ${(r.event || {}).kind}` : ""} ${r.step_id ? ` ${r.step_id}` : ""} ${r.tool ? ` ${r.tool}` : ""}</li>`)}</ol>
      </details>
    </section>`}
  </div>`;
}
