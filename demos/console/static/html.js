// htm bound to Preact: templates that read like markup, where every ${value} is a text node or
// a property, never parsed as HTML.
import { h } from "preact";
import htm from "htm";

export const html = htm.bind(h);
