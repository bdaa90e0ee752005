// The words of the live risk alerts and member screens (`rt`) and of the oversight screens: the
// dashboard, the audit log, the queue's counts and paging (`ot`). They are data, screen-words.json,
// one line per key `{ "ko": …, "en": … }` like the services' messages.json, in one section per
// group of screens. Korean first, English on the toggle (the choice lives in i18n.ts); same rules
// as i18n.ts: {name} placeholders, plain words.
import { locale } from './i18n.ts';
import words from './screen-words.json' with { type: 'json' };

type Section = Record<string, { ko: string; en: string }>;
type Params = Record<string, string | number>;

function wordsOf<S extends Section>(section: S): (key: keyof S & string, params?: Params) => string {
  return (key, params = {}) => section[key]![locale()].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A word of the live alerts and member screens in the current language, placeholders filled in. */
export const rt = wordsOf(words.risk);

/** A word of the oversight screens in the current language, placeholders filled in. */
export const ot = wordsOf(words.oversight);
