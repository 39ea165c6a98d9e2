/**
 * Cheap checks that keep binary payloads and mojibake out of the model: their "features" are noise, and a
 * confident sentiment on them would be worse than no answer.
 */
export function looksLikeNonText(text: string): boolean {
  const sample = text.length > 4096 ? text.slice(0, 4096) : text;
  let control = 0;
  let replacement = 0;
  let letters = 0;
  let visible = 0;
  for (const ch of sample) {
    const code = ch.codePointAt(0) as number;
    if (code === 0xfffd) replacement++;
    else if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || (code >= 0x7f && code < 0xa0)) control++;
    else if (/\s/u.test(ch)) continue;
    else if (/\p{L}/u.test(ch)) letters++;
    visible++;
  }
  const total = Math.max(1, visible + control + replacement);
  if (control > 0 && control / total > 0.02) return true;
  if (replacement / total > 0.1) return true;
  // Long strings with almost no letters (hex dumps, base64 of images still has letters, but digits/symbol soup
  // does not) are not reviews.
  return visible >= 32 && letters / visible < 0.2;
}
