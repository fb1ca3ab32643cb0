// The approvals inbox: every pending call across runs, with its arguments and where each came
// from; approve, edit (checked against the tool's schema as it is typed) or reject, one call at
// a time or a whole wave (the calls one pause presents together). A wave is resumed once each
// of its calls has a decision, as the API takes them together.
import { useEffect, useMemo, useState } from "preact/hooks";
import { html } from "./html.js";
import { agentOf, valueText } from "./format.js";
import { allThreads, api } from "./api.js";
import { Arguments, ErrorNote } from "./parts.js";
import { parseTyped, shownTyped, validate } from "./schema.js";

let toolsOnce = null;
export function loadTools() {
  if (!toolsOnce) {
    toolsOnce = api.tools().then(
      (list) => Object.fromEntries(list.map((tool) => [tool.name, tool])),
      (failure) => {
        toolsOnce = null;
        throw failure;
      },
    );
  }
  return toolsOnce;
}

function Editor({ approval, schema, onSave, onCancel }) {
  const properties = (schema && schema.properties) || {};
  const names = [...new Set([...Object.keys(approval.args || {}), ...Object.keys(properties)])];
  const [texts, setTexts] = useState(() =>
    Object.fromEntries(names.map((name) => [name, name in (approval.args || {}) ? shownTyped(approval.args[name]) : ""])));
  const [reason, setReason] = useState("");
  const args = useMemo(() => {
    const found = {};
    for (const name of names) {
      const text = texts[name];
      if (text === "" && !(name in (approval.args || {}))) continue;
      found[name] = parseTyped(text, properties[name] || {}, schema || {});
    }
    return found;
  }, [texts]);
  const problems = schema ? validate(args, schema) : [];
  const changed = Object.fromEntries(Object.entries(args).filter(([name, value]) =>
    JSON.stringify(value) !== JSON.stringify((approval.args || {})[name])));
  const prefix = `edit-${approval.id}`;
  const fieldProblems = (name) => problems.filter((p) => p.startsWith(`${name}:`) || p.startsWith(`${name}.`) || p.startsWith(`${name}[`));
  const save = (event) => {
    event.preventDefault();
    if (!problems.length && Object.keys(changed).length) onSave({ action: "edit", args: changed, reason });
  };
  return html`<form class="editor" onSubmit=${save} aria-label=${`Edit the arguments of ${approval.id}`}>
    ${!schema && html`<p class="hint">The server lists no schema for ${approval.tool}; it checks the edit on submit.</p>`}
    ${names.map((name) => {
      const mine = fieldProblems(name);
      const described = properties[name] && properties[name].description;
      return html`<div class=${mine.length ? "field invalid" : "field"}>
        <label for=${`${prefix}-${name}`}>${name}</label>
        <input id=${`${prefix}-${name}`} name=${name} value=${texts[name]} aria-invalid=${mine.length ? "true" : "false"}
          aria-describedby=${`${prefix}-${name}-help`}
          onInput=${(e) => setTexts({ ...texts, [name]: e.target.value })} />
        <span id=${`${prefix}-${name}-help`} class=${mine.length ? "problem" : "hint"}>${mine.length ? mine.join("; ") : described || ""}</span>
      </div>`;
    })}
    <div class="field">
      <label for=${`${prefix}-reason`}>Reason (optional)</label>
      <input id=${`${prefix}-reason`} value=${reason} maxlength="500" onInput=${(e) => setReason(e.target.value)} />
    </div>
    <div class="problems" aria-live="polite">
      ${problems.length ? html`<ul>${problems.map((p) => html`<li>${p}</li>`)}</ul>` :
        Object.keys(changed).length ? html`<p class="ok">Valid: ${Object.keys(changed).join(", ")} changed. The server re-checks the call on submit.</p>` :
        html`<p class="hint">Change an argument to edit the call.</p>`}
    </div>
    <button type="submit" disabled=${problems.length > 0 || !Object.keys(changed).length}>Run with these arguments</button>
    <button type="button" class="quiet" onClick=${onCancel}>Cancel edit</button>
  </form>`;
}

function decisionText(decision) {
  if (!decision) return "";
  if (decision.action === "edit") return `edit: ${valueText(decision.args)}`;
  return decision.action === "approve" ? "approve" : `reject${decision.reason ? `: ${decision.reason}` : ""}`;
}

function Call({ approval, tool, decision, onDecide }) {
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState("");
  const id = `call-${approval.id}`;
  return html`<article class="call" data-call=${approval.id} aria-labelledby=${id}>
    <h4 id=${id}><span class="step-id">${approval.id}</span> ${approval.tool}
      ${tool && html`<span class="hint"> — ${tool.description}</span>`}</h4>
    ${(approval.reasons || []).length > 0 && html`<ul class="reasons">${approval.reasons.map((r) => html`<li>${r}</li>`)}</ul>`}
    <${Arguments} args=${approval.args} provenance=${approval.provenance} />
    ${decision ? html`<p class="decided">Decision: ${decisionText(decision)}
        <button type="button" class="quiet" onClick=${() => onDecide(null)}>Undo</button></p>` :
      editing ? html`<${Editor} approval=${approval} schema=${tool && tool.parameters}
        onSave=${(d) => { setEditing(false); onDecide(d); }} onCancel=${() => setEditing(false)} />` :
      html`<div class="actions">
        <button type="button" onClick=${() => onDecide({ action: "approve" })}>Approve</button>
        <button type="button" onClick=${() => setEditing(true)}>Edit</button>
        <label class="inline" for=${`${id}-reason`}>Reason</label>
        <input id=${`${id}-reason`} class="reason" value=${reason} maxlength="500" placeholder="optional"
          onInput=${(e) => setReason(e.target.value)} />
        <button type="button" class="danger" onClick=${() => onDecide({ action: "reject", reason })}>Reject</button>
      </div>`}
  </article>`;
}

// One paused run's pending calls, decided together.
export function Wave({ run, thread, tools, onResumed }) {
  const [decisions, setDecisions] = useState({});
  const [error, setError] = useState(null);
  const [sending, setSending] = useState(false);
  const ids = run.approvals.map((a) => String(a.id));

  const submit = async (all) => {
    setSending(true);
    setError(null);
    try {
      const answer = {};
      for (const id of ids) {
        const d = all[id];
        answer[id] = d.action === "approve" ? "approve" : d;
      }
      const resumed = await api.resume(run.thread_id, answer);
      onResumed(resumed);
    } catch (failure) {
      setError(failure);
      setSending(false);
    }
  };
  const decide = (id, decision) => {
    const next = { ...decisions };
    if (decision) next[id] = decision;
    else delete next[id];
    setDecisions(next);
    if (ids.every((key) => next[key])) submit(next);
  };
  const everyone = (decision) => {
    const next = Object.fromEntries(ids.map((id) => [id, decision]));
    setDecisions(next);
    submit(next);
  };
  const request = thread && thread.metadata && thread.metadata.request;
  return html`<section class="wave" data-thread=${run.thread_id} aria-label=${`Pending calls of thread ${run.thread_id}`}>
    <header>
      <h3><a href=${`#/thread/${encodeURIComponent(run.thread_id)}`}>${run.thread_id}</a>
        <span class="hint"> ${agentOf(run)}${request ? ` — ${request}` : ""}</span></h3>
      <p class="hint">${ids.length} call${ids.length === 1 ? "" : "s"} waiting; the run resumes once each has a decision.</p>
      ${ids.length > 1 && html`<div class="actions">
        <button type="button" disabled=${sending} onClick=${() => everyone({ action: "approve" })}>Approve all ${ids.length}</button>
        <button type="button" class="danger" disabled=${sending} onClick=${() => everyone({ action: "reject", reason: "rejected with its wave" })}>Reject all</button>
      </div>`}
    </header>
    ${run.approvals.map((approval) => html`<${Call} key=${approval.id} approval=${approval}
      tool=${tools && tools[approval.tool]} decision=${decisions[approval.id]}
      onDecide=${(d) => decide(String(approval.id), d)} />`)}
    ${sending && !error && html`<p class="hint">Sending the decisions…</p>`}
    <${ErrorNote} error=${error} />
  </section>`;
}

export function InboxPage() {
  const [waves, setWaves] = useState(null);
  const [tools, setTools] = useState(null);
  const [error, setError] = useState(null);
  const [resumed, setResumed] = useState([]);

  const load = async () => {
    try {
      const threads = await allThreads({ status: "paused" });
      const runs = await Promise.all(threads.filter((t) => t.run_id).map(async (t) => ({
        thread: t,
        run: await api.run(t.thread_id, t.run_id),
      })));
      setWaves(runs.filter(({ run }) => run.status === "paused" && run.approvals.length));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => {
    loadTools().then(setTools, setError);
    load();
  }, []);
  const done = (threadId, run) => {
    setResumed([...resumed, { threadId, run }]);
    setWaves(waves.filter((w) => w.thread.thread_id !== threadId));
  };
  return html`<div class="page">
    <div class="bar">
      <h2>Approvals</h2>
      <button type="button" class="quiet" onClick=${load}>Refresh</button>
    </div>
    <${ErrorNote} error=${error} />
    ${resumed.length > 0 && html`<ul class="resumed" aria-live="polite">${resumed.map(({ threadId }) => html`<li>
      Resumed ${threadId}: <a href=${`#/thread/${encodeURIComponent(threadId)}`}>watch the run</a></li>`)}</ul>`}
    ${waves === null ? html`<p>Loading…</p>` : waves.length === 0 ? html`<p class="empty">No call is waiting for a decision.</p>` :
      waves.map(({ thread, run }) => html`<${Wave} key=${run.run_id} run=${run} thread=${thread} tools=${tools}
        onResumed=${(r) => done(thread.thread_id, r)} />`)}
  </div>`;
}
