// Input validation with zod whose issue messages are keys of `messages`, turned into one
// BAD_USER_INPUT error that names every problem in both languages (and per field in the
// caller's language), so a form can show each message next to its field.
import type { z } from 'zod';
import { BadInputError, type LocalizedText, type Locale } from '@anshim/platform';
import { messages } from './messages.ts';

type FixedMessages = { [K in keyof typeof messages as (typeof messages)[K] extends LocalizedText ? K : never]: LocalizedText };
export type MessageKey = keyof FixedMessages;

function textOf(key: string): LocalizedText {
  const entry = (messages as Record<string, unknown>)[key];
  return entry && typeof entry === 'object' && 'ko' in entry ? (entry as LocalizedText) : messages.invalidInput;
}

export function validate<S extends z.ZodType>(schema: S, input: unknown, locale: Locale): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), reason: issue.message, text: textOf(issue.message) }));
  // One sentence per distinct problem: "닉네임을 입력해 주세요. 비밀번호는 10자 이상이어야 합니다."
  const distinct = [...new Map(problems.map((p) => [p.text.en, p.text])).values()];
  const message: LocalizedText = { ko: distinct.map((t) => t.ko).join(' '), en: distinct.map((t) => t.en).join(' ') };
  return throwBadInput(message, problems.map((p) => ({ field: p.field, reason: p.reason, message: p.text[locale] })));
}

function throwBadInput(message: LocalizedText, fields: Array<{ field: string; reason: string; message: string }>): never {
  throw new BadInputError(message, { fields });
}

/** Length in characters as people count them (한글 and emoji count as one). */
export const charLength = (value: string) => [...value].length;
