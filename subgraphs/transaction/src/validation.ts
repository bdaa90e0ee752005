// Zod validation whose issue messages are keys of `messages`: one BAD_USER_INPUT error that
// names every problem in both languages, and each field in the caller's language.
import type { z } from 'zod';
import { BadInputError, type LocalizedText, type Locale } from '@anshim/platform';
import { messages } from './messages.ts';

function textOf(key: string): LocalizedText {
  const entry = (messages as Record<string, unknown>)[key];
  return entry && typeof entry === 'object' && 'ko' in entry ? (entry as LocalizedText) : messages.invalidInput;
}

export function validate<S extends z.ZodType>(schema: S, input: unknown, locale: Locale): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), reason: issue.message, text: textOf(issue.message) }));
  const distinct = [...new Map(problems.map((p) => [p.text.en, p.text])).values()];
  throw new BadInputError(
    { ko: distinct.map((t) => t.ko).join(' '), en: distinct.map((t) => t.en).join(' ') },
    { fields: problems.map((p) => ({ field: p.field, reason: p.reason, message: p.text[locale] })) },
  );
}

/** A single-field refusal in the same shape as `validate`'s. */
export function badField(field: string, reason: keyof typeof messages & string, locale: Locale): BadInputError {
  const text = textOf(reason);
  return new BadInputError(text, { fields: [{ field, reason, message: text[locale] }] });
}

/** Length in characters as people count them (한글 and emoji count as one). */
export const charLength = (value: string) => [...value].length;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids that cannot exist are answered without a query (the uuid column would reject them). */
export const isUuid = (id: string) => UUID.test(id);
