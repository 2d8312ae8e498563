// A tiny element builder: the pages build their DOM with this instead of HTML strings, so data from the
// server is always text, never markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    } else if (name === 'className') {
      element.className = String(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element: Element): void {
  element.replaceChildren();
}

export function onlineBadge(online: boolean, testId?: string): HTMLElement {
  return h(
    'span',
    { className: `status ${online ? 'status--online' : 'status--offline'}`, 'data-testid': testId },
    h('span', { className: 'status__dot', 'aria-hidden': 'true' }),
    online ? 'online' : 'offline',
  );
}

export function severityBadge(severity: string): HTMLElement {
  return h('span', { className: `badge badge--${severity}` }, severity);
}
