// A trace as one self-contained HTML page (no network access): the steps, the state after the
// selected one with what it changed highlighted, the sequence diagram, the violated property.
// Keyboard: → / j next step, ← / k previous, Home / End.
import { lifelines, stepLabel, type RenderInput } from './input.ts';
import { sequenceSvg } from './svg.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function toHtml(input: RenderInput): string {
  const data = {
    loop: input.loop ?? null,
    steps: input.trace.map((t, i) => ({
      label: t.move ? `${i}. ${t.move.process}[${t.move.self}] ${stepLabel(t)}` : '0. initial state',
      state: t.state,
    })),
  };
  // `</` would end the script element early.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const kind = input.property.kind === 'deadlock' ? 'Deadlock' : `${input.property.kind} ${input.property.name} violated`;
  const cycle = input.loop === undefined ? '' : input.loop === input.trace.length - 1 ? ` The behaviour stutters for ever at state ${input.loop}.` : ` The cycle runs from state ${input.loop} back to it for ever.`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`sva-check: ${input.property.name}`)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{padding:10px 16px;background:#f4f4f4;border-bottom:1px solid #ddd}
header h1{font-size:16px;margin:0 0 4px}
#property{color:#a00;font-weight:600}
main{display:flex;gap:16px;padding:12px 16px}
#steps{list-style:none;margin:0;padding:0;min-width:340px;max-height:70vh;overflow:auto;border:1px solid #ddd}
#steps li{padding:3px 8px;cursor:pointer;font-family:monospace;white-space:nowrap}
#steps li.current{background:#dbe9ff}
#steps li.violating{color:#a00;font-weight:600}
#steps li.in-cycle{border-left:3px solid #c80}
#state{flex:1;font-family:monospace;max-height:70vh;overflow:auto;border:1px solid #ddd;padding:6px}
#state div.changed{background:#fff3b0}
#diagram{padding:0 16px 16px;overflow:auto}
svg .head{font-weight:600;font-size:12px} svg .life{stroke:#bbb;stroke-dasharray:4 3}
svg .step rect{fill:#eef3fb;stroke:#89a} svg .step text{font-size:11px;font-family:monospace}
svg .step.bad rect{fill:#ffd2d2;stroke:#a00} svg .step.current rect{stroke:#24f;stroke-width:2}
svg .cycle{fill:none;stroke:#c80;stroke-dasharray:6 3} svg .cycle-label{fill:#c80;font-size:11px}
</style></head><body>
<header><h1>${esc(input.title)}</h1>
<div id="property">${esc(kind)}: ${esc(input.property.description)}</div>
<div>${esc(input.detail ?? '')}${esc(cycle)} ${input.trace.length - 1} steps; ${lifelines(input.trace).length} processes. Keys: → / j next, ← / k previous, Home / End.</div></header>
<main><ol id="steps"></ol><div id="state" aria-live="polite"></div></main>
<section id="diagram">${sequenceSvg(input)}</section>
<script type="application/json" id="trace">${json}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('trace').textContent);
  var steps = data.steps, last = steps.length - 1, at = last;
  function leaves(v, path, out) {
    if (Array.isArray(v)) { if (v.length === 0) out[path] = '[]'; v.forEach(function (x, i) { leaves(x, path + '[' + i + ']', out); }); }
    else if (v !== null && typeof v === 'object') { var ks = Object.keys(v); if (ks.length === 0) out[path] = '{}'; ks.forEach(function (k) { leaves(v[k], path ? path + '.' + k : k, out); }); }
    else out[path || 'state'] = JSON.stringify(v);
    return out;
  }
  var flat = steps.map(function (s) { return leaves(s.state, '', {}); });
  var list = document.getElementById('steps'), view = document.getElementById('state');
  steps.forEach(function (s, i) {
    var li = document.createElement('li');
    li.textContent = s.label; li.dataset.step = String(i);
    if (i === last) li.className = 'violating';
    if (data.loop !== null && i > data.loop) li.classList.add('in-cycle');
    li.addEventListener('click', function () { show(i); });
    list.appendChild(li);
  });
  function show(i) {
    at = Math.max(0, Math.min(last, i));
    Array.prototype.forEach.call(list.children, function (li, k) { li.classList.toggle('current', k === at); });
    Array.prototype.forEach.call(document.querySelectorAll('svg .step'), function (g) { g.classList.toggle('current', Number(g.getAttribute('data-step')) === at); });
    var now = flat[at], before = at > 0 ? flat[at - 1] : now;
    view.innerHTML = '';
    Object.keys(now).forEach(function (k) {
      var d = document.createElement('div');
      var changed = at > 0 && before[k] !== now[k];
      d.textContent = k + ' = ' + now[k] + (changed ? '   (was ' + (before[k] === undefined ? 'absent' : before[k]) + ')' : '');
      if (changed) d.className = 'changed';
      view.appendChild(d);
    });
    list.children[at].scrollIntoView({ block: 'nearest' });
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'j') { show(at + 1); e.preventDefault(); }
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp' || e.key === 'k') { show(at - 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); e.preventDefault(); }
    else if (e.key === 'End') { show(last); e.preventDefault(); }
  });
  show(last);
})();
</script></body></html>
`;
}
