// Fixed sentences as data: the loader and the type every service's messages.json goes through.
// No import here (errors.ts reads its default sentences through it).

/** One sentence in both languages: the same shape as errors.ts's LocalizedText. */
interface Sentence {
  ko: string;
  en: string;
}

/**
 * A catalogue as the data file gives it, typed: each `{ "ko": …, "en": … }` entry is a LocalizedText
 * and any other object is a group of entries (e.g. one sentence per status code).
 */
export type Catalogue<T> = T extends Sentence ? Sentence : { readonly [K in keyof T]: Catalogue<T[K]> };

/**
 * The fixed sentences of a service, kept as data (its `messages.json`, imported with
 * `with { type: 'json' }`): translators edit the file, not code, and a key mistyped in code fails the
 * type check because the keys come from the file. Checked once when the service loads: every entry
 * has exactly a non-empty `ko` and `en`, so a missing translation stops the start instead of showing
 * a blank. Sentences with parameters stay functions in the service's messages.ts.
 */
export function catalogue<T extends object>(data: T, source: string): Catalogue<T> {
  checkEntries(data, source);
  return data as unknown as Catalogue<T>;
}

function checkEntries(node: unknown, path: string): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw new Error(`${path}: expected an entry { ko, en } or a group of entries`);
  const keys = Object.keys(node);
  if (keys.includes('ko') || keys.includes('en')) {
    const entry = node as Record<string, unknown>;
    for (const locale of ['ko', 'en'] as const) {
      if (typeof entry[locale] !== 'string' || !(entry[locale] as string).trim()) throw new Error(`${path}: "${locale}" is missing or empty`);
    }
    if (keys.length !== 2) throw new Error(`${path}: an entry has only "ko" and "en" (found ${keys.join(', ')})`);
  } else {
    if (keys.length === 0) throw new Error(`${path}: an empty group`);
    for (const key of keys) checkEntries((node as Record<string, unknown>)[key], `${path}.${key}`);
  }
  Object.freeze(node);
}

