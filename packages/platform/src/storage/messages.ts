// What an uploader reads when a file is refused: plain words, Korean first.
import type { LocalizedText } from '../errors.ts';

const mb = (bytes: number) => Math.floor(bytes / (1024 * 1024));
const typeNames = (types: readonly string[]) => types.map((t) => t.split('/')[1]!.toUpperCase().replace('JPEG', 'JPG')).join(', ');

export const storageMessages = {
  contentTypeNotAllowed: (allowed: readonly string[]): LocalizedText => ({
    ko: `${typeNames(allowed)} 파일만 올릴 수 있습니다.`,
    en: `Only ${typeNames(allowed)} files can be uploaded.`,
  }),
  sizeInvalid: (max: number): LocalizedText => ({
    ko: `파일 크기는 1바이트 이상 ${mb(max)}MB 이하여야 합니다.`,
    en: `The file must be between 1 byte and ${mb(max)} MB.`,
  }),
  keyUnknown: {
    ko: '올린 적이 없는 파일입니다. 업로드 주소를 새로 받아 파일을 먼저 올려 주세요.',
    en: 'This file was never uploaded. Ask for a new upload URL and upload the file first.',
  },
  notUploadedYet: {
    ko: '파일이 아직 올라오지 않았습니다. 업로드를 마친 뒤 다시 시도해 주세요.',
    en: 'The file has not arrived yet. Finish the upload, then try again.',
  },
  tooLarge: (max: number): LocalizedText => ({
    ko: `파일이 너무 큽니다. ${mb(max)}MB 이하만 올릴 수 있습니다.`,
    en: `The file is too large. The limit is ${mb(max)} MB.`,
  }),
  contentMismatch: {
    ko: '파일 내용이 선언한 형식과 다릅니다. 사진 파일(JPG, PNG, WEBP)인지 확인해 주세요.',
    en: 'The file content does not match its declared type. Please check it is a real picture (JPG, PNG, WEBP).',
  },
  unreadableImage: {
    ko: '사진을 읽을 수 없습니다. 손상되지 않은 다른 사진으로 다시 올려 주세요.',
    en: 'The picture could not be read. Please upload another, undamaged picture.',
  },
  tooManyOpenUploads: (max: number): LocalizedText => ({
    ko: `아직 사용하지 않은 업로드 주소가 ${max}개 있습니다. 올린 파일을 먼저 등록하거나 잠시 후 다시 시도해 주세요.`,
    en: `You already have ${max} upload URLs that were not used yet. Attach the files you uploaded first, or try again later.`,
  }),
  storageUnavailable: {
    ko: '지금은 파일 저장소를 쓸 수 없습니다. 잠시 후 다시 시도해 주세요.',
    en: 'File storage is not available right now. Please try again in a little while.',
  },
} as const;
