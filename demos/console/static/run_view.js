// A live run: its plan as a graph laid out in waves (a step sits one wave after the last step it
// depends on), each step's status changing as the run's events stream in; the verdicts beside
// the step they concern; a re-plan drawn as a new version of the plan, saying what it kept.
// A thread's runs (its start, then each resume) come from GET /threads/{id}/runs: their events
// are folded in order, and each run is listed with its status, the calls it asked a person to
// decide, the decisions it ran with, and its usage.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { agentOf, between, costText, countText, seconds, valueText, when } from "./format.js";
import { api, runEvents } from "./api.js";
import { emptyRun, fold, waves } from "./run_state.js";
import { Answer, Arguments, ErrorNote, Status } from "./parts.js";
import { loadTools, Wave } from "./approvals.js";

function Verdict({ verdict }) {
  return html`<li class=${`verdict ${verdict.action}`}>
    <strong>${verdict.guardrail || "guardrail"}</strong> ${verdict.action}${verdict.stage ? ` (${verdict.stage})` : ""}:
    ${" "}${verdict.reason || ""}
  </li>`;
}

function Step({ step, kept }) {
  const args = step.resolved || step.args;
  const planned = step.resolved && JSON.stringify(step.resolved) !== JSON.stringify(step.args);
  return html`<article class=${`step ${step.status}`} data-step=${step.id} data-status=${step.status}
      aria-label=${`step ${step.id} ${step.tool}: ${step.status}`}>
    <header>
      <span class="step-id">${step.id}</span> <span class="tool">${step.tool}</span>
      <${Status} status=${step.status} />
    </header>
    ${step.after.length > 0 && html`<p class="after">after ${step.after.join(", ")}</p>`}
    ${step.condition && html`<p class="after">if ${valueText(step.condition)}</p>`}
    ${kept && html`<p class="kept">kept from the previous plan</p>`}
    <details>
      <summary>arguments${step.resolved ? " (references resolved)" : ""}</summary>
      <${Arguments} args=${args} provenance=${step.provenance} />
      ${planned && html`<p class="hint">as planned: ${valueText(step.args)}</p>`}
    </details>
    ${step.summary && html`<p class="result">${step.summary}</p>`}
    ${step.retry && html`<p class="warn">${step.retry}</p>`}
    <p class="meta">
      ${step.duration !== null && step.status !== "skipped" ? seconds(step.duration) : ""}
      ${step.attempts > 1 ? ` · ${step.attempts} attempts` : ""}${step.reused ? " · reused (ledger)" : ""}
      ${step.label && step.label.trusted === false ? " · result untrusted" : ""}
    </p>
    ${step.verdicts.length > 0 && html`<ul class="verdicts" aria-label="verdicts">${step.verdicts.map((v) => html`<${Verdict} verdict=${v} />`)}</ul>`}
  </article>`;
}

function PlanVersion({ version, latest }) {
  const columns = waves(version);
  const title = version.number === 1 ? "Plan" : `Plan v${version.number} (re-plan, attempt ${version.attempt})`;
  const body = html`<div class="waves" data-version=${version.number}>
    ${columns.map((steps, i) => html`<div class="wave-column" role="group" aria-label=${`wave ${i + 1}`}>
      <h4>Wave ${i + 1}</h4>
      ${steps.map((step) => html`<${Step} key=${step.id} step=${step} kept=${version.kept.includes(step.id)} />`)}
    </div>`)}
    ${columns.length === 0 && html`<p class="hint">No tool calls${version.note ? `: ${version.note}` : ""}.</p>`}
  </div>`;
  const kept = version.kept.length ? ` — kept ${version.kept.join(", ")}` : "";
  if (latest) return html`<section class="plan" aria-label=${title}><h3>${title}${kept}</h3>${body}</section>`;
  const ended = version.steps.filter((step) => step.status !== "done").map((step) => `${step.id} ${step.status}`);
  return html`<details class="plan old"><summary>${title}${kept}${ended.length ? ` (${ended.join(", ")})` : ""}</summary>${body}</details>`;
}

const PERSON = "human";

// What a resume ran with: per call its previous run asked about, what a person decided (a
// person's verdict in the resume's events: rejected, modified), else approved.
function decisionsOf(messages, asked) {
  const verdicts = {};
  for (const m of messages) {
    const v = m.event === "verdict" && m.data.verdict;
    if (v && v.guardrail === PERSON && v.step_id) {
      const word = { allow: "approved", reject: "rejected", block: "rejected", modify: "edited" };
      const why = v.action !== "allow" && v.reason ? ` (${v.reason})` : "";
      verdicts[v.step_id] = `${word[v.action] || v.action}${why}`;
    }
  }
  return asked.map((a) => `${a.id} ${verdicts[a.id] || "approved"}`);
}

function RunRow({ run, index, decided }) {
  const usage = run.usage || {};
  const asked = run.status === "paused" ? run.approvals.map((a) => `${a.id} (${a.tool})`) : [];
  return html`<tr data-run=${run.run_id}>
    <td data-label="Run">${index === 0 ? "start" : `resume ${index}`}</td>
    <td data-label="Status"><${Status} status=${run.status} /></td>
    <td data-label="Created">${when(run.created_at)}</td>
    <td data-label="Duration">${seconds(between(run.created_at, run.updated_at))}</td>
    <td data-label="Decisions">${[
      ...(decided.length ? [`decided: ${decided.join(", ")}`] : []),
      ...(asked.length ? [`asked: ${asked.join(", ")}`] : []),
    ].join("; ") || "—"}</td>
    <td data-label="Model calls" class="num">${countText(usage.model_calls)}</td>
    <td data-label="Tokens" class="num">${countText(usage.tokens)}</td>
    <td data-label="Cost" class="num">${costText(usage.cost)}</td>
  </tr>`;
}

function RunsOfThread({ runs, decisions }) {
  if (runs.length === 0) return null;
  return html`<section aria-labelledby="thread-runs-title">
    <h3 id="thread-runs-title">Runs of this thread</h3>
    <table class="threads runs">
      <thead><tr>
        <th scope="col">Run</th><th scope="col">Status</th><th scope="col">Created</th>
        <th scope="col">Duration</th><th scope="col">Decisions</th>
        <th scope="col">Model calls</th><th scope="col">Tokens</th><th scope="col">Cost</th>
      </tr></thead>
      <tbody>${runs.map((run, i) => html`<${RunRow} key=${run.run_id} run=${run} index=${i}
        decided=${i > 0 && runs[i - 1].status === "paused"
          ? decisionsOf(decisions[run.run_id] || [], runs[i - 1].approvals) : []} />`)}</tbody>
    </table>
    <p class="hint">Usage is the thread's up to each run's end: a resume carries on the counters of the runs before it.</p>
  </section>`;
}

export function RunPage({ threadId }) {
  const state = useRef(emptyRun());
  const [, setFolded] = useState(0);
  const [thread, setThread] = useState(null);
  const [run, setRun] = useState(null);
  const [runs, setRuns] = useState([]);
  const decisions = useRef({});
  const [tools, setTools] = useState(null);
  const [error, setError] = useState(null);
  const abort = useRef(null);

  const follow = async (runId) => {
    const seen = [];
    for await (const message of runEvents(threadId, runId, 0, abort.current.signal)) {
      if (message.event === "end") setRun(message.data);
      else {
        seen.push(message);
        fold(state.current, message);
        decisions.current[runId] = seen;
        setFolded((n) => n + 1);
      }
    }
  };
  const refreshRuns = () => api.runs(threadId).then(setRuns, setError);
  useEffect(() => {
    abort.current = new AbortController();
    state.current = emptyRun();
    decisions.current = {};
    (async () => {
      const found = await api.thread(threadId);
      setThread(found);
      if (!found.run_id) return;
      const listed = await api.runs(threadId);
      setRuns(listed);
      for (const earlier of listed) {
        await follow(earlier.run_id);
      }
      setThread(await api.thread(threadId));
      await refreshRuns();
    })().catch((failure) => abort.current.signal.aborted || setError(failure));
    loadTools().then(setTools, () => setTools({}));
    return () => abort.current.abort();
  }, [threadId]);

  const resumed = (next) => {
    setRun(next);
    refreshRuns();
    follow(next.run_id)
      .then(() => Promise.all([api.thread(threadId).then(setThread), refreshRuns()]))
      .catch(setError);
  };
  const cancel = async () => {
    try {
      setRun(await api.cancel(threadId, run.run_id));
    } catch (failure) {
      setError(failure);
    }
  };

  const s = state.current;
  const status = run ? run.status : thread ? thread.status : "pending";
  const active = run && (run.status === "pending" || run.status === "running");
  const request = s.request || (thread && thread.metadata && thread.metadata.request) || "";
  const took = run && run.created_at ? between(run.created_at, active ? new Date().toISOString() : run.updated_at) : null;
  const failure = (run && run.error) || (s.failure && { type: s.failure.error, message: s.failure.message });
  return html`<div class="page run">
    <p><a href="#/runs">← all runs</a></p>
    <h2>Thread <span class="mono">${threadId}</span></h2>
    <dl class="facts">
      <dt>Agent</dt><dd>${(run && agentOf(run)) || (thread && agentOf(thread)) || "—"}</dd>
      <dt>Request</dt><dd class="request">${request || "—"}</dd>
      <dt>Status</dt><dd><span class="run-status" data-status=${status}><${Status} status=${status} /></span></dd>
      <dt>Duration</dt><dd>${seconds(took)}${run && run.status === "paused" ? " (until the pause)" : ""}</dd>
      <dt>Model calls</dt><dd class="usage-calls">${countText(run && run.usage && run.usage.model_calls)}</dd>
      <dt>Tokens</dt><dd class="usage-tokens">${countText(run && run.usage && run.usage.tokens)}</dd>
      <dt>Cost</dt><dd class="usage-cost">${costText(run && run.usage && run.usage.cost)}</dd>
    </dl>
    ${active && html`<button type="button" class="danger" onClick=${cancel}>Cancel run</button>`}
    <${ErrorNote} error=${error} />
    ${thread && !thread.run_id && html`<p class="empty">This thread has no run yet.</p>`}
    ${[...s.versions].map((version, i) => html`<${PlanVersion} key=${version.number} version=${version}
      latest=${i === s.versions.length - 1} />`)}
    ${s.verdicts.length > 0 && html`<section><h3>Run verdicts</h3><ul class="verdicts">${s.verdicts.map((v) => html`<${Verdict} verdict=${v} />`)}</ul></section>`}
    ${s.notes.length > 0 && html`<ul class="notes">${s.notes.map((n) => html`<li class=${n.tone}>${n.text}</li>`)}</ul>`}
    ${run && run.status === "paused" && run.approvals.length > 0 && html`<${Wave} key=${run.run_id} run=${run}
      thread=${thread} tools=${tools} onResumed=${resumed} />`}
    <${Answer} response=${s.final || (run && run.response)} />
    ${failure && html`<p class="error" role="alert">${failure.type}: ${failure.message}</p>`}
    <${RunsOfThread} runs=${runs} decisions=${decisions.current} />
  </div>`;
}
