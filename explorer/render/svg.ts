// The sequence diagram as inline SVG, for the HTML page (which must open offline: no Mermaid from a
// CDN). One column per process instance, one row per step; the violating step and a lasso's cycle
// are marked.
import { lifelines, stepLabel, type RenderInput } from './input.ts';

const COL = 170;
const ROW = 26;
const TOP = 40;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function sequenceSvg(input: RenderInput): string {
  const { trace, loop } = input;
  const names = lifelines(trace);
  const last = trace.length - 1;
  const width = Math.max(1, names.length) * COL + 20;
  const height = TOP + trace.length * ROW + 20;
  const parts: string[] = [];
  names.forEach((name, c) => {
    const x = 10 + c * COL + COL / 2;
    parts.push(`<text x="${x}" y="20" text-anchor="middle" class="head">${esc(name)}</text>`);
    parts.push(`<line x1="${x}" y1="28" x2="${x}" y2="${height - 10}" class="life"/>`);
  });
  if (loop !== undefined && loop < last) {
    const y = TOP + (loop + 1) * ROW - ROW / 2;
    parts.push(`<rect x="4" y="${y - 4}" width="${width - 8}" height="${(last - loop) * ROW + 4}" class="cycle"/>`);
    parts.push(`<text x="8" y="${y + 8}" class="cycle-label">cycle</text>`);
  }
  trace.forEach((t, i) => {
    if (!t.move) return;
    const c = names.indexOf(`${t.move.process}[${t.move.self}]`);
    const x = 10 + c * COL + COL / 2;
    const y = TOP + i * ROW;
    const bad = i === last;
    parts.push(
      `<g class="step${bad ? ' bad' : ''}" data-step="${i}"><rect x="${x - COL / 2 + 6}" y="${y - ROW / 2 + 3}" width="${COL - 12}" height="${ROW - 6}" rx="4"/>` +
        `<text x="${x}" y="${y + 4}" text-anchor="middle">${i}. ${esc(shorten(stepLabel(t), 21))}</text><title>${esc(`${i}. ${t.move.process}[${t.move.self}] ${stepLabel(t)}`)}</title></g>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function shorten(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
