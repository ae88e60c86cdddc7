// A small element builder. Text always goes in as text nodes (never markup): step texts and answers are model
// output, so nothing from the API is ever parsed as HTML.

export type Child = Node | string | number | null | undefined | false;

export interface Attrs {
  class?: string;
  href?: string;
  title?: string;
  id?: string;
  type?: string;
  role?: string;
  target?: string;
  rel?: string;
  for?: string;
  name?: string;
  value?: string;
  placeholder?: string;
  autocomplete?: string;
  'aria-label'?: string;
  'aria-live'?: string;
  'aria-hidden'?: string;
  tabindex?: string;
  /** data-* attributes, without the prefix. */
  data?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (name === 'data') {
      for (const [key, v] of Object.entries(value as Record<string, string>)) element.dataset[key] = v;
    } else if (name === 'class') {
      element.className = value as string;
    } else {
      element.setAttribute(name, value as string);
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's children (text nodes for strings). */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A definition list of label/value rows; values are text or nodes. */
export function facts(rows: ReadonlyArray<readonly [string, Child]>, className = 'facts'): HTMLDListElement {
  const list = h('dl', { class: className });
  for (const [label, value] of rows) append(list, h('dt', {}, label), h('dd', {}, value));
  return list;
}

/** An http(s) URL as given, or null: a trace link never becomes a javascript: or data: URL. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
