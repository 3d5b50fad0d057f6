// Builds src/CxContact.Core/Geography/us-zip.bin (US ZIP -> state and candidate IANA zones) and its attribution
// from the pinned npm data packages and the system's IANA tz database (zone.tab, tzdata.zi).
// Run: npm ci && node generate-postal.mjs
// The format is read by CxContact.Core.Geography.UsZipTable; change both together.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, '../../src/CxContact.Core/Geography');
const tzDir = process.env.TZDIR || '/usr/share/zoneinfo';

const zipcodes = require('zipcodes');
const zipToTz = require('zipcode-to-timezone');
const tzLookup = require('@photostructure/tz-lookup');

// Must match UsZipTable.Magic and UsZipTable.FormatVersion.
const MAGIC = 'CXZP';
const FORMAT_VERSION = 1;
const ZIP_SPACE = 100000;

// USPS codes of the territories and freely associated states whose ZIPs zipcode-to-timezone lacks. Each equals the
// place's ISO 3166 code, so its zones come from zone.tab. Listed by hand because US state codes collide with other
// countries' codes (CA, DE, IN, ...), so "is it a zone.tab country" cannot be the test.
const TERRITORIES = ['AS', 'FM', 'GU', 'MH', 'MP', 'PR', 'PW', 'VI'];
// Military mail (APO/FPO/DPO) reaches units anywhere in the world: no zone can be inferred from the ZIP.
const MILITARY = ['AA', 'AE', 'AP'];
// How many nearby ZIPs vote on the zone of a ZIP that zipcode-to-timezone lacks.
const NEIGHBOURS = 5;

function packageInfo(name) {
  const pkgPath = require.resolve(`${name}/package.json`);
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  const licence = readFileSync(join(dirname(pkgPath), 'LICENSE'), 'utf8').trim();
  const repo = (pkg.repository?.url || pkg.homepage || '')
    .replace(/^git\+/, '').replace(/^(git|ssh):\/\/(git@)?/, 'https://')
    .replace(/^http:/, 'https:').replace(/\.git$/, '');
  return { name, version: pkg.version, licenseId: pkg.license, repo, dir: dirname(pkgPath), licence };
}

function fail(message) {
  console.error(`generate-postal: ${message}`);
  process.exit(1);
}

// --- IANA tz database: zone.tab names are the ones we emit; links (tzdata.zi "L target name") map old names to them.
const zoneTab = readFileSync(join(tzDir, 'zone.tab'), 'utf8');
const tzdataZi = readFileSync(join(tzDir, 'tzdata.zi'), 'utf8');
const tzdataVersion = (tzdataZi.match(/^# version (\S+)/m) || [])[1] || 'unknown';
const zonesByCountry = new Map();
for (const line of zoneTab.split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const [cc, , zone] = line.split('\t');
  if (!zonesByCountry.has(cc)) zonesByCountry.set(cc, []);
  zonesByCountry.get(cc).push(zone);
}
const zoneTabNames = new Set([...zonesByCountry.values()].flat());
const linkTarget = new Map();
for (const line of tzdataZi.split('\n')) {
  const m = line.match(/^L (\S+) (\S+)$/);
  if (m) linkTarget.set(m[2], m[1]);
}
const renamed = new Map();
function tryZoneTabName(zone) {
  let z = zone;
  for (let hops = 0; !zoneTabNames.has(z); hops++) {
    if (!linkTarget.has(z) || hops > 5) return null;
    z = linkTarget.get(z);
  }
  return z;
}
function zoneTabName(zone) {
  const z = tryZoneTabName(zone);
  if (!z) fail(`zone ${zone} is neither in zone.tab nor a link to a zone.tab zone`);
  if (z !== zone) renamed.set(zone, z);
  return z;
}

// Zones whose UTC offset agrees at every hour of the sample are interchangeable for calling windows, so candidates
// keep only one of them (e.g. America/Kentucky/Louisville and America/New_York).
const sampleStart = Date.UTC(2025, 0, 1);
const sampleHours = 3 * 366 * 24;
const offsetCache = new Map();
function offsetSignature(zone) {
  if (!offsetCache.has(zone)) {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    const parts = [];
    for (let h = 0; h < sampleHours; h++) {
      parts.push(format.formatToParts(new Date(sampleStart + h * 3600e3)).find(p => p.type === 'timeZoneName').value);
    }
    offsetCache.set(zone, parts.join(','));
  }
  return offsetCache.get(zone);
}

// --- Sources, read only through their public lookup functions.
const zt = packageInfo('zipcode-to-timezone');
const zc = packageInfo('zipcodes');
const toTzRaw = new Map();
const places = new Map();
for (let n = 0; n < ZIP_SPACE; n++) {
  const zip = String(n).padStart(5, '0');
  const tz = zipToTz.lookup(zip);
  if (tz) toTzRaw.set(zip, tz);
  const place = zipcodes.lookup(zip);
  if (place && place.country === 'US') places.set(zip, place);
}

const stats = {
  zipcodes: places.size, zipToTz: toTzRaw.size, both: 0, onlyZipcodes: 0, onlyZipToTz: 0,
  stateFromPrefix: 0, droppedAmbiguousPrefix: 0, droppedMilitary: 0, territoryZones: 0,
  filledSingle: 0, filledMulti: 0, droppedNoZone: 0, noCoordinates: 0, coordinateZoneAbroad: 0,
  coordinateDisagreements: 0, multiCandidate: 0,
};
for (const zip of new Set([...places.keys(), ...toTzRaw.keys()])) {
  if (places.has(zip) && toTzRaw.has(zip)) stats.both++;
  else if (places.has(zip)) stats.onlyZipcodes++;
  else stats.onlyZipToTz++;
}

// State of each 3-digit prefix, for ZIPs only zipcode-to-timezone knows. A prefix is a USPS sectional centre, which
// nearly always lies in one state; where zipcodes shows it spanning states we do not guess.
const prefixStates = new Map();
for (const [zip, place] of places) {
  const p = zip.slice(0, 3);
  if (!prefixStates.has(p)) prefixStates.set(p, new Set());
  prefixStates.get(p).add(place.state);
}

const records = new Map(); // zip -> { state, zones, how }
for (const zip of [...new Set([...places.keys(), ...toTzRaw.keys()])].sort()) {
  let state = places.get(zip)?.state;
  if (!state) {
    const states = prefixStates.get(zip.slice(0, 3));
    if (!states || states.size !== 1) { stats.droppedAmbiguousPrefix++; continue; }
    state = [...states][0];
    stats.stateFromPrefix++;
  }
  if (MILITARY.includes(state)) { stats.droppedMilitary++; continue; }
  const raw = toTzRaw.get(zip);
  if (raw) {
    records.set(zip, { state, zones: [zoneTabName(raw)], how: 'source' });
  } else if (TERRITORIES.includes(state)) {
    const zones = zonesByCountry.get(state);
    if (!zones) fail(`territory ${state} has no zone.tab entry`);
    records.set(zip, { state, zones: [...zones], how: 'territory' });
    stats.territoryZones++;
  } else {
    records.set(zip, { state, zones: [], how: 'fill' });
  }
}

function distanceKm(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}
const hasCoordinates = p => p && typeof p.latitude === 'number' && typeof p.longitude === 'number'
  && (p.latitude !== 0 || p.longitude !== 0);
const countryOf = state => (TERRITORIES.includes(state) ? state : 'US');

// Keeps the first of each group of zones whose offsets agree, so the caller sees one name per distinct clock.
function withoutEquivalents(zones) {
  const kept = [];
  for (const z of zones) {
    if (!kept.some(k => offsetSignature(k) === offsetSignature(z))) kept.push(z);
  }
  return kept;
}
const byFrequency = zones => {
  const counts = new Map();
  for (const z of zones) counts.set(z, (counts.get(z) || 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b));
};

// A ZIP without a zone takes the zones of its nearest same-state neighbours that have one. Neighbours beat "most
// common zone of the 3-digit prefix": prefix 860 is mostly Navajo Nation (Mountain with DST), which would put
// Flagstaff (86005, Arizona time) an hour off.
const known = [...records].filter(([zip, r]) => r.how === 'source' && hasCoordinates(places.get(zip)));
const filled = [];
for (const [zip, r] of records) {
  if (r.how !== 'fill') continue;
  const place = places.get(zip);
  let pool;
  let basis;
  if (hasCoordinates(place)) {
    pool = known.filter(([, k]) => k.state === r.state)
      .map(([z, k]) => ({ zone: k.zones[0], d: distanceKm(place, places.get(z)), zip: z }))
      .sort((a, b) => a.d - b.d || a.zip.localeCompare(b.zip))
      .slice(0, NEIGHBOURS);
    basis = `${NEIGHBOURS} nearest`;
  } else {
    pool = [...records]
      .filter(([z, k]) => k.how === 'source' && k.state === r.state && z.slice(0, 3) === zip.slice(0, 3))
      .map(([, k]) => ({ zone: k.zones[0] }));
    basis = 'same prefix';
  }
  if (pool.length === 0) { records.delete(zip); stats.droppedNoZone++; continue; }
  r.zones = byFrequency(pool.map(p => p.zone));
  filled.push({ zip, r, basis, city: place?.city ?? '' });
}

// Second opinion: the zone at the ZIP's coordinates. zipcode-to-timezone is wrong for whole regions (it puts
// Paducah KY, Evansville IN and Gary IN, all on Central time, on Eastern), so where the two disagree both become
// candidates and a call waits until both zones allow it. The coordinate zone goes first: in the large disagreements
// checked by hand (Paducah, Evansville, Gary, Show Low AZ) it is the right one. A coordinate zone outside the ZIP's
// country is a border artefact of the lossy polygon lookup and is ignored.
const disagreements = new Map();
function addSecondOpinion(zip, r, zone, label) {
  if (r.zones.some(z => offsetSignature(z) === offsetSignature(zone))) return;
  const key = `${r.state}: ${withoutEquivalents(r.zones).join(' | ')} + ${zone} (${label})`;
  if (!disagreements.has(key)) disagreements.set(key, []);
  disagreements.get(key).push(zip);
  r.zones.unshift(zone);
}
for (const [zip, r] of records) {
  const place = places.get(zip);
  if (!hasCoordinates(place)) continue;
  // Etc/GMT+n (open sea) has no zone.tab name and counts as abroad too.
  const atPoint = tryZoneTabName(tzLookup(place.latitude, place.longitude));
  if (!atPoint || !zonesByCountry.get(countryOf(r.state)).includes(atPoint)) { stats.coordinateZoneAbroad++; continue; }
  addSecondOpinion(zip, r, atPoint, 'coordinates');
}
// ZIPs without coordinates (mostly those only zipcode-to-timezone knows) cannot be checked at a point, so every zone
// the same-state ZIPs of their 3-digit prefix ended up with is a candidate too.
const prefixZones = new Map();
for (const [zip, r] of records) {
  if (!hasCoordinates(places.get(zip))) continue;
  const key = `${r.state}|${zip.slice(0, 3)}`;
  if (!prefixZones.has(key)) prefixZones.set(key, []);
  prefixZones.get(key).push(...r.zones);
}
for (const [zip, r] of records) {
  if (hasCoordinates(places.get(zip))) continue;
  stats.noCoordinates++;
  for (const z of withoutEquivalents(byFrequency(prefixZones.get(`${r.state}|${zip.slice(0, 3)}`) || []))) {
    addSecondOpinion(zip, r, z, 'prefix');
  }
}
for (const r of records.values()) r.zones = withoutEquivalents(r.zones);
stats.coordinateDisagreements = [...disagreements.values()].reduce((n, zips) => n + zips.length, 0);
for (const f of filled) if (f.r.zones.length === 1) stats.filledSingle++; else stats.filledMulti++;
stats.multiCandidate = [...records.values()].filter(r => r.zones.length > 1).length;

// Sanity: every emitted zone must be one zone.tab lists for the US or for the record's territory.
for (const [zip, r] of records) {
  for (const z of r.zones) {
    if (!zonesByCountry.get(countryOf(r.state)).includes(z)) {
      fail(`${zip} ${r.state} has zone ${z}, not listed for it in zone.tab`);
    }
  }
}

// --- Tables, sorted so a refresh of unchanged data writes identical bytes.
const regions = [...new Set([...records.values()].map(r => r.state))].sort();
const zones = [...new Set([...records.values()].flatMap(r => r.zones))].sort();
const locationKey = r => `${r.state}|${r.zones.join(',')}`;
const locations = [...new Map([...records.values()].map(r => [locationKey(r), r])).values()]
  .sort((a, b) => locationKey(a).localeCompare(locationKey(b)));
const locationIndex = new Map(locations.map((l, i) => [locationKey(l), i]));
if (regions.length > 255 || zones.length > 255 || locations.length > 255) {
  fail(`tables exceed one byte: ${regions.length} regions, ${zones.length} zones, ${locations.length} locations`);
}

const bytes = [];
const ascii = s => {
  if (!/^[\x20-\x7e]{1,255}$/.test(s)) fail(`not short printable ASCII: ${s}`);
  bytes.push(s.length, ...Buffer.from(s, 'ascii'));
};
bytes.push(...Buffer.from(MAGIC, 'ascii'), FORMAT_VERSION);
bytes.push(regions.length); regions.forEach(ascii);
bytes.push(zones.length); zones.forEach(ascii);
bytes.push(locations.length);
for (const l of locations) {
  bytes.push(regions.indexOf(l.state), l.zones.length, ...l.zones.map(z => zones.indexOf(z)));
}
// One byte per possible ZIP: 0 = no such ZIP, otherwise 1 + location index.
const dense = new Uint8Array(ZIP_SPACE);
for (const [zip, r] of records) dense[Number(zip)] = 1 + locationIndex.get(locationKey(r));
const resource = Buffer.concat([Buffer.from(bytes), Buffer.from(dense)]);
writeFileSync(join(outDir, 'us-zip.bin'), resource);

// --- Attribution: licences copied from the installed packages, plus the rules above and their counts.
const tl = packageInfo('@photostructure/tz-lookup');
const zoneCount = new Map();
for (const r of records.values()) for (const z of r.zones) zoneCount.set(z, (zoneCount.get(z) || 0) + 1);
const ztCopyright = (readFileSync(join(zt.dir, 'index.js'), 'utf8').match(/Copyright \(C\)[^\n]*/) || [])[0]?.trim();
const zcCopyright = (zc.licence.match(/Copyright \(c\)[^\n]*/) || [])[0]?.trim();
const disagreementLines = [...disagreements].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
  .map(([key, zips]) => `${key}: ${zips.length} (${zips.join(' ')})`);
const filledLines = filled.map(f => `${f.zip} ${f.r.state} ${f.city} -> ${f.r.zones.join(' | ')} (${f.basis})`);
const attribution = `# us-zip.bin: sources, licences and rules

Generated by \`eng/refdata/generate-postal.mjs\`; do not edit. Refresh: see \`eng/refdata/README.md\`.

## Sources

| Source | Version | Licence | Copyright | Used for |
|---|---|---|---|---|
| npm \`zipcode-to-timezone\` (${zt.repo}) | ${zt.version} | ${zt.licenseId} | ${ztCopyright} | ZIP -> IANA zone |
| npm \`zipcodes\` (${zc.repo}) | ${zc.version} | ${zc.licenseId} | ${zcCopyright} | ZIP -> state, coordinates |
| npm \`@photostructure/tz-lookup\` (${tl.repo}) | ${tl.version} | ${tl.licenseId} | none (rights waived) | coordinates -> IANA zone, as a second opinion |
| IANA tz database \`zone.tab\`, \`tzdata.zi\` (the system copy) | ${tzdataVersion} | public domain | - | zone names, territory zones |

zipcode-to-timezone's README says its table comes from the zip2timezone project on SourceForge; zipcodes' README says
its US data comes from federalgovernmentzipcodes.us; tz-lookup's data comes from timezone-boundary-builder, lossily
compressed. zipcode-to-timezone's LICENSE file carries no copyright line; the one above is from its \`index.js\`.

## Rules

1. A ZIP is any 5-digit code that zipcodes or zipcode-to-timezone knows.
2. **State** comes from zipcodes. For a ZIP only zipcode-to-timezone knows, the state is the one state that all
   zipcodes ZIPs with the same 3-digit prefix share; if that prefix spans several states, the ZIP is left out.
3. **Military** ZIPs (AA, AE, AP: APO/FPO/DPO mail) are left out: the mail reaches units anywhere, so no zone follows
   from the ZIP. \`PostalCodes.Lookup\` returns null for them, as for an unknown ZIP.
4. **Zone** comes from zipcode-to-timezone, under the name IANA's \`zone.tab\` uses where the package uses a
   backward-compatibility link (${[...renamed].map(([a, b]) => `${a} -> ${b}`).join(', ') || 'none'}).
5. Territories and freely associated states (${TERRITORIES.join(', ')}), which zipcode-to-timezone lacks, take the
   zones \`zone.tab\` lists for their ISO 3166 code (the same letters as their USPS code).
6. Any other ZIP without a zone takes the zones of its ${NEIGHBOURS} nearest same-state neighbours (by zipcodes'
   coordinates) that have one; without coordinates, those of all same-state ZIPs with its 3-digit prefix. A ZIP
   with no such neighbour is left out.
7. **Second opinion.** The zone at the ZIP's coordinates (tz-lookup) is compared with the zone from rules 4-6. Where
   their clocks differ, both are candidates, the coordinate zone first, and the design's rule applies: a call is
   allowed only when every candidate zone allows it. zipcode-to-timezone puts whole Central-time areas on Eastern
   time (western Kentucky: Paducah, Bowling Green, Owensboro; north-west and south-west Indiana: Gary, Evansville)
   and Arizona's White Mountains (Show Low) on Navajo Nation time; these are the large disagreements below. A
   coordinate zone that \`zone.tab\` does not list for the ZIP's country is a border artefact of tz-lookup's lossy
   compression and is ignored. A ZIP without coordinates instead gets, as extra candidates, every zone that the
   same-state ZIPs of its 3-digit prefix ended up with.
8. Zones whose UTC offsets agree at every hour of 2025-2027 count as one: only the first (the source's, or the most
   common among neighbours) is kept.

## Counts

| | |
|---|---|
| ZIPs in zipcodes (US) | ${stats.zipcodes} |
| ZIPs in zipcode-to-timezone | ${stats.zipToTz} |
| in both / only zipcodes / only zipcode-to-timezone | ${stats.both} / ${stats.onlyZipcodes} / ${stats.onlyZipToTz} |
| state taken from the 3-digit prefix (rule 2) | ${stats.stateFromPrefix} |
| left out: prefix spans states (rule 2) | ${stats.droppedAmbiguousPrefix} |
| left out: military (rule 3) | ${stats.droppedMilitary} |
| zones from zone.tab for territories (rule 5) | ${stats.territoryZones} |
| zone filled from neighbours, one zone / several candidates after rule 7 (rule 6) | ${stats.filledSingle} / ${stats.filledMulti} |
| left out: no zone could be filled (rule 6) | ${stats.droppedNoZone} |
| no coordinates, so the second opinion came from the prefix (rule 7) | ${stats.noCoordinates} |
| coordinate zone ignored as abroad (rule 7) | ${stats.coordinateZoneAbroad} |
| second opinion disagreed and was added as a candidate (rule 7) | ${stats.coordinateDisagreements} |
| **ZIPs in us-zip.bin** | **${records.size}** |
| of which with several candidate zones | ${stats.multiCandidate} |
| regions / zones / distinct locations | ${regions.length} / ${zones.length} / ${locations.length} |
| resource size (bytes) | ${resource.length} |

ZIPs per zone (a ZIP with several candidates counts for each): ${[...zoneCount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([z, n]) => `${z} ${n}`).join(', ')}.

### Disagreements added as candidates (rule 7)

\`\`\`
${disagreementLines.join('\n')}
\`\`\`

### ZIPs whose zone was filled (rule 6)

\`\`\`
${filledLines.join('\n')}
\`\`\`

## Licence texts

### zipcode-to-timezone ${zt.version} (${zt.licenseId})

${ztCopyright}

\`\`\`
${zt.licence}
\`\`\`

### zipcodes ${zc.version} (${zc.licenseId})

\`\`\`
${zc.licence}
\`\`\`

### @photostructure/tz-lookup ${tl.version} (${tl.licenseId})

Its authors waived all copyright and related rights under Creative Commons CC0 1.0 Universal
(https://creativecommons.org/publicdomain/zero/1.0/); no notice is required, and this one is a courtesy.
`;
writeFileSync(join(outDir, 'us-zip.ATTRIBUTION.md'), attribution);

console.log(`wrote ${join(outDir, 'us-zip.bin')} (${resource.length} bytes): ${records.size} ZIPs, ${regions.length} regions, ` +
  `${zones.length} zones, ${locations.length} locations; tzdata ${tzdataVersion}`);
console.log(JSON.stringify(stats));
