// How values read on the page. Everything returned is plain text: the page shows it in text
// nodes, so text from tools and models can never become markup.

export function valueText(value, width = 0) {
  let text;
  if (value === null || value === undefined) text = "—";
  else if (typeof value === "string") text = value;
  else text = JSON.stringify(value);
  return width && text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

// A small record such as money ({"amount": "40.00", "currency": "EUR"}) reads "40.00 EUR".
export function scalarText(value) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const items = Object.values(value);
    if (items.length > 0 && items.length <= 3 && items.every((v) => ["string", "number"].includes(typeof v))) {
      return items.join(" ");
    }
  }
  return valueText(value);
}

export function seconds(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 60) return `${value.toFixed(1)} s`;
  const minutes = Math.floor(value / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(value % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function between(start, end) {
  const from = Date.parse(start);
  const to = Date.parse(end);
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  return Math.max(0, (to - from) / 1000);
}

export function when(stamp) {
  const at = Date.parse(stamp);
  if (Number.isNaN(at)) return "—";
  return new Date(at).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

export function agentOf(item) {
  return item.agent_id ?? item.agent ?? null;
}

// Where a value came from, in words (as the command line says it).
export function sourceText(source) {
  switch (source.kind) {
    case "request":
      return "from the request";
    case "model":
      return "chosen by the model";
    case "default":
      return "the tool's default";
    case "person":
      return "edited by a person";
    case "workflow":
      return "written in the workflow";
    default: {
      const where = [source.step_id, source.tool].filter(Boolean).join(" ");
      const at = source.path ? ` at ${source.path}` : "";
      return source.matched ? `appears in the result of ${where}${at}` : `from ${where} result${at}`;
    }
  }
}

// Every node of `args` by its argument path (legs[0].date), as provenance names them.
export function argumentValues(args) {
  const values = {};
  const stack = [["", args]];
  while (stack.length) {
    const [path, node] = stack.pop();
    values[path] = node;
    if (Array.isArray(node)) node.forEach((item, i) => stack.push([`${path}[${i}]`, item]));
    else if (node && typeof node === "object") {
      for (const [key, item] of Object.entries(node)) stack.push([path ? `${path}.${key}` : key, item]);
    }
  }
  return values;
}

// A run's usage as the page reads it: "3 calls", "1,240 tokens", "$0.0042" ("—" for none).
export function countText(value) {
  return typeof value === "number" ? value.toLocaleString("en") : "—";
}

export function costText(value) {
  if (typeof value !== "number") return "—";
  if (value === 0) return "$0";
  return value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}
