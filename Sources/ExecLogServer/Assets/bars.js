// The bar charts of the stats: cost by model, executions by provider and by usage type.
import { providerColor } from './api.js';
import { $, compact, count, el, money, svgEl } from './format.js';

const COST_COLOR = '#16a34a';
const USAGE_COLOR = '#0891b2';
const OTHER_COLOR = '#94a3b8';

// The known cost of each model in the filter, costliest first; models with unpriced executions say how many.
export function renderCostModels(stats) {
  const container = $('chart-cost-models');
  const costs = stats.cost_nano_usd_by_model || {};
  const unpriced = stats.unpriced_executions_by_model || {};
  const executions = stats.executions_by_model || {};
  const names = [...new Set([...Object.keys(costs), ...Object.keys(unpriced)])]
    .sort((a, b) => (costs[b] || 0) - (costs[a] || 0) || (unpriced[b] || 0) - (unpriced[a] || 0) || a.localeCompare(b));
  $('legend-cost-models').textContent = names.length ? `${count(names.length)} models` : '';
  if (!names.length) {
    container.replaceChildren(el('div', { className: 'empty', text: 'No executions in this range.' }));
    return;
  }
  const width = Math.max(container.clientWidth, 280);
  const availableHeight = container.clientHeight || 190;
  // As many rows as fit at 16 px or more; the rest are summed in a last row.
  const fit = Math.max(2, Math.floor(availableHeight / 16));
  let rows = names.map((name) => ({ name, cost: costs[name] || 0, unpriced: unpriced[name] || 0, executions: executions[name] || 0 }));
  if (rows.length > fit) {
    const rest = rows.slice(fit - 1);
    rows = rows.slice(0, fit - 1);
    rows.push({
      name: `${rest.length} other models`, other: true, cost: rest.reduce((sum, r) => sum + r.cost, 0),
      unpriced: rest.reduce((sum, r) => sum + r.unpriced, 0), executions: rest.reduce((sum, r) => sum + r.executions, 0),
    });
  }
  const rowHeight = Math.min(34, availableHeight / rows.length);
  const height = rowHeight * rows.length;
  const labelWidth = Math.min(140, Math.round(width * 0.34));
  const valueWidth = Math.min(150, Math.round(width * 0.32));
  const barSpace = Math.max(20, width - labelWidth - valueWidth);
  const maximum = Math.max(1, ...rows.map((r) => r.cost));
  const maxCharacters = Math.max(6, Math.floor((labelWidth - 8) / 7));
  const chart = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
  rows.forEach((r, index) => {
    const top = index * rowHeight;
    const barHeight = Math.max(6, rowHeight * 0.56);
    const label = r.name.length > maxCharacters ? `${r.name.slice(0, maxCharacters - 1)}…` : r.name;
    const group = svgEl('g', { 'data-model': r.other ? '' : r.name });
    group.append(svgEl('text', { class: 'provider-label', x: 0, y: top + rowHeight / 2 + 4 }, label));
    group.append(svgEl('rect', { x: labelWidth, y: top + (rowHeight - barHeight) / 2, width: barSpace, height: barHeight, rx: 4, fill: '#f1f3f7' }));
    if (r.cost > 0) {
      group.append(svgEl('rect', {
        class: 'bar', x: labelWidth, y: top + (rowHeight - barHeight) / 2, width: Math.max(2, (r.cost / maximum) * barSpace),
        height: barHeight, rx: 4, fill: r.other ? OTHER_COLOR : COST_COLOR,
      }));
    }
    const priced = r.executions - r.unpriced;
    const value = [r.cost > 0 || priced > 0 || r.unpriced === 0 ? money(r.cost) : null, r.unpriced ? `${count(r.unpriced)} unpriced` : null]
      .filter(Boolean).join(' · ');
    group.append(svgEl('text', {
      class: `provider-value${r.unpriced ? ' unpriced' : ''}`, x: width, y: top + rowHeight / 2 + 4, 'text-anchor': 'end',
    }, value));
    const unpricedText = r.unpriced ? `${count(r.unpriced)} executions without a known cost (not in any total)` : '';
    group.append(svgEl('title', {}, r.cost > 0 || priced > 0
      ? `${r.name}: ${money(r.cost)} over ${count(Math.max(0, priced))} priced executions${unpricedText ? `; ${unpricedText}` : ''}`
      : `${r.name}: ${unpricedText}`));
    chart.append(group);
  });
  container.replaceChildren(chart);
}

// Executions of each name (a provider, a usage type), most first, with their tokens.
function countBars(container, executionsBy, tokensBy, color) {
  const names = Object.keys(executionsBy).sort((a, b) => executionsBy[b] - executionsBy[a] || a.localeCompare(b));
  if (!names.length) {
    container.replaceChildren(el('div', { className: 'empty', text: 'No executions in this range.' }));
    return;
  }
  const width = Math.max(container.clientWidth, 280);
  const availableHeight = container.clientHeight || 190;
  const fit = Math.max(2, Math.floor(availableHeight / 16));
  let rows = names.map((name) => ({ name, executions: executionsBy[name], tokens: tokensBy[name] || 0 }));
  if (rows.length > fit) {
    const rest = rows.slice(fit - 1);
    rows = rows.slice(0, fit - 1);
    rows.push({ name: `${rest.length} others`, other: true, executions: rest.reduce((sum, r) => sum + r.executions, 0),
      tokens: rest.reduce((sum, r) => sum + r.tokens, 0) });
  }
  const rowHeight = Math.min(34, availableHeight / rows.length);
  const height = rowHeight * rows.length;
  const labelWidth = Math.min(130, Math.round(width * 0.3));
  const valueWidth = Math.min(130, Math.round(width * 0.3));
  const barSpace = Math.max(20, width - labelWidth - valueWidth);
  const maximum = Math.max(...rows.map((r) => r.executions));
  const maxCharacters = Math.max(6, Math.floor((labelWidth - 8) / 7));
  const chart = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
  rows.forEach((r, index) => {
    const top = index * rowHeight;
    const barHeight = Math.max(6, rowHeight * 0.56);
    const label = r.name.length > maxCharacters ? `${r.name.slice(0, maxCharacters - 1)}…` : r.name;
    const group = svgEl('g', { 'data-name': r.other ? '' : r.name, 'data-executions': String(r.executions) });
    group.append(svgEl('text', { class: 'provider-label', x: 0, y: top + rowHeight / 2 + 4 }, label));
    group.append(svgEl('rect', { x: labelWidth, y: top + (rowHeight - barHeight) / 2, width: barSpace, height: barHeight, rx: 4, fill: '#f1f3f7' }));
    group.append(svgEl('rect', {
      class: 'bar', x: labelWidth, y: top + (rowHeight - barHeight) / 2, width: Math.max(2, (r.executions / maximum) * barSpace),
      height: barHeight, rx: 4, fill: r.other ? OTHER_COLOR : color(r.name),
    }));
    group.append(svgEl('text', { class: 'provider-value', x: width, y: top + rowHeight / 2 + 4, 'text-anchor': 'end' },
      `${count(r.executions)} · ${compact(r.tokens)}`));
    group.append(svgEl('title', {}, `${r.name}: ${count(r.executions)} executions, ${count(r.tokens)} tokens`));
    chart.append(group);
  });
  container.replaceChildren(chart);
}

export function renderProviders(stats) {
  countBars($('chart-providers'), stats.executions_by_provider || {}, stats.tokens_by_provider || {}, providerColor);
}

export function renderUsageTypes(stats) {
  countBars($('chart-usage-types'), stats.executions_by_usage_type || {}, stats.tokens_by_usage_type || {}, () => USAGE_COLOR);
}
