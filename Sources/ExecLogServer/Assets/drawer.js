// The detail drawer of one execution: its facts, tokens, cost, and its conversation, with copy buttons.
// A modal dialog: focus stays inside it (Tab and Shift+Tab cycle), Escape closes it, focus goes back to its opener.
import { API, getJSON, state } from './api.js';
import { $, callMoney, count, duration, el, formatTime, nanoTitle, zoneLabel } from './format.js';
import { idLink } from './table.js';

// ---- Copying ----

function fallbackCopy(text) {
  const area = el('textarea', { readonly: '', 'aria-hidden': 'true', className: 'copy-buffer' });
  area.value = text;
  document.body.append(area);
  area.select();
  let copied = false;
  try { copied = document.execCommand('copy'); } catch (error) { copied = false; }
  area.remove();
  return copied;
}

export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (error) { /* not allowed here: the old way */ }
  return fallbackCopy(text);
}

// A small button that copies `text()` (a function, or the text itself) and says so.
export function copyButton(what, text, id) {
  const button = el('button', { type: 'button', className: 'copy-button', 'aria-label': `Copy the ${what}`, title: `Copy the ${what}`, text: 'Copy' });
  if (id) button.id = id;
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    const value = typeof text === 'function' ? text() : text;
    const copied = await copyText(value);
    button.dataset.copied = String(copied);
    button.textContent = copied ? 'Copied' : 'Copy failed';
    clearTimeout(button.resetTimer);
    button.resetTimer = setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
  return button;
}

// ---- The drawer as a modal dialog ----

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

// The open drawer on top (an execution's detail over a timeline), or null.
export function topOverlay() {
  if (!$('detail').hidden) return $('detail');
  if (!$('timeline').hidden) return $('timeline');
  return null;
}

function focusables(overlay) {
  return [...overlay.querySelectorAll(FOCUSABLE)].filter((node) => node.getClientRects().length > 0 && !node.closest('[hidden]'));
}

// Tab and Shift+Tab go round the drawer's controls, never behind it.
export function trapFocus(event) {
  const overlay = topOverlay();
  if (!overlay || event.key !== 'Tab') return;
  const nodes = focusables(overlay);
  if (!nodes.length) { event.preventDefault(); return; }
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  const inside = overlay.contains(document.activeElement);
  if (event.shiftKey && (!inside || document.activeElement === first)) { event.preventDefault(); last.focus(); }
  else if (!event.shiftKey && (!inside || document.activeElement === last)) { event.preventDefault(); first.focus(); }
}

// Focus back where it was before a drawer opened, if that is still on the page.
export function restoreFocus(node) {
  if (node && node.isConnected && typeof node.focus === 'function') node.focus();
}

export async function openDetail(id, opener = null) {
  const overlay = $('detail');
  if (overlay.hidden) state.detailOpener = opener || document.activeElement;
  overlay.hidden = false;
  overlay.dataset.state = 'loading';
  $('detail-id').textContent = id;
  $('detail-title').textContent = 'Execution';
  $('detail-body').replaceChildren(el('div', { className: 'detail-state', text: 'Loading execution…' }));
  $('detail-close').focus();
  try {
    const execution = await getJSON(`${API}/${encodeURIComponent(id)}`);
    if ($('detail-id').textContent !== id) return;
    renderDetail(execution);
    overlay.dataset.state = 'ready';
  } catch (error) {
    $('detail-body').replaceChildren(el('div', { className: 'detail-state error', text: `Could not load the execution: ${error.message}` }));
    overlay.dataset.state = 'error';
  }
}

export function closeDetail({ restore = true } = {}) {
  if ($('detail').hidden) return;
  $('detail').hidden = true;
  $('detail-id').textContent = '';
  const opener = state.detailOpener;
  state.detailOpener = null;
  if (restore) restoreFocus(opener);
}

// ---- What it shows ----

function section(title, ...children) {
  return el('section', { className: 'section' }, el('h3', { text: title }), ...children);
}

function sectionWithCopy(title, what, text, ...children) {
  return el('section', { className: 'section' },
    el('div', { className: 'section-title' }, el('h3', { text: title }), copyButton(what, text)), ...children);
}

export function infoGrid(pairs) {
  const grid = el('dl', { className: 'info-grid' });
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    grid.append(el('dt', { text: label }), el('dd', {}, value));
  }
  return grid;
}

// A message's text: kept with its line breaks; ``` fences as code blocks. Always text, never HTML.
export function richText(text) {
  const nodes = [];
  const fence = /```([^\n`]*)\n([\s\S]*?)\n?```/g;
  let at = 0;
  const prose = (part) => {
    const trimmed = part.replace(/^\n/, '').replace(/\n$/, '');
    if (trimmed) nodes.push(el('p', { className: 'message-text', text: trimmed }));
  };
  for (const match of text.matchAll(fence)) {
    prose(text.slice(at, match.index));
    nodes.push(el('pre', { className: 'message-code', 'data-language': match[1].trim() }, el('code', { text: match[2] })));
    at = match.index + match[0].length;
  }
  prose(text.slice(at));
  if (!nodes.length) nodes.push(el('p', { className: 'message-text muted', text: '(empty)' }));
  return nodes;
}

// The text of a message's content, for copying: a string as it is, parts' texts joined, anything else as JSON.
function contentText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((part) => part && typeof part.text === 'string')) {
    return content.map((part) => part.text).join('\n');
  }
  return JSON.stringify(content, null, 2);
}

function messageBody(content) {
  if (typeof content === 'string') return richText(content);
  if (Array.isArray(content)) {
    return content.flatMap((part) => (part && part.type === 'text' && typeof part.text === 'string' ? richText(part.text)
      : [el('pre', { className: 'message-code', text: JSON.stringify(part, null, 2) })]));
  }
  return [el('pre', { className: 'message-code', text: JSON.stringify(content, null, 2) })];
}

// The input messages as a conversation: each message's role and content; the JSON as sent underneath.
function conversation(messages) {
  const list = Array.isArray(messages) ? messages : [messages];
  const items = list.map((message, index) => {
    const isMessage = message !== null && typeof message === 'object' && !Array.isArray(message);
    const role = isMessage && typeof message.role === 'string' ? message.role : 'message';
    const content = isMessage && 'content' in message ? message.content : message;
    return el('li', { className: 'message', 'data-role': role },
      el('div', { className: 'message-header' },
        el('span', { className: 'message-role', text: role }),
        copyButton(`message ${index + 1} (${role})`, contentText(content))),
      el('div', { className: 'message-body' }, ...messageBody(content)));
  });
  const raw = el('details', { className: 'raw-json' }, el('summary', { text: 'As JSON' }),
    el('pre', { id: 'detail-input-messages', text: JSON.stringify(messages, null, 2) }));
  return [el('ol', { className: 'conversation', id: 'detail-conversation' }, ...items), raw];
}

// An id with a link (its timeline) and a copy button.
const idWithCopy = (kind, id, what) => el('span', { className: 'id-with-copy' }, idLink(kind, id), copyButton(what, id, `detail-copy-${kind}`));

function renderDetail(x) {
  const isError = x.error_message !== null;
  $('detail-title').textContent = `${x.usage_type} · ${x.model_name}`;
  const status = el('span', { className: `badge ${isError ? 'error' : 'ok'}`, text: isError ? 'Error' : 'Success' });
  const parts = [];
  if (isError) {
    parts.push(el('section', { className: 'section error-section', id: 'detail-error' },
      el('h3', { text: 'Error' }), el('pre', { text: x.error_message || '(empty error message)' })));
  }
  parts.push(section('Basic information', infoGrid([
    ['Status', status],
    ['Time', el('span', { id: 'detail-time', 'data-time': x.created_at },
      `${formatTime(x.created_at, 'long')} ${zoneLabel(new Date(x.created_at))}`, el('span', { className: 'muted', text: ` (${x.created_at})` }))],
    ['Usage type', x.usage_type],
    ['Provider', x.provider],
    ['Model', x.model_name],
    ['Duration', duration(x.execution_time_ms)],
    ['First token after', x.time_to_first_token_ms === null ? null : duration(x.time_to_first_token_ms)],
    ['Finish reason', x.finish_reason],
    ['Trace', x.trace_id ? idWithCopy('trace', x.trace_id, 'trace id') : null],
    ['Session', x.session_id ? idWithCopy('session', x.session_id, 'session id') : null],
    ['User', x.user_id ? idLink('user', x.user_id) : null],
    ['Tags', x.tags && x.tags.length ? el('span', { className: 'id-links' }, ...x.tags.map((tag) => idLink('tag', tag))) : null],
    ['Model id', x.ai_model_id],
  ])));
  const tokenCard = (label, value, id) => el('div', { className: 'token-card', id },
    el('span', { text: label }), el('strong', { text: count(value) }));
  const tokenCards = [
    tokenCard('Input tokens', x.input_tokens, 'detail-input-tokens'),
    tokenCard('Output tokens', x.output_tokens, 'detail-output-tokens'),
    tokenCard('Total tokens', x.total_tokens, 'detail-total-tokens'),
    tokenCard('Cached input', x.cached_input_tokens, 'detail-cached-tokens'),
  ];
  // Counts that only some providers report: shown where present.
  if (x.cache_creation_input_tokens !== null && x.cache_creation_input_tokens !== undefined) {
    tokenCards.push(tokenCard('Cache writes', x.cache_creation_input_tokens, 'detail-cache-write-tokens'));
  }
  if (x.reasoning_tokens !== null && x.reasoning_tokens !== undefined) {
    tokenCards.push(tokenCard('Reasoning', x.reasoning_tokens, 'detail-reasoning-tokens'));
  }
  parts.push(el('div', { className: `token-cards count-${tokenCards.length}` }, ...tokenCards));
  parts.push(costSection(x));
  const parameters = infoGrid([
    ['Temperature', x.temperature === null ? null : String(x.temperature)],
    ['Max tokens', x.max_tokens === null ? null : count(x.max_tokens)],
  ]);
  const metadata = x.execution_metadata === null ? null
    : el('pre', { text: JSON.stringify(x.execution_metadata, null, 2) });
  parts.push(section('Parameters', parameters.childElementCount ? parameters : el('p', { className: 'muted', text: 'None recorded.' }),
    metadata ? el('h3', { text: 'Metadata' }) : null, metadata));
  parts.push(x.system_prompt === null ? section('System prompt', el('p', { className: 'muted', text: 'None.' }))
    : sectionWithCopy('System prompt', 'system prompt', x.system_prompt, el('pre', { id: 'detail-system-prompt', text: x.system_prompt })));
  parts.push(sectionWithCopy('Input messages', 'input messages as JSON', JSON.stringify(x.input_messages, null, 2), ...conversation(x.input_messages)));
  parts.push(x.response_content === null ? section('Response', el('p', { className: 'muted', text: 'No response.' }))
    : sectionWithCopy('Response', 'response', x.response_content,
      el('div', { className: 'message-body', id: 'detail-response' }, ...richText(x.response_content))));
  $('detail-body').replaceChildren(...parts);
}

// What the execution cost, by component, or why its cost is unknown.
function costSection(x) {
  const cost = x.cost;
  const node = el('section', { className: 'section', id: 'detail-cost', 'data-source': cost ? cost.source ?? '' : '' },
    el('h3', { text: 'Cost' }));
  const message = (kind, title, ...text) => el('p', { className: `cost-message ${kind}`, id: 'detail-cost-message' },
    el('strong', { text: title }), ' ', ...text);
  const reprice = el('code', { text: 'execlog reprice' });
  if (!cost || !cost.source) {
    node.append(message('not-priced', 'Not priced yet.', 'This execution was stored before execlog had costs. ', reprice,
      ' prices it; until then it counts as unpriced, not as $0.'));
    return node;
  }
  if (cost.source === 'unpriced') {
    node.append(message('unpriced', 'Unpriced.', `No price is known for ${x.provider} / ${x.model_name}: the cost is unknown, `
      + 'so it is left out of every total (never counted as $0). Add the model to your price file, then run ', reprice,
      ' (docs/COST.md).'));
    return node;
  }
  if (cost.source === 'no_usage') {
    node.append(message('no-usage', 'No usage reported.', 'The call succeeded without token counts: its cost is unknown, '
      + 'so it is left out of every total (never counted as $0).'));
    return node;
  }
  if (cost.source === 'caller') {
    node.append(
      el('p', { className: 'cost-total', id: 'detail-cost-total', 'data-nano': String(cost.total_nano_usd), title: nanoTitle(cost.total_nano_usd),
        text: callMoney(cost.total_nano_usd) }),
      message('caller', 'Given by the caller.', `The amount the caller reported${x.cost_usd === null || x.cost_usd === undefined ? ''
        : ` (cost_usd ${x.cost_usd})`}, kept as given: it wins over a price computed by execlog.`));
    return node;
  }
  // Computed from a price: the tokens each component bills and what they cost.
  const input = x.input_tokens ?? 0;
  const cached = x.cached_input_tokens ?? 0;
  const writes = x.cache_creation_input_tokens ?? 0;
  const tokens = (n) => (n === null || n === undefined ? '' : `${count(n)} tokens`);
  const row = (component, label, tokenText, nano) => el('tr', { 'data-component': component },
    el('th', { scope: 'row', text: label }),
    el('td', { className: 'number muted', text: tokenText }),
    el('td', { className: 'number amount', 'data-nano': nano === null || nano === undefined ? '' : String(nano),
      title: nano === null || nano === undefined ? '' : nanoTitle(nano), text: callMoney(nano) }));
  const reasoning = x.reasoning_tokens ? ` (${count(x.reasoning_tokens)} reasoning)` : '';
  const total = row('total', 'Total', tokens(x.total_tokens ?? (x.input_tokens ?? 0) + (x.output_tokens ?? 0)), cost.total_nano_usd);
  total.className = 'total';
  total.lastChild.id = 'detail-cost-total';
  node.append(
    el('table', { className: 'cost-table' }, el('tbody', {},
      row('input', 'Input', tokens(x.input_tokens === null ? null : Math.max(0, input - cached - writes)), cost.input_nano_usd),
      row('cached_input', 'Cached input', tokens(x.cached_input_tokens), cost.cached_input_nano_usd),
      row('cache_write', 'Cache writes', tokens(x.cache_creation_input_tokens), cost.cache_write_nano_usd),
      row('output', 'Output', `${tokens(x.output_tokens)}${reasoning}`, cost.output_nano_usd),
      total)),
    infoGrid([['Price', cost.price_ref ? el('code', { id: 'detail-price-ref', text: cost.price_ref }) : 'not recorded']]));
  return node;
}
