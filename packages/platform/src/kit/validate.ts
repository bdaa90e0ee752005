// Input validation with zod for every service: the issue messages of a schema are keys of the
// service's ko/en catalogue, and one BAD_USER_INPUT error names every problem in both languages
// (and per field in the caller's language), so a form can show each message next to its field.
import type { z } from 'zod';
import { BadInputError, type LocalizedText } from '../errors.ts';
import { commonMessages, type Locale } from '../i18n.ts';

/** A service's messages: fixed texts (LocalizedText) and functions building one; invalidInput is the fallback. */
export type MessageCatalogue = { invalidInput: LocalizedText } & Record<string, unknown>;

/** The keys of a catalogue whose entry is a fixed text, i.e. what a zod issue message may name. */
export type MessageKey<M> = { [K in keyof M]: M[K] extends LocalizedText ? K : never }[keyof M] & string;

export interface Validation<M extends MessageCatalogue> {
  /** The parsed input, or one BadInputError listing every problem. */
  validate<S extends z.ZodType>(schema: S, input: unknown, locale: Locale): z.output<S>;
  /** A single-field refusal in the same shape as `validate`'s. */
  badField(field: string, reason: MessageKey<M>, locale: Locale): BadInputError;
}

/** Binds validation to a service's catalogue (its messages.ts spreads commonMessages). */
export function validationFor<M extends MessageCatalogue>(messages: M): Validation<M> {
  const textOf = (key: string): LocalizedText => {
    const entry = (messages as Record<string, unknown>)[key];
    return entry && typeof entry === 'object' && 'ko' in entry ? (entry as LocalizedText) : messages.invalidInput;
  };
  return {
    validate(schema, input, locale) {
      const result = schema.safeParse(input);
      if (result.success) return result.data;
      const problems = result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), reason: issue.message, text: textOf(issue.message) }));
      // One sentence per distinct problem: "닉네임을 입력해 주세요. 비밀번호는 10자 이상이어야 합니다."
      const distinct = [...new Map(problems.map((p) => [p.text.en, p.text])).values()];
      throw new BadInputError(
        { ko: distinct.map((t) => t.ko).join(' '), en: distinct.map((t) => t.en).join(' ') },
        { fields: problems.map((p) => ({ field: p.field, reason: p.reason, message: p.text[locale] })) },
      );
    },
    badField(field, reason, locale) {
      const text = textOf(reason);
      return new BadInputError(text, { fields: [{ field, reason, message: text[locale] }] });
    },
  };
}

const common = validationFor(commonMessages);
/** Validation with only the common messages (a schema whose issue messages are commonMessages keys). */
export const validate: Validation<typeof commonMessages>['validate'] = common.validate;

/** Length in characters as people count them (한글 and emoji count as one). */
export const charLength = (value: string): number => [...value].length;
