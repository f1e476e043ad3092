// The executions table: its rows, sorting by a header, paging, and what it says when it has no rows.
import { API, SORTS, filterParams, getJSON, isSearchError, state } from './api.js';
import { $, MISSING, callMoney, count, duration, el, formatTime, nanoTitle, shortId, zoneLabel, zoneTitle } from './format.js';
import { openDetail } from './drawer.js';
import { addFilter } from './filters.js';
import { openTimeline } from './timeline.js';

function costCell(item) {
  const cell = el('td', { className: 'number cost', 'data-source': item.cost_source ?? '' });
  const known = item.cost_nano_usd !== null && item.cost_nano_usd !== undefined;
  if (known) {
    cell.dataset.nano = String(item.cost_nano_usd);
    cell.textContent = callMoney(item.cost_nano_usd);
    cell.title = item.cost_source === 'caller' ? `Given by the caller: ${nanoTitle(item.cost_nano_usd)}` : nanoTitle(item.cost_nano_usd);
    if (item.cost_source === 'caller') cell.classList.add('caller');
  } else if (item.cost_source === 'unpriced') {
    cell.append(el('span', {
      className: 'cost-flag unpriced', text: 'unpriced', title: `No price known for ${item.provider} / ${item.model_name}: not in the totals`,
    }));
  } else if (item.cost_source === 'no_usage') {
    cell.append(el('span', { className: 'cost-flag', text: 'no usage', title: 'The call reported no token counts: its cost is unknown' }));
  } else {
    cell.textContent = MISSING;
    cell.title = 'Not priced yet: stored before execlog had costs (execlog reprice prices it)';
  }
  return cell;
}

// The tokens of a call: the total, and in / out where known; a call without usage reads "–".
function tokensCell(item) {
  const known = (n) => n !== null && n !== undefined;
  const cell = el('td', { className: 'number tokens' });
  if (!known(item.total_tokens) && !known(item.input_tokens) && !known(item.output_tokens)) {
    cell.textContent = MISSING;
    cell.title = 'No token counts reported';
    return cell;
  }
  cell.append(count(item.total_tokens ?? ((item.input_tokens ?? 0) + (item.output_tokens ?? 0))));
  if (known(item.input_tokens) || known(item.output_tokens)) {
    cell.append(el('small', { text: `${count(item.input_tokens)} / ${count(item.output_tokens)}` }));
  }
  return cell;
}

// A search hit's excerpt: the matched terms in <mark>, the rest as text. The API sends { segments: [...] }
// (a bare array is read too).
function snippetNode(snippet) {
  const segments = Array.isArray(snippet) ? snippet : (snippet && snippet.segments) || [];
  const node = el('p', { className: 'snippet' });
  for (const segment of segments) {
    node.append(segment.match ? el('mark', { text: segment.text }) : document.createTextNode(segment.text));
  }
  if (!segments.length) node.append(el('span', { className: 'muted', text: 'Matched outside the excerpted text.' }));
  return node;
}

function snippetRow(item, columns) {
  const row = el('tr', { className: 'snippet-row', 'data-for': item.id },
    el('td', { colspan: String(columns) }, snippetNode(item.snippet)));
  row.addEventListener('click', () => openDetail(item.id, row));
  return row;
}

// An id that leads somewhere (a trace's or a session's timeline, a user's executions): a button that reads as
// a link, inside rows that open the detail themselves.
export function idLink(kind, id, { short = false } = {}) {
  const actions = {
    trace: ['Open the timeline of trace', () => openTimeline('trace', id)],
    session: ['Open the timeline of session', () => openTimeline('session', id)],
    user: ['Show only the executions of user', () => addFilter('userId', id)],
    tag: ['Show only the executions tagged', () => addFilter('tag', id)],
  };
  const [title, action] = actions[kind];
  const button = el('button', {
    type: 'button', className: `id-link ${kind}`, 'data-kind': kind, 'data-value': id, title: `${title} ${id}`,
    text: short ? shortId(id) : id,
  });
  button.addEventListener('click', (event) => { event.stopPropagation(); action(); });
  // Enter on the link is the link's, not the row's (Escape still closes the drawer).
  button.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') event.stopPropagation(); });
  return button;
}

// A text that may be long (a model's name, an error): cut with an ellipsis by the stylesheet, whole in the title.
const truncated = (className, text, extra = {}) => el('td', { className, title: text, ...extra },
  el('span', { className: 'truncate', text }));

const showsErrors = () => state.filters.hasError === 'true';

export function renderRows(items) {
  const table = $('executions-table');
  $('th-error').hidden = !showsErrors();
  const columns = [...table.tHead.rows[0].cells].filter((cell) => !cell.hidden).length;
  const rows = items.flatMap((item) => {
    const isError = item.error_message !== null;
    const row = el('tr', { tabindex: '0', 'data-id': item.id },
      el('td', { className: 'time', title: `${item.created_at} (UTC)`, 'data-time': item.created_at, text: formatTime(item.created_at) }),
      el('td', { className: 'usage', title: item.usage_type }, el('span', { className: 'chip truncate', text: item.usage_type })),
      truncated('provider', item.provider),
      truncated('model', item.model_name),
      tokensCell(item),
      costCell(item),
      el('td', { className: 'number duration', text: duration(item.execution_time_ms) }),
      el('td', { className: 'status' }, el('span', {
        className: `badge ${isError ? 'error' : 'ok'}`, text: isError ? 'Error' : 'Success', title: item.error_message ?? '',
      })),
      showsErrors() ? truncated('error-message', item.error_message ?? '') : null,
      el('td', { className: 'trace' }, item.trace_id ? idLink('trace', item.trace_id, { short: true }) : el('span', { className: 'muted', text: MISSING })));
    row.addEventListener('click', () => openDetail(item.id, row));
    // preventDefault: the Enter must not also press the drawer's close button, which has the focus by then.
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target === row) { event.preventDefault(); openDetail(item.id, row); }
    });
    if (item.snippet === undefined || item.snippet === null) return [row];
    row.classList.add('has-snippet');
    return [row, snippetRow(item, columns)];
  });
  table.tBodies[0].replaceChildren(...rows);
  state.rowsOnPage = items.length;
}

const SORT_NAMES = {
  created_at: ['newest first', 'oldest first'], total_tokens: ['most tokens first', 'fewest tokens first'],
  execution_time_ms: ['slowest first', 'fastest first'], cost_nano_usd: ['costliest first', 'cheapest first'],
};

export function renderTableSummary() {
  const first = state.page * state.limit + 1;
  const shown = state.rowsOnPage || 0;
  const of = state.total === null ? '' : ` of ${count(state.total)}`;
  const order = SORT_NAMES[state.sort][state.order === 'desc' ? 0 : 1];
  $('table-summary').textContent = shown ? `Showing ${count(first)}–${count(first + shown - 1)}${of}, ${order}` : '';
  $('page-label').textContent = `Page ${count(state.page + 1)}`;
}

// The headers that sort: aria-sort on the sorted one; the time header names the zone.
export function renderHeaders() {
  for (const th of document.querySelectorAll('#executions-table th[data-sort]')) {
    const sorted = th.dataset.sort === state.sort;
    if (sorted) th.setAttribute('aria-sort', state.order === 'desc' ? 'descending' : 'ascending');
    else th.removeAttribute('aria-sort');
  }
  $('th-time-zone').textContent = `(${zoneLabel()})`;
  $('th-time').title = `Times in ${zoneTitle()}`;
}

function setTableState(message, { isError = false, nodes = null } = {}) {
  const node = $('table-state');
  if (nodes) node.replaceChildren(...nodes);
  else node.textContent = message;
  node.hidden = !message && !nodes;
  node.classList.toggle('error', isError);
}

const anyFilter = () => Object.values(state.filters).some(Boolean);

// An empty store: nothing is logged yet, and how to start.
function nothingLoggedYet() {
  const code = (text) => el('code', { text });
  return [
    el('p', { className: 'empty-title', text: 'Nothing is logged yet.' }),
    el('p', { text: 'This store holds no executions. To log some:' }),
    el('ul', { className: 'empty-steps' },
      el('li', {}, 'start the writer: ', code('execlogd --db PATH'), ' (the store this server reads);'),
      el('li', {}, 'log from a worker with the ExecLog library (', code('import ExecLog'), ', see the README);'),
      el('li', {}, 'or try it out: ', code('scripts/demo'), ' runs the writer and a few workers.')),
    el('p', { className: 'muted', text: 'Then press Refresh.' }),
  ];
}

export async function loadPage() {
  const generation = ++state.pageGeneration;
  const table = $('executions-table');
  table.classList.add('loading-rows');
  if (!table.tBodies[0].rows.length) setTableState('Loading executions…');
  $('page-prev').disabled = true;
  $('page-next').disabled = true;
  const byTime = state.sort === 'created_at';
  let failed = false;
  try {
    const params = { ...filterParams(), limit: state.limit };
    if (!byTime || state.order !== 'desc') Object.assign(params, { sort: state.sort, order: state.order });
    // The cursor walks time order only; another order pages by skip.
    if (byTime) params.cursor = state.cursors[state.page];
    else params.skip = state.page * state.limit;
    const page = await getJSON(`${API}/`, params);
    if (generation !== state.pageGeneration) return;
    state.nextCursor = page.next_cursor;
    // has_more from the server; from the page's length where an older server does not say.
    state.hasMore = typeof page.has_more === 'boolean' ? page.has_more : byTime ? Boolean(page.next_cursor)
      : page.items.length === state.limit && (state.total === null || params.skip + page.items.length < state.total);
    renderRows(page.items);
    if (page.items.length) setTableState('');
    else if (!anyFilter() && state.page === 0) setTableState('', { nodes: nothingLoggedYet() });
    else setTableState('No executions match these filters.');
  } catch (error) {
    if (generation !== state.pageGeneration) return;
    failed = true;
    renderRows([]);
    if (isSearchError(error)) setTableState('No executions: the search above cannot be run as it is written.');
    else setTableState(`Could not load executions: ${error.message}`, { isError: true });
    throw error;
  } finally {
    if (generation === state.pageGeneration) {
      table.classList.remove('loading-rows');
      const empty = failed || !state.rowsOnPage;
      $('page-prev').disabled = empty || state.page === 0;
      $('page-next').disabled = empty || !state.hasMore;
      table.dataset.state = failed ? 'error' : 'ready';
      renderTableSummary();
    }
  }
}

export function resetPaging() {
  state.cursors = [null];
  state.page = 0;
}

// Sorting by a header: a first click sorts most first, a second reverses; paging starts over.
export function wireSort(onChange) {
  for (const button of document.querySelectorAll('#executions-table th[data-sort] .sort-button')) {
    button.addEventListener('click', () => {
      const key = button.closest('th').dataset.sort;
      if (!SORTS.includes(key)) return;
      if (state.sort === key) state.order = state.order === 'desc' ? 'asc' : 'desc';
      else { state.sort = key; state.order = 'desc'; }
      resetPaging();
      renderHeaders();
      onChange();
    });
  }
}
