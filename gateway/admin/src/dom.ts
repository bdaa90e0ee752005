// A few lines instead of a framework: elements built from data with textContent only (nothing the
// API returns is ever parsed as HTML), and links that accept only http(s) URLs.
type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's content. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The URL when it is http(s), else undefined: a signed URL from the API never becomes a javascript: link. */
export function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

let idCounter = 0;
/** A unique id for label/description wiring. */
export const uid = (prefix: string) => `${prefix}-${++idCounter}`;

/**
 * Wires a modal confirmation: Cancel and Escape close it (Escape only while Confirm is enabled,
 * i.e. not while sending), and focus returns to the button that opened it. Returns `close`.
 */
export function closableModal(dialog: HTMLDialogElement, parts: { opener: HTMLElement; cancel: HTMLButtonElement; confirm: HTMLButtonElement }): () => void {
  const close = () => {
    dialog.close();
    dialog.remove();
    parts.opener.focus();
  };
  parts.cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    if (!parts.confirm.disabled) close();
  });
  return close;
}
