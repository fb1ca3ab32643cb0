// A run's state folded from its typed events (plangate.graphs.engine.events): the plan's
// versions, each step's status, the verdicts beside the step they concern, the answer.

export const STATUSES = ["pending", "running", "waiting", "done", "failed", "skipped", "refused"];

export function emptyRun() {
  return {
    request: "",
    versions: [],
    verdicts: [],
    notes: [],
    final: null,
    failure: null,
    lastId: 0,
  };
}

function sameCall(a, b) {
  return a && b && a.tool === b.tool && JSON.stringify(a.args) === JSON.stringify(b.args);
}

// The steps a value's ${step.path} references read (a "$${" is an escaped, literal "${").
const REFERENCE = /(^|[^$])\$\{([a-z][a-z0-9_]{0,31})/g;

function referenced(value, found) {
  if (typeof value === "string") {
    for (const match of value.matchAll(REFERENCE)) found.push(match[2]);
  } else if (Array.isArray(value)) {
    value.forEach((item) => referenced(item, found));
  } else if (value && typeof value === "object") {
    Object.values(value).forEach((item) => referenced(item, found));
  }
  return found;
}

// What a step waits for, as the engine reads it: its depends_on, then the steps its arguments
// and condition reference.
export function dependencies(raw) {
  const found = [...(raw.depends_on || [])];
  referenced(raw.args || {}, found);
  referenced(raw.condition || "", found);
  return [...new Set(found)].filter((id) => id !== raw.id);
}

function newStep(raw) {
  return {
    id: raw.id,
    tool: raw.tool,
    args: raw.args || {},
    after: dependencies(raw),
    condition: raw.condition || null,
    description: raw.description || "",
    status: "pending",
    resolved: null,
    summary: "",
    duration: null,
    attempts: 0,
    reused: false,
    retry: "",
    verdicts: [],
    provenance: null,
    label: null,
  };
}

function current(state) {
  if (!state.versions.length) {
    state.versions.push({ number: 1, replan: false, attempt: 1, note: "", steps: [], kept: [] });
  }
  return state.versions[state.versions.length - 1];
}

// The step `id` of the latest plan version that has it (a step the plan never named is added
// to the latest version, so no event is lost).
export function stepOf(state, id, tool = "") {
  for (let i = state.versions.length - 1; i >= 0; i -= 1) {
    const found = state.versions[i].steps.find((step) => step.id === id);
    if (found) return found;
  }
  const step = newStep({ id, tool, args: {} });
  current(state).steps.push(step);
  return step;
}

function planReady(state, event) {
  const steps = (event.plan && event.plan.steps) || [];
  if (event.extends && state.versions.length) {
    const version = current(state);
    for (const raw of steps) {
      if (!version.steps.some((step) => step.id === raw.id)) version.steps.push(newStep(raw));
    }
    return;
  }
  const previous = state.versions.length ? current(state) : null;
  const version = {
    number: state.versions.length + 1,
    replan: Boolean(event.replan),
    attempt: event.attempt || 1,
    note: (event.plan && event.plan.note) || "",
    steps: [],
    kept: [],
  };
  for (const raw of steps) {
    const before = previous && previous.steps.find((step) => step.id === raw.id);
    if (before && sameCall(before, raw)) {
      version.steps.push({ ...before, verdicts: [...before.verdicts] });
      version.kept.push(raw.id);
    } else {
      version.steps.push(newStep(raw));
    }
  }
  state.versions.push(version);
}

function verdict(state, event) {
  const found = event.verdict || {};
  if (found.step_id) {
    const step = stepOf(state, found.step_id);
    step.verdicts.push(found);
    if (found.action === "block" || found.action === "reject") {
      step.status = "refused";
      step.summary = String(found.reason || "");
    }
  } else {
    state.verdicts.push(found);
  }
}

// Fold one SSE message ({id, event, data}) into `state`; returns `state`.
export function fold(state, message) {
  const event = message.data || {};
  if (message.id) state.lastId = Math.max(state.lastId, message.id);
  switch (message.event) {
    case "run_started":
      if (!state.request) state.request = event.request || "";
      if (event.resumed) state.notes.push({ tone: "info", text: "resumed with the decisions" });
      break;
    case "plan_ready":
      planReady(state, event);
      break;
    case "plan_rejected":
      state.notes.push({
        tone: "warn",
        text: `plan rejected (attempt ${event.attempt}): ${(event.issues || []).join("; ")}`,
      });
      break;
    case "step_started": {
      const step = stepOf(state, event.step_id, event.tool);
      step.status = "running";
      step.resolved = event.args;
      break;
    }
    case "step_retrying": {
      const step = stepOf(state, event.step_id, event.tool);
      step.retry = `${event.service || event.tool} ${event.reason}, retrying (${event.attempt}/${event.max_attempts})`;
      break;
    }
    case "step_finished": {
      const step = stepOf(state, event.step_id, event.tool);
      step.status = event.status === "rejected" ? "refused" : event.status;
      step.summary = event.summary || "";
      step.duration = event.duration;
      step.attempts = event.attempts;
      step.reused = Boolean(event.reused);
      step.provenance = event.provenance || step.provenance;
      step.label = event.label || null;
      step.retry = "";
      break;
    }
    case "verdict":
      verdict(state, event);
      break;
    case "approval_requested":
      for (const approval of event.approvals || []) {
        const step = stepOf(state, approval.id, approval.tool);
        step.status = "waiting";
        step.resolved = approval.args;
        step.provenance = approval.provenance || step.provenance;
      }
      break;
    case "replanning":
      for (const id of Object.keys(event.failed || {})) {
        const step = stepOf(state, id);
        if (step.status !== "refused") step.status = "failed";
        if (!step.summary) step.summary = String(event.failed[id]);
      }
      state.notes.push({
        tone: "warn",
        text: `re-plan ${event.attempt} after ${Object.keys(event.failed || {}).join(", ")}`,
      });
      break;
    case "final":
      state.final = event.response;
      break;
    case "model_retrying":
      state.notes.push({ tone: "warn", text: `${event.reason}, retrying the model call` });
      break;
    case "run_interrupted":
      state.notes.push({ tone: "warn", text: `interrupted: ${event.message}` });
      break;
    case "run_failed":
      state.failure = { error: event.error, message: event.message };
      break;
    default:
      break;
  }
  return state;
}

// The steps of a version in waves: a step runs in the wave after the last of its dependencies.
export function waves(version) {
  const byId = new Map(version.steps.map((step) => [step.id, step]));
  const level = new Map();
  const depth = (step, seen = new Set()) => {
    if (level.has(step.id)) return level.get(step.id);
    if (seen.has(step.id)) return 0;
    seen.add(step.id);
    let found = 0;
    for (const dep of step.after) {
      const other = byId.get(dep);
      if (other) found = Math.max(found, depth(other, seen) + 1);
    }
    level.set(step.id, found);
    return found;
  };
  const columns = [];
  for (const step of version.steps) {
    const at = depth(step);
    while (columns.length <= at) columns.push([]);
    columns[at].push(step);
  }
  return columns;
}
