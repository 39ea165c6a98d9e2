/** The slices of express' request/response the middleware uses (no @types/express in the workspace). */
interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

/**
 * Headers a browser needs to keep an operator's session safe: scripts and styles only from this origin (no inline
 * script, so an injected string cannot run), no framing, no MIME sniffing, no referrer. The services serve JSON and
 * one static dashboard, so one strict policy fits every response.
 */
export const SECURE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function secureHeaders(_req: unknown, res: HeaderResponse, next: () => void): void {
  for (const [name, value] of Object.entries(SECURE_HEADERS)) res.setHeader(name, value);
  next();
}
