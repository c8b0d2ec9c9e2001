// Number formatting shared by the console, the markdown table and the charts' labels.

/** 3 significant figures with a k/M/G suffix: 51234 → '51.2k'. NaN → '—'. */
export function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const [scaled, suffix] = abs >= 1e9 ? [value / 1e9, 'G'] : abs >= 1e6 ? [value / 1e6, 'M'] : abs >= 1e4 ? [value / 1e3, 'k'] : [value, ''];
  const digits = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2;
  return `${scaled.toFixed(digits)}${suffix}`;
}

export function fmtRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}x`;
}

/** 'met (…)', 'NOT MET (…)', or 'not measured (…)' when the row has no figure. */
export function fmtTarget(row: { target?: { text: string; met: boolean }; median: number }): string {
  if (!row.target) return '';
  return `${verdict(row)} (${row.target.text})`;
}

export function verdict(row: { target?: { met: boolean }; median: number }): string {
  if (!row.target) return '';
  if (!Number.isFinite(row.median)) return 'not measured';
  return row.target.met ? 'met' : 'NOT MET';
}
