// Timelines: the executions of one trace or session on a common time line, in a drawer of their own.
import { getJSON, state } from './api.js';
import { $, count, duration, el, formatTime, money, zoneLabel } from './format.js';
import { closeDetail, openDetail, restoreFocus } from './drawer.js';
import { addFilter, writeAddress } from './filters.js';
import { idLink } from './table.js';

export const sameView = (kind, id) => Boolean(state.view && state.view.kind === kind && state.view.id === id);

export async function openTimeline(kind, id) {
  const overlay = $('timeline');
  if (overlay.hidden) state.timelineOpener = !$('detail').hidden ? state.detailOpener : document.activeElement;
  closeDetail({ restore: false });
  state.view = { kind, id };
  writeAddress();
  overlay.hidden = false;
  overlay.dataset.state = 'loading';
  overlay.dataset.kind = kind;
  $('timeline-title').textContent = kind === 'trace' ? 'Trace' : 'Session';
  $('timeline-id').textContent = id;
  $('timeline-body').replaceChildren(el('div', { className: 'detail-state', text: `Loading the ${kind}…` }));
  $('timeline-close').focus();
  try {
    const timeline = await getJSON(`/api/v1/${kind === 'trace' ? 'traces' : 'sessions'}/${encodeURIComponent(id)}`);
    if (!sameView(kind, id)) return;
    renderTimeline(timeline);
    overlay.dataset.state = 'ready';
  } catch (error) {
    if (!sameView(kind, id)) return;
    $('timeline-body').replaceChildren(el('div', { className: 'detail-state error', text: `Could not load the ${kind}: ${error.message}` }));
    overlay.dataset.state = 'error';
  }
}

export function closeTimeline({ restore = true, address = true } = {}) {
  if ($('timeline').hidden) return;
  $('timeline').hidden = true;
  state.view = null;
  if (address) writeAddress();
  const opener = state.timelineOpener;
  state.timelineOpener = null;
  if (restore) restoreFocus(opener);
}

function renderTimeline(t) {
  const totals = t.totals;
  const tile = (label, value, text, id, note) => el('div', { className: 'token-card', id, 'data-value': String(value) },
    el('span', { text: label }), el('strong', { text }), note ? el('small', { className: 'unpriced-note', text: note }) : null);
  const priced = totals.executions - totals.unpriced_executions;
  const filterKey = t.kind === 'trace' ? 'traceId' : 'sessionId';
  const filter = el('button', { type: 'button', className: 'button', id: 'timeline-filter', text: `Filter the list by this ${t.kind}` });
  filter.addEventListener('click', () => addFilter(filterKey, t.id));
  const started = t.start ? `Started ${formatTime(t.start, 'long')} ${zoneLabel(new Date(t.start))} · ${duration(totals.execution_time_ms)} of calls` : '';
  const parts = [
    el('div', { className: 'timeline-actions' }, filter, el('span', { className: 'muted', text: started }), ...sharedLinks(t)),
    el('div', { className: 'token-cards timeline-totals' },
      tile('Calls', totals.executions, count(totals.executions), 'timeline-calls'),
      tile('Tokens', totals.total_tokens, count(totals.total_tokens), 'timeline-tokens'),
      tile('Span', t.span_ms, duration(t.span_ms), 'timeline-span'),
      tile('Errors', totals.errors, count(totals.errors), 'timeline-errors'),
      tile('Cost', totals.cost_nano_usd, priced > 0 ? money(totals.cost_nano_usd) : 'Unknown', 'timeline-cost',
        totals.unpriced_executions ? `${count(totals.unpriced_executions)} unpriced` : '')),
  ];
  if (t.truncated) {
    parts.push(el('p', { className: 'cost-message not-priced', text: `Only the first ${count(t.executions.length)} executions of this ${t.kind} are shown.` }));
  }
  const span = Math.max(1, t.span_ms);
  if (t.kind === 'session') {
    // A session's calls, grouped by their trace (in the order the traces began), on the session's time line.
    const groups = new Map();
    for (const x of t.executions) {
      const key = x.trace_id ?? '';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(x);
    }
    for (const [traceId, executions] of groups) {
      parts.push(el('section', { className: 'section timeline-group', 'data-trace': traceId },
        el('h3', {}, traceId ? 'Trace ' : 'No trace', traceId ? idLink('trace', traceId, { short: true }) : null,
          ` · ${count(executions.length)} ${executions.length === 1 ? 'call' : 'calls'}`),
        timelineList(executions, span)));
    }
  } else {
    parts.push(el('section', { className: 'section' }, el('h3', { text: 'Calls' }), timelineList(t.executions, span)));
  }
  $('timeline-body').replaceChildren(...parts);
}

// The session and user the whole timeline shares, as links (a trace is usually one session's, one user's).
function sharedLinks(t) {
  const links = [];
  for (const [kind, key] of [['session', 'session_id'], ['user', 'user_id']]) {
    if (kind === t.kind) continue;
    const values = [...new Set(t.executions.map((x) => x[key]))];
    if (values.length === 1 && values[0]) links.push(el('span', { className: 'muted' }, `${kind}: `, idLink(kind, values[0], { short: true })));
  }
  return links;
}

function timelineList(executions, span) {
  return el('ol', { className: 'timeline' }, ...executions.map((x) => timelineRow(x, span)));
}

// One call: when it started (after the first), a bar for how long it took on the common scale, what it was.
function timelineRow(x, span) {
  const isError = x.error_message !== null;
  const bar = el('span', { className: `timeline-bar${isError ? ' error' : ''}` });
  bar.style.left = `${Math.min(100, (x.start_offset_ms / span) * 100)}%`;
  bar.style.width = `${Math.min(100, ((x.execution_time_ms ?? 0) / span) * 100)}%`;
  const tokens = x.total_tokens ?? (x.input_tokens === null && x.output_tokens === null ? null
    : (x.input_tokens ?? 0) + (x.output_tokens ?? 0));
  const button = el('button', {
    type: 'button', className: 'timeline-row', 'data-id': x.id, 'data-offset': String(x.start_offset_ms),
    title: `${x.usage_type} · ${x.provider} / ${x.model_name}\n${formatTime(x.created_at, 'long')} ${zoneLabel(new Date(x.created_at))}, took ${duration(x.execution_time_ms)}`
      + `${isError ? `\n${x.error_message}` : ''}`,
  },
  el('span', { className: 'timeline-offset', text: `+${duration(x.start_offset_ms)}` }),
  el('span', { className: 'timeline-track', 'aria-hidden': 'true' }, bar),
  el('span', { className: 'timeline-model', text: x.model_name }),
  el('span', { className: 'timeline-tokens', text: tokens === null ? 'no usage' : `${count(tokens)} tok` }),
  el('span', { className: `timeline-status badge ${isError ? 'error' : 'ok'}`, text: isError ? 'Error' : 'OK' }));
  button.addEventListener('click', () => openDetail(x.id, button));
  return el('li', {}, button);
}

