import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadInputError } from '../../src/errors.ts';
import { commonMessages } from '../../src/i18n.ts';
import { charLength, validate, validationFor } from '../../src/kit/validate.ts';

const messages = {
  ...commonMessages,
  nicknameRequired: { ko: '닉네임을 입력해 주세요.', en: 'Please enter a nickname.' },
  tooLong: { ko: '너무 길어요.', en: 'That is too long.' },
  greeting: (name: string) => ({ ko: `${name}님`, en: `Dear ${name}` }),
};
const { validate: validateHere, badField } = validationFor(messages);
const schema = z.object({ nickname: z.string().min(1, 'nicknameRequired'), bio: z.string().max(3, 'tooLong'), age: z.number('not a key') });

function caught(run: () => unknown): BadInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return error as BadInputError;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('validate', () => {
  it('returns the parsed input', () => {
    expect(validateHere(schema, { nickname: '안심', bio: 'hi', age: 3 }, 'ko')).toEqual({ nickname: '안심', bio: 'hi', age: 3 });
  });

  it('names every problem once in both languages, and each field in the caller\'s language', () => {
    const error = caught(() => validateHere(schema, { nickname: '', bio: 'long', age: 'x' }, 'en'));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.localized).toEqual({
      ko: '닉네임을 입력해 주세요. 너무 길어요. 입력한 내용을 다시 확인해 주세요.',
      en: 'Please enter a nickname. That is too long. Please check what you entered.',
    });
    expect(error.extensions.fields).toEqual([
      { field: 'nickname', reason: 'nicknameRequired', message: 'Please enter a nickname.' },
      { field: 'bio', reason: 'tooLong', message: 'That is too long.' },
      { field: 'age', reason: 'not a key', message: 'Please check what you entered.' },
    ]);
  });

  it('never reads a message-building function as a text', () => {
    const error = caught(() => validateHere(z.string().min(5, 'greeting'), 'a', 'ko'));
    expect(error.localized).toEqual(commonMessages.invalidInput);
  });

  it('without a catalogue speaks the common messages', () => {
    expect(caught(() => validate(z.string().min(1, 'invalidInput'), '', 'ko')).localized).toEqual(commonMessages.invalidInput);
  });

  it('refuses one field in the same shape', () => {
    const error = badField('bio', 'tooLong', 'ko');
    expect(error.localized).toEqual(messages.tooLong);
    expect(error.extensions.fields).toEqual([{ field: 'bio', reason: 'tooLong', message: '너무 길어요.' }]);
  });

  it('counts characters as people do', () => {
    expect(charLength('안심👍🏽')).toBe(4);
  });
});
