// Checks edited arguments against a tool's JSON schema as they are typed. It covers what tool
// schemas use (types, required, enum/const, bounds, lengths, patterns, $ref, anyOf/oneOf/allOf,
// items, additionalProperties, date and date-time formats); the server checks again, and
// re-guards the call, when the decision is submitted.

function resolve(node, root) {
  let found = node;
  for (let hops = 0; found && found.$ref && hops < 20; hops += 1) {
    const path = found.$ref.replace(/^#\//, "").split("/");
    let target = root;
    for (const part of path) target = target ? target[part] : undefined;
    const { $ref, ...rest } = found;
    found = { ...(target || {}), ...rest };
  }
  return found || {};
}

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(wanted, value) {
  const actual = typeOf(value);
  return actual === wanted || (wanted === "number" && actual === "integer");
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function label(path) {
  return path || "the arguments";
}

// The problems of `value` against `schema` (root `root`), each "path: what is wrong".
export function validate(value, schema, root = schema, path = "") {
  const node = resolve(schema, root);
  const problems = [];
  const say = (text) => problems.push(`${label(path)}: ${text}`);

  for (const part of node.allOf || []) problems.push(...validate(value, part, root, path));
  for (const key of ["anyOf", "oneOf"]) {
    if (node[key]) {
      const fits = node[key].map((option) => validate(value, option, root, path));
      if (!fits.some((found) => found.length === 0)) {
        const closest = fits.reduce((a, b) => (b.length < a.length ? b : a));
        const typed = node[key].map((o) => resolve(o, root).type).filter(Boolean);
        problems.push(...(closest.length === 1 ? closest : [`${label(path)}: must be one of ${typed.join(", ")}`]));
      }
    }
  }
  if (node.type) {
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (!types.some((wanted) => typeMatches(wanted, value))) {
      say(`must be ${types.map((t) => (t === "integer" ? "a whole number" : `a ${t}`)).join(" or ")}`);
      return problems;
    }
  }
  if (node.enum && !node.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    say(`must be one of ${node.enum.map((o) => JSON.stringify(o)).join(", ")}`);
  }
  if ("const" in node && JSON.stringify(node.const) !== JSON.stringify(value)) {
    say(`must be ${JSON.stringify(node.const)}`);
  }
  if (typeof value === "number") {
    const min = node.minimum ?? node.ge;
    const max = node.maximum ?? node.le;
    const above = node.exclusiveMinimum ?? node.gt;
    const below = node.exclusiveMaximum ?? node.lt;
    if (min !== undefined && value < min) say(`must be at least ${min}`);
    if (max !== undefined && value > max) say(`must be at most ${max}`);
    if (above !== undefined && value <= above) say(`must be greater than ${above}`);
    if (below !== undefined && value >= below) say(`must be less than ${below}`);
    if (node.multipleOf && Math.abs(value / node.multipleOf - Math.round(value / node.multipleOf)) > 1e-9) {
      say(`must be a multiple of ${node.multipleOf}`);
    }
  }
  if (typeof value === "string") {
    if (node.minLength !== undefined && value.length < node.minLength) {
      say(node.minLength === 1 ? "must not be empty" : `must be at least ${node.minLength} characters`);
    }
    if (node.maxLength !== undefined && value.length > node.maxLength) say(`must be at most ${node.maxLength} characters`);
    if (node.pattern && !new RegExp(node.pattern, "u").test(value)) say(`must match ${node.pattern}`);
    if (node.format === "date" && !DATE.test(value)) say("must be a date, e.g. 2026-03-05");
    if (node.format === "date-time" && !DATE_TIME.test(value)) say("must be a date and time, e.g. 2026-03-05T19:30");
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) say(`must have at least ${node.minItems} items`);
    if (node.maxItems !== undefined && value.length > node.maxItems) say(`must have at most ${node.maxItems} items`);
    if (node.items) value.forEach((item, i) => problems.push(...validate(item, node.items, root, `${path}[${i}]`)));
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const properties = node.properties || {};
    for (const key of node.required || []) {
      if (!(key in value)) problems.push(`${path ? `${path}.` : ""}${key}: is required`);
    }
    for (const [key, item] of Object.entries(value)) {
      const where = path ? `${path}.${key}` : key;
      if (key in properties) problems.push(...validate(item, properties[key], root, where));
      else if (node.additionalProperties === false) problems.push(`${where}: is not an argument of this tool`);
      else if (node.additionalProperties && typeof node.additionalProperties === "object") {
        problems.push(...validate(item, node.additionalProperties, root, where));
      }
    }
  }
  return problems;
}

// What a person typed for an argument, as a value: JSON when it reads as JSON and the schema
// does not ask for a plain string, the text itself otherwise.
export function parseTyped(text, schema, root) {
  const node = resolve(schema || {}, root || schema || {});
  const options = [node, ...(node.anyOf || []), ...(node.oneOf || [])].map((o) => resolve(o, root || {}));
  const wantsStringOnly = options.every((o) => !o.type || o.type === "string") && options.some((o) => o.type === "string");
  if (wantsStringOnly) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function shownTyped(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}
