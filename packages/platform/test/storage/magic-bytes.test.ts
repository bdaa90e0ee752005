import { describe, expect, it } from 'vitest';
import { contentTypeOfKey, detectContentType, normalizeContentType } from '../../src/storage/magic-bytes.ts';
import { isValidKey } from '../../src/storage/driver.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('detectContentType', () => {
  it.each([
    ['image/jpeg', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10)],
    ['image/png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0)],
    ['image/webp', Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1')],
    ['application/pdf', Buffer.from('%PDF-1.7\n')],
  ])('recognises %s', (type, head) => {
    expect(detectContentType(head)).toBe(type);
  });

  it.each([
    ['an HTML page', Buffer.from('<html><script>')],
    ['a GIF', Buffer.from('GIF89a')],
    ['a RIFF that is not WebP (WAV)', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')],
    ['nothing', bytes()],
    ['two bytes of JPEG', bytes(0xff, 0xd8)],
  ])('refuses %s', (_name, head) => {
    expect(detectContentType(head)).toBeNull();
  });

  it('normalises header values and maps key extensions', () => {
    expect(normalizeContentType(' Image/JPEG; charset=binary')).toBe('image/jpeg');
    expect(contentTypeOfKey('products/u/a.jpg')).toBe('image/jpeg');
    expect(contentTypeOfKey('products/u/a.jpg.thumb.webp')).toBe('image/webp');
    expect(contentTypeOfKey('products/u/a.exe')).toBeNull();
  });

  it('only accepts keys the platform could have minted', () => {
    expect(isValidKey('products/0b9f/abc.jpg')).toBe(true);
    for (const bad of ['../etc/passwd', 'products/../x.jpg', '/abs/x.jpg', 'products//x.jpg', 'products/x y.jpg', 'Products/x.jpg', 'products']) {
      expect(isValidKey(bad)).toBe(false);
    }
  });
});
