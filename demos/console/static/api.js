// The public HTTP API, as the console calls it: JSON requests with the tab's bearer token, and
// a run's Server-Sent Events read with fetch (an EventSource could not send the token).

const TOKEN_KEY = "plangate.token";

export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && typeof body === "object" ? body.detail || body.error : body;
    super(`${status}: ${detail || "the server refused the request"}`);
    this.status = status;
    this.body = body;
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const found = { "content-type": "application/json", ...extra };
  const token = getToken();
  if (token) found.authorization = `Bearer ${token}`;
  return found;
}

const enc = encodeURIComponent;

export async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: headers(),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (response.status === 401) dispatchEvent(new Event("plangate:unauthorized"));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  agents: () => call("GET", "/agents"),
  tools: () => call("GET", "/tools"),
  searchThreads: (filter) => call("POST", "/threads/search", filter),
  thread: (threadId) => call("GET", `/threads/${enc(threadId)}`),
  createThread: (metadata) => call("POST", "/threads", { metadata }),
  start: (threadId, agentId, request) =>
    call("POST", `/threads/${enc(threadId)}/runs`, { agent_id: agentId, input: { request } }),
  resume: (threadId, decisions) =>
    call("POST", `/threads/${enc(threadId)}/runs`, { command: { resume: decisions } }),
  run: (threadId, runId) => call("GET", `/threads/${enc(threadId)}/runs/${enc(runId)}`),
  runs: (threadId) => call("GET", `/threads/${enc(threadId)}/runs`),
  replay: (trace) => call("POST", "/traces/replay", { trace }),
  cancel: (threadId, runId) =>
    call("POST", `/threads/${enc(threadId)}/runs/${enc(runId)}/cancel`),
};

// Every thread matching the filter (the API answers 100 at most per page).
export async function allThreads(filter) {
  const found = [];
  for (let offset = 0; offset < 1000; offset += 100) {
    const page = await api.searchThreads({ ...filter, limit: 100, offset });
    found.push(...page);
    if (page.length < 100) break;
  }
  return found;
}

function parseMessage(block) {
  const message = { id: null, event: "message", data: "" };
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const at = line.indexOf(":");
    const field = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
    if (field === "id") message.id = Number(value);
    else if (field === "event") message.event = value;
    else if (field === "data") data.push(value);
  }
  message.data = JSON.parse(data.join("\n") || "null");
  return message;
}

// A run's events after `after`, live until the run ends: {id, event, data} messages, the last
// one `end` with the run. A dropped connection is taken up again after the last id seen.
export async function* runEvents(threadId, runId, after = 0, signal = undefined) {
  let last = after;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const response = await fetch(`/threads/${enc(threadId)}/runs/${enc(runId)}/stream`, {
      headers: headers({ "last-event-id": String(last), accept: "text/event-stream" }),
      signal,
    });
    if (!response.ok) {
      if (response.status === 401) dispatchEvent(new Event("plangate:unauthorized"));
      let body = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      throw new ApiError(response.status, body);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, "\n");
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const message = parseMessage(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (message.id !== null) last = message.id;
          yield message;
          if (message.event === "end") return;
          cut = buffer.indexOf("\n\n");
        }
      }
    } catch (error) {
      if (signal && signal.aborted) return;
      if (!(error instanceof TypeError)) throw error;
    }
  }
  throw new Error("the event stream kept dropping; reload the page to try again");
}
