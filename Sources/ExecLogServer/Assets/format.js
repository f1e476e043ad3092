// Formatting for people: counts, durations, money, times (in the page's one time zone), and the DOM helpers.
// Everything the server sends is inserted as text (textContent, SVG attributes), never as HTML.

// What a missing value reads, as in the CLI.
export const MISSING = '–';

const integerFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
export const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 });

const isMissing = (n) => n === null || n === undefined;
export const count = (n) => (isMissing(n) ? MISSING : integerFormat.format(n));
export const compact = (n) => (isMissing(n) ? MISSING : compactFormat.format(n));

// The one duration rule of execlog (the CLI's Formatting.milliseconds; the cases in Tests/formatting/durations.json):
// below 1 s whole milliseconds; below 59,995 ms seconds to two decimals; below an hour minutes and seconds; below
// a day hours and minutes; then days and hours. Each form rounds half up to its last unit, on whole milliseconds.
export function duration(value) {
  if (isMissing(value) || !Number.isFinite(value)) return MISSING;
  // An average has hundredths: rounded to the millisecond first, as the CLI does.
  const ms = Math.sign(value) * Math.round(Math.abs(value));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 59995) {
    const centis = Math.floor((ms + 5) / 10);
    return `${Math.floor(centis / 100)}.${String(centis % 100).padStart(2, '0')} s`;
  }
  if (ms < 3599500) {
    const seconds = Math.floor((ms + 500) / 1000);
    return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  }
  if (ms < 86370000) {
    const minutes = Math.floor((ms + 30000) / 60000);
    return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  }
  const hours = Math.floor((ms + 1800000) / 3600000);
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

// ---- Money ----
// Amounts arrive as integer nanodollars (10⁻⁹ USD). The text is built from the integer's digits (BigInt),
// never from a float, so that what is shown is the stored amount rounded, without drift.

const decimalSeparator = (new Intl.NumberFormat(undefined, { minimumFractionDigits: 1 }).formatToParts(1.5)
  .find((part) => part.type === 'decimal') || { value: '.' }).value;
const compactMoneyFormat = new Intl.NumberFormat(undefined, {
  style: 'currency', currency: 'USD', notation: 'compact', maximumSignificantDigits: 3,
});

// `nano` rounded half up to `decimals` places of a dollar: "$1,234.56", "$0.004110".
function usdFixed(nano, decimals) {
  let amount = BigInt(nano);
  const sign = amount < 0n ? '-' : '';
  if (amount < 0n) amount = -amount;
  const step = 10n ** BigInt(9 - decimals);
  const units = (amount + step / 2n) / step;
  const scale = 10n ** BigInt(decimals);
  const fraction = decimals ? decimalSeparator + (units % scale).toString().padStart(decimals, '0') : '';
  return `${sign}$${integerFormat.format(units / scale)}${fraction}`;
}

// Where a smaller amount would round to zero, more digits: a cost that is not zero never reads $0.
function finer(nano, decimals) {
  const magnitude = Math.abs(nano);
  if (magnitude >= 0.5 * 10 ** (9 - decimals)) return usdFixed(nano, decimals);
  return magnitude >= 500 ? usdFixed(nano, 6) : usdFixed(nano, 9);
}

// A sum (cards, charts): to the cent.
export const money = (nano) => (isMissing(nano) ? MISSING : nano === 0 ? usdFixed(0, 2) : finer(nano, 2));
// One call (table, drawer): to the millionth of a dollar below $1, to the cent from $1.
export const callMoney = (nano) => (isMissing(nano) ? MISSING
  : nano === 0 ? usdFixed(0, 2) : Math.abs(nano) >= 1e9 ? usdFixed(nano, 2) : finer(nano, 6));
const smallMoneyFormat = new Intl.NumberFormat(undefined, {
  style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6,
});
// Axis ticks: round numbers, where a float is harmless. Below $10 in cents, above compact ("$40", "$1.2K").
export const moneyAxis = (maximum) => (nano) => (maximum <= 1e10 ? smallMoneyFormat : compactMoneyFormat).format(nano / 1e9);
export const nanoTitle = (nano) => `${count(nano)} nanodollars (10⁻⁹ USD)`;

// ---- Times: one zone for the whole page, UTC or the browser's own ----

const ZONE_KEY = 'execlog.timeZone';
export const localZoneName = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
let zone = 'utc';
try { zone = window.localStorage.getItem(ZONE_KEY) === 'local' ? 'local' : 'utc'; } catch (error) { zone = 'utc'; }
let formats = {};

function makeFormats() {
  const timeZone = zone === 'utc' ? 'UTC' : undefined;
  const f = (options) => new Intl.DateTimeFormat(undefined, { ...options, timeZone });
  formats = {
    short: f({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
    long: f({ dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' }),
    clock: f({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    hour: f({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    dayHour: f({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    // The API's day buckets are UTC days: named as such in either zone.
    day: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
  };
}
makeFormats();

export const timeZoneSetting = () => zone;

export function setTimeZone(value) {
  zone = value === 'local' ? 'local' : 'utc';
  try { window.localStorage.setItem(ZONE_KEY, zone); } catch (error) { /* private mode: for this page only */ }
  makeFormats();
}

// "UTC", or the local offset at `date` ("UTC−05:00").
export function zoneLabel(date = new Date()) {
  if (zone === 'utc') return 'UTC';
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '−' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `UTC${sign}${hours}:${minutes}`;
}
// The zone's full name, for titles: "UTC" or "America/New_York (UTC−05:00)".
export const zoneTitle = () => (zone === 'utc' ? 'UTC' : `${localZoneName} (${zoneLabel()})`);

export const formatTime = (value, kind = 'short') => formats[kind].format(value instanceof Date ? value : new Date(value));
export const dayLabel = (value) => formats.day.format(new Date(value));

// A datetime-local input's value ("2026-11-27T10:00") as an instant in the page's zone, and back.
export function inputToInstant(text) {
  if (!text) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(text);
  if (!match) return '';
  const [y, mo, d, h = '0', mi = '0'] = match.slice(1);
  const date = zone === 'utc' ? new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi)) : new Date(+y, +mo - 1, +d, +h, +mi);
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

export function instantToInput(text) {
  if (!text) return '';
  // A bare date (an address written before times): midnight UTC.
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  if (zone === 'utc') {
    return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  }
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// ---- DOM helpers ----

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svgEl(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export const $ = (id) => document.getElementById(id);

// Long ids (a trace's 32 hex digits) by their start; the whole id is in the title.
export const shortId = (id) => (id.length > 20 ? `${id.slice(0, 8)}…` : id);

// For the browser test: the page's own formatters.
window.execlogFormat = { duration, count, money, callMoney, MISSING };
