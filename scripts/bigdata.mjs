// Makes an NDJSON file of about N records by cloning a demo export (for the
// launch-time measurement "with 100k records"): accounts, contacts, calls
// and evidence are copied with fresh ids, domains and emails; hypotheses and
// studies are kept once. Usage: node scripts/bigdata.mjs demo.ndjson N > big.ndjson
import { readFileSync } from 'node:fs';

const [file, target] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const base = lines.filter((r) => ['hypothesis', 'study'].includes(r.type));
const copyable = lines.filter((r) => ['account', 'contact', 'call', 'evidence'].includes(r.type));
const out = [];
const emit = (r) => {
  delete r.field_hlc;
  process.stdout.write(JSON.stringify(r) + '\n');
};
base.forEach(emit);
const copies = Math.ceil((Number(target) - base.length) / copyable.length);
for (let c = 0; c < copies; c++) {
  const id = (old) => (old ? `${old.slice(0, 28)}c${String(c).padStart(7, '0')}` : old);
  for (const r of copyable) {
    const d = { ...r.data };
    for (const k of ['account_id', 'call_id', 'contact_id']) if (d[k]) d[k] = id(d[k]);
    if (r.type === 'account') d.domains = (d.domains ?? []).map((x) => `c${c}.${x}`);
    if (r.type === 'contact') d.email = `c${c}.${d.email}`;
    if (r.type === 'call') d.contact_ids = (d.contact_ids ?? []).map(id);
    emit({ ...r, id: id(r.id), data: d });
  }
}
