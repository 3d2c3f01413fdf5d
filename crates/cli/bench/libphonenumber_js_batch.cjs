// The same batch as `mail-identity-cli phone batch`, with libphonenumber-js (max metadata):
// parse each JSON line, parse the number with the region as default country, validity, type,
// E.164/national/international, one JSON line out.
const fs = require('fs');
// libphonenumber-js is the root's pinned devDependency (NODE_PATH may point at another install).
const { parsePhoneNumberFromString } = require('libphonenumber-js/max');
const lines = fs.readFileSync(0, 'utf8').split('\n');
const out = [];
const t0 = process.hrtime.bigint();
for (const line of lines) {
  if (!line) continue;
  let r;
  try { r = JSON.parse(line); } catch { out.push('{"error":"bad_request"}'); continue; }
  const region = r.region && r.region.toUpperCase();
  const n = region && region !== 'ZZ'
    ? parsePhoneNumberFromString(r.input, region)
    : parsePhoneNumberFromString(r.input);
  const valid = n ? n.isValid() : false;
  const type = n ? (n.getType() || null) : null;
  const domestic = region === 'KR';
  const ok = valid && (domestic ? (n.country === 'KR' && type === 'MOBILE') : (type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE'));
  out.push(JSON.stringify({ input: r.input, region: r.region ?? null, ok, valid, type, country: n ? n.country ?? null : null,
    e164: valid ? n.number : null, national: valid ? n.formatNational() : null, international: valid ? n.formatInternational() : null }));
}
process.stdout.write(out.join('\n') + '\n');
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stderr.write(`libphonenumber-js: ${out.length} lines in ${ms.toFixed(1)} ms (in-process loop)\n`);
