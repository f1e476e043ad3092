// The filters: the controls, the chips, and the address that holds them (Back, Forward and reload follow it).
import { FILTERS, RANGES, SORTS, emptyFilters, filterSpan, state } from './api.js';
import { $, el, inputToInstant, instantToInput, shortId } from './format.js';
import { closeDetail } from './drawer.js';
import { renderHeaders, resetPaging } from './table.js';
import { closeTimeline, openTimeline, sameView } from './timeline.js';

const CHIPS = [['traceId', 'trace'], ['sessionId', 'session'], ['userId', 'user'], ['tag', 'tag'], ['q', 'search']];
const SEARCH_DELAY_MS = 350;
// The selects and the search box, by the filter they hold.
const CONTROLS = [['filter-usage-type', 'usageType'], ['filter-provider', 'provider'], ['filter-model', 'modelName'],
  ['filter-status', 'hasError'], ['filter-q', 'q']];

let reload = () => {};
// What runs when the filters change: the page's whole load.
export function onFiltersChanged(load) { reload = load; }

export function showSearchError(message) {
  const node = $('search-error');
  node.textContent = message;
  node.hidden = !message;
  $('filter-q').setAttribute('aria-invalid', message ? 'true' : 'false');
}

// The filters the selects do not show, and the search, as chips that remove themselves.
export function renderChips() {
  const chips = CHIPS.filter(([key]) => state.filters[key]).map(([key, label]) => {
    const value = state.filters[key];
    const remove = el('button', { type: 'button', className: 'chip-remove', 'aria-label': `Remove the filter ${label}: ${value}`, text: '×' });
    remove.addEventListener('click', () => removeFilter(key));
    return el('span', { className: 'filter-chip', 'data-filter': key, title: `${label}: ${value}` },
      el('span', { className: 'chip-label', text: `${label}:` }),
      el('span', { className: 'chip-value', text: key === 'q' ? value : shortId(value) }), remove);
  });
  $('filter-chips').replaceChildren(...chips);
  $('filter-chips').hidden = !chips.length;
}

export function addFilter(key, value) {
  closeDetail({ restore: false });
  closeTimeline({ restore: false, address: false });
  state.filters[key] = value;
  applyFilters();
}

function removeFilter(key) {
  state.filters[key] = '';
  if (key === 'q') $('filter-q').value = '';
  applyFilters();
}

export function applyFilters() {
  clearTimeout(state.searchTimer);
  resetPaging();
  writeAddress();
  renderChips();
  showRangeInControls();
  reload();
}

// The range select says "Custom" while From / To are set.
function showRangeInControls() {
  const f = state.filters;
  $('filter-range').value = f.range && RANGES[f.range] ? f.range : f.startDate || f.endDate ? 'custom' : '';
}

export function showFiltersInControls() {
  const f = state.filters;
  for (const [id, key] of CONTROLS) {
    const control = $(id);
    const value = f[key];
    // A select without the option yet (facets not loaded): loadFacets adds and selects it.
    if (control.tagName === 'SELECT' && value && ![...control.options].some((option) => option.value === value)) {
      control.append(el('option', { value, text: value }));
    }
    control.value = value;
  }
  $('filter-start-date').value = instantToInput(f.startDate);
  $('filter-end-date').value = instantToInput(f.endDate);
  showRangeInControls();
}

export function fillSelect(select, values, allLabel, selected) {
  const options = [el('option', { value: '', text: allLabel })];
  const names = values.includes(selected) || !selected ? values : [...values, selected];
  for (const value of names) options.push(el('option', { value, text: value, title: value }));
  select.replaceChildren(...options);
  select.value = selected;
}

// The address holds the view: the filters by their API names, the order, and the open timeline
// (#q=…&user_id=…&sort=cost_nano_usd&trace=…), so that a view can be reloaded, shared, and gone back to.
function address() {
  const params = new URLSearchParams();
  for (const [key, name] of FILTERS) if (state.filters[key]) params.set(name, state.filters[key]);
  if (state.sort !== 'created_at' || state.order !== 'desc') {
    params.set('sort', state.sort);
    params.set('order', state.order);
  }
  if (state.view) params.set(state.view.kind, state.view.id);
  const text = params.toString();
  return text ? `#${text}` : '';
}

const currentHash = () => (window.location.hash === '#' ? '' : window.location.hash);

export function writeAddress() {
  const hash = address();
  if (hash === currentHash()) return;
  window.history.pushState(null, '', hash || `${window.location.pathname}${window.location.search}`);
}

// Reads the address into the state; answers the timeline it names.
export function readAddress() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  state.filters = Object.fromEntries(FILTERS.map(([key, name]) => [key, (params.get(name) || '').trim()]));
  if (state.filters.range && !RANGES[state.filters.range]) state.filters.range = '';
  state.sort = SORTS.includes(params.get('sort')) ? params.get('sort') : 'created_at';
  state.order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const kind = ['trace', 'session'].find((name) => params.get(name));
  return kind ? { kind, id: params.get(kind) } : null;
}

// Back, forward, or an address edited by hand: the page follows it.
function followAddress() {
  if (address() === currentHash()) return;
  const before = JSON.stringify([state.filters, state.sort, state.order]);
  const view = readAddress();
  showFiltersInControls();
  renderChips();
  renderHeaders();
  if (JSON.stringify([state.filters, state.sort, state.order]) !== before) {
    resetPaging();
    reload();
  }
  if (view && !sameView(view.kind, view.id)) openTimeline(view.kind, view.id);
  if (!view && state.view) closeTimeline({ address: false });
}

function wireSearch() {
  const run = () => {
    clearTimeout(state.searchTimer);
    const q = $('filter-q').value.trim();
    if (q === state.filters.q) return;
    state.filters.q = q;
    applyFilters();
  };
  $('filter-q').addEventListener('input', () => {
    clearTimeout(state.searchTimer);
    state.searchTimer = setTimeout(run, SEARCH_DELAY_MS);
  });
  $('filter-q').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { event.preventDefault(); run(); }
  });
}

export function wireFilters() {
  for (const [id, key] of CONTROLS) {
    if (id === 'filter-q') continue;
    $(id).addEventListener('change', () => { state.filters[key] = $(id).value; applyFilters(); });
  }
  // A relative range replaces From / To; From / To replace a relative range.
  $('filter-range').addEventListener('change', () => {
    const value = $('filter-range').value;
    if (value === 'custom') {
      // The relative range becomes the same span written out, to edit from there.
      if (state.filters.range) {
        const span = filterSpan();
        const instant = (ms) => new Date(Math.floor(ms / 60000) * 60000).toISOString().replace(/\.000Z$/, 'Z');
        Object.assign(state.filters, { range: '', startDate: instant(span.from), endDate: instant(span.to + 60000) });
        showFiltersInControls();
        applyFilters();
      }
      $('filter-start-date').focus();
      return;
    }
    Object.assign(state.filters, { range: value, startDate: '', endDate: '' });
    $('filter-start-date').value = '';
    $('filter-end-date').value = '';
    applyFilters();
  });
  for (const [id, key] of [['filter-start-date', 'startDate'], ['filter-end-date', 'endDate']]) {
    $(id).addEventListener('change', () => {
      state.filters[key] = inputToInstant($(id).value);
      state.filters.range = '';
      applyFilters();
    });
  }
  $('filter-clear').addEventListener('click', () => {
    state.filters = emptyFilters();
    showFiltersInControls();
    applyFilters();
  });
  wireSearch();
  window.addEventListener('popstate', followAddress);
  window.addEventListener('hashchange', followAddress);
}
