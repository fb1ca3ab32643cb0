// The console's shell: navigation between its pages (by the URL's hash, so every page has a
// link that can be bookmarked and opened with the keyboard) and the bearer token form.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { getToken, setToken } from "./api.js";
import { RunsPage } from "./runs.js";
import { RunPage } from "./run_view.js";
import { InboxPage } from "./approvals.js";
import { TracesPage } from "./traces.js";

function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
  const [page, ...rest] = hash.split("/");
  return { page: page || "runs", arg: rest.join("/") };
}

function TokenForm({ onDone }) {
  const [value, setValue] = useState(getToken());
  const submit = (event) => {
    event.preventDefault();
    setToken(value.trim());
    onDone();
  };
  return html`<form class="token" onSubmit=${submit}>
    <label for="token-input">Bearer token</label>
    <input id="token-input" type="password" autocomplete="off" value=${value}
      onInput=${(e) => setValue(e.target.value)} />
    <button type="submit">Use token</button>
    <p class="hint">Kept in this tab only (sessionStorage); the server was started with --token.</p>
  </form>`;
}

function App() {
  const [where, setWhere] = useState(route());
  const [askToken, setAskToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const moved = () => setWhere(route());
    addEventListener("hashchange", moved);
    const refused = () => setAskToken(true);
    addEventListener("plangate:unauthorized", refused);
    return () => {
      removeEventListener("hashchange", moved);
      removeEventListener("plangate:unauthorized", refused);
    };
  }, []);
  const tabs = [
    ["runs", "Runs"],
    ["approvals", "Approvals"],
    ["traces", "Traces"],
  ];
  const active = where.page === "thread" ? "runs" : where.page;
  let page;
  if (where.page === "thread") page = html`<${RunPage} threadId=${where.arg} key=${where.arg + generation} />`;
  else if (where.page === "approvals") page = html`<${InboxPage} key=${generation} />`;
  else if (where.page === "traces") page = html`<${TracesPage} />`;
  else page = html`<${RunsPage} key=${generation} />`;
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href="#/runs">plangate</a>
      <nav aria-label="Pages">
        ${tabs.map(([id, name]) => html`<a href=${`#/${id}`} class=${active === id ? "tab current" : "tab"}
          aria-current=${active === id ? "page" : undefined}>${name}</a>`)}
      </nav>
      <button type="button" class="quiet" onClick=${() => setAskToken(!askToken)}>Token</button>
    </header>
    ${askToken && html`<${TokenForm} onDone=${() => { setAskToken(false); setGeneration(generation + 1); }} />`}
    <main id="main">${page}</main>
  </div>`;
}

const root = document.getElementById("app");
root.textContent = ""; // the "Loading…" line shown until the modules arrived
render(html`<${App} />`, root);
