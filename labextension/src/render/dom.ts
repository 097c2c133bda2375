// Small DOM helpers shared by the renderers. Text always goes in through textContent, never
// innerHTML: mail headers and bodies come from outside and must not become markup.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** A payload that does not have the documented shape (docs/architecture.md, "Rich output"). */
export class PayloadError extends Error {}

export function need(cond: unknown, what: string): asserts cond {
  if (!cond) {
    throw new PayloadError(what);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a renderer shows instead of a diagram when the payload is malformed. */
export function renderError(mime: string, err: unknown): HTMLElement {
  const box = el('div', 'mk-error');
  const why = err instanceof Error ? err.message : String(err);
  box.textContent = `mailkit: cannot show ${mime}: ${why}`;
  return box;
}
