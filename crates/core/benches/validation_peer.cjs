// The peer of benches/validation.rs for `cargo xtask bench`: the same single checks with
// libphonenumber-js (max metadata, the root's pinned devDependency), each call doing what the
// core's does (parse with the region, validity, type, the three formats). Prints one JSON object:
// nanoseconds per call for each benchmark, as the median of 15 batches, and every batch's figure.
const { parsePhoneNumberFromString, AsYouType } = require('libphonenumber-js/max');

function check(input, region) {
  const n = parsePhoneNumberFromString(input, region);
  if (!n) return null;
  const valid = n.isValid();
  return { valid, type: n.getType() || null, e164: n.number, national: valid ? n.formatNational() : null,
    international: valid ? n.formatInternational() : null };
}

const korean = ['010-1234-5678', '01012345678', '+82 10-1234-5678', '０１０－１２３４－５６７８', '070-1234-5678',
  '010-1234-56789'];
const overseas = [['US', '(201) 555-0123'], ['JP', '090-1234-5678'], ['GB', '07400 123456'], ['CN', '131 2345 6789'],
  ['DE', '01512 3456789'], ['VN', '091 234 56 78'], ['BR', '(11) 96123-4567'], ['IN', '081234 56789']];

const benches = {
  'check_phone KR domestic': (i) => check(korean[i % korean.length], 'KR'),
  'check_phone overseas, rotating countries': (i) => {
    const [cc, number] = overseas[i % overseas.length];
    return check(number, cc);
  },
  'format_as_you_type KR partial': () => new AsYouType('KR').input('0101234'),
};

let sink = 0;
const out = {};
for (const [name, fn] of Object.entries(benches)) {
  // Warm-up: the JIT compiles the hot paths, as criterion's warm-up lets the CPU settle.
  for (let i = 0; i < 5000; i++) sink ^= fn(i) ? 1 : 0;
  const batches = [];
  for (let b = 0; b < 15; b++) {
    const calls = 2000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) sink ^= fn(i) ? 1 : 0;
    batches.push(Number(process.hrtime.bigint() - start) / calls);
  }
  const sorted = [...batches].sort((a, b) => a - b);
  out[name] = { median_ns: sorted[Math.floor(sorted.length / 2)], batches_ns: batches };
}
process.stdout.write(JSON.stringify({ sink, benches: out }) + '\n');
