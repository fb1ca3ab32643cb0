// The runs page: every thread with its agent, request, status, duration, model calls, tokens
// and cost (its latest run's usage: the engine counts a thread's across its resumes); filters
// by status and agent; a form that starts a run of any served agent.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { agentOf, between, costText, countText, seconds, when } from "./format.js";
import { allThreads, api } from "./api.js";
import { ErrorNote, Status } from "./parts.js";

const THREAD_STATUSES = ["idle", "busy", "paused", "done", "blocked", "failed", "interrupted"];

function StartForm({ agents }) {
  const [agent, setAgent] = useState("");
  const [request, setRequest] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const chosen = agent || (agents[0] && agents[0].agent_id) || "";
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const thread = await api.createThread({ request, agent_id: chosen, source: "console" });
      await api.start(thread.thread_id, chosen, request);
      location.hash = `#/thread/${encodeURIComponent(thread.thread_id)}`;
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  const examples = (agents.find((a) => a.agent_id === chosen) || {}).description || "";
  return html`<form class="start" onSubmit=${submit} aria-labelledby="start-title">
    <h2 id="start-title">Start a run</h2>
    <div class="row">
      <label for="start-agent">Agent</label>
      <select id="start-agent" value=${chosen} onChange=${(e) => setAgent(e.target.value)}>
        ${agents.map((a) => html`<option value=${a.agent_id}>${a.name || a.agent_id}</option>`)}
      </select>
      <span class="hint">${examples}</span>
    </div>
    <label for="start-request">Request</label>
    <textarea id="start-request" rows="2" required maxlength="4000" value=${request}
      placeholder="e.g. book a table for 2 in Lisbon tomorrow at 8pm"
      onInput=${(e) => setRequest(e.target.value)}></textarea>
    <button type="submit" disabled=${busy || !chosen || !request.trim()}>Start run</button>
    <${ErrorNote} error=${error} />
  </form>`;
}

function UsageCells({ run }) {
  const usage = run && run.usage;
  return html`<td data-label="Model calls" class="num">${countText(usage && usage.model_calls)}</td>
    <td data-label="Tokens" class="num">${countText(usage && usage.tokens)}</td>
    <td data-label="Cost" class="num">${costText(usage && usage.cost)}</td>`;
}

function duration(thread, now) {
  if (!thread.created_at) return null;
  const active = thread.status === "busy";
  return between(thread.created_at, active ? new Date(now).toISOString() : thread.updated_at);
}

// The latest run of each thread shown, read once it ended (an ended run no longer changes).
const ENDED_RUNS = new Map();

async function latestRuns(threads) {
  const found = {};
  await Promise.all(
    threads
      .filter((t) => t.run_id)
      .map(async (t) => {
        let run = ENDED_RUNS.get(t.run_id);
        if (!run) {
          run = await api.run(t.thread_id, t.run_id);
          if (run.status !== "pending" && run.status !== "running") ENDED_RUNS.set(t.run_id, run);
        }
        found[t.thread_id] = run;
      }),
  );
  return found;
}

export function RunsPage() {
  const [agents, setAgents] = useState([]);
  const [threads, setThreads] = useState(null);
  const [runs, setRuns] = useState({});
  const [status, setStatus] = useState("");
  const [agent, setAgent] = useState("");
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api.agents().then(setAgents, setError);
  }, []);
  useEffect(() => {
    let live = true;
    const filter = {};
    if (status) filter.status = status;
    if (agent) filter.agent_id = agent;
    allThreads(filter)
      .then(async (found) => {
        if (!live) return;
        setThreads(found.reverse());
        setError(null);
        const latest = await latestRuns(found.slice(0, 200));
        if (live) setRuns(latest);
      })
      .catch((failure) => live && setError(failure));
    return () => {
      live = false;
    };
  }, [status, agent, tick]);
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === "visible" && setTick((t) => t + 1), 4000);
    return () => clearInterval(timer);
  }, []);

  const now = Date.now();
  return html`<div class="page">
    <${StartForm} agents=${agents} />
    <section aria-labelledby="threads-title">
      <div class="bar">
        <h2 id="threads-title">Threads</h2>
        <label for="filter-status">Status</label>
        <select id="filter-status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
          <option value="">any</option>
          ${THREAD_STATUSES.map((s) => html`<option value=${s}>${s === "paused" ? "waiting for approval" : s}</option>`)}
        </select>
        <label for="filter-agent">Agent</label>
        <select id="filter-agent" value=${agent} onChange=${(e) => setAgent(e.target.value)}>
          <option value="">any</option>
          ${agents.map((a) => html`<option value=${a.agent_id}>${a.agent_id}</option>`)}
        </select>
        <button type="button" class="quiet" onClick=${() => setTick(tick + 1)}>Refresh</button>
      </div>
      <${ErrorNote} error=${error} />
      ${threads === null ? html`<p>Loading…</p>` : threads.length === 0 ? html`<p class="empty">No threads match.</p>` : html`
        <table class="threads">
          <thead><tr>
            <th scope="col">Thread</th><th scope="col">Agent</th><th scope="col">Request</th>
            <th scope="col">Status</th><th scope="col">Created</th><th scope="col">Duration</th>
            <th scope="col">Model calls</th><th scope="col">Tokens</th><th scope="col">Cost</th>
          </tr></thead>
          <tbody>${threads.map((t) => html`<tr>
            <td data-label="Thread"><a href=${`#/thread/${encodeURIComponent(t.thread_id)}`}>${t.thread_id}</a></td>
            <td data-label="Agent">${agentOf(t) || "—"}</td>
            <td data-label="Request" class="request">${(t.metadata && t.metadata.request) || "—"}</td>
            <td data-label="Status"><${Status} status=${t.status} /></td>
            <td data-label="Created">${when(t.created_at)}</td>
            <td data-label="Duration">${seconds(duration(t, now))}</td>
            <${UsageCells} run=${runs[t.thread_id]} />
          </tr>`)}</tbody>
        </table>`}
      <p class="hint">Model calls, tokens and cost are the thread's, up to its latest run's end.</p>
    </section>
  </div>`;
}
