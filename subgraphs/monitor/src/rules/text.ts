// Text helpers shared by the chat rules: normalisation so spacing and full-width digits do not hide a pattern.

/** Lower-case, full-width → ASCII, runs of spaces collapsed. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The same text with every space removed (Korean keywords are often spaced out: "선 입 금"). */
export function compact(text: string): string {
  return normalise(text).replace(/[\s.·_]/g, '');
}
