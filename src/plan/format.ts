/** Number formatting without Intl: the first toLocaleString call loads ICU data, which costs start-up time. */

/** 50000000 -> "50,000,000". */
export function thousands(n: number): string {
  const [int, frac] = String(n).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac ? `${grouped}.${frac}` : grouped;
}
