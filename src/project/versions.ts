/**
 * Version prefixes for new migration files that sort after a project's newest one, in its own style:
 * a `YYYYMMDDHHMMSS` timestamp, milliseconds since the epoch, or a zero-padded sequence. Pure.
 */
import { timestamp } from "../render/tools/common.js";

export type VersionStyle = "timestamp" | "milliseconds";

const TIMESTAMP = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/;

function timestampMs(v: string): number | null {
  const m = TIMESTAMP.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Only a real date is a timestamp (20240231... is a sequence number that happens to have 14 digits).
  return new Date(ms).getUTCMonth() === mo - 1 && new Date(ms).getUTCDate() === d ? ms : null;
}

/**
 * `next()` gives versions one step apart, the first after `last` (the project's newest, or null) and
 * no earlier than `now`. `style` is what a project with no history gets; a project's own style wins:
 * a 14-digit timestamp goes on in seconds, 13 digits in milliseconds, anything else is a sequence
 * padded to the same width.
 */
export function versionClock(now: Date, last: string | null | undefined, style: VersionStyle): { next(): string } {
  let n = 0;
  const lastTs = last ? timestampMs(last) : null;
  if (!last || lastTs !== null) {
    if (style === "timestamp" || lastTs !== null) {
      const start = Math.max(now.getTime() - (now.getTime() % 1000), lastTs === null ? 0 : lastTs + 1000);
      return { next: () => timestamp(new Date(start), n++) };
    }
    return { next: () => String(now.getTime() + 1000 * n++) };
  }
  if (/^\d{13}$/.test(last)) {
    const start = Math.max(now.getTime(), Number(last) + 1000);
    return { next: () => String(start + 1000 * n++) };
  }
  const next = BigInt(last);
  return { next: () => String(next + BigInt(++n)).padStart(last.length, "0") };
}
