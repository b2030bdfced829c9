/**
 * The terminal summary: findings first (they are why one runs the analyser before exploring), then per
 * service its routes with their codes and its call sites, then the warnings.
 */
import { suggestedConditions } from './catalogue-writer.js';
import type { AnalysisResult, CallSite } from './model.js';

function handlingText(site: CallSite): string {
  return (['ECONNREFUSED', 'Timeout'] as const)
    .filter((k) => k === 'ECONNREFUSED' || site.timeout.visible !== 'no')
    .map((k) => {
      const h = site.failures[k];
      const mark = h.handled === 'yes' ? 'handled' : h.handled === 'no' ? 'NOT handled' : 'maybe handled';
      return `${k} ${mark}${h.answers.length ? ` → ${h.answers.join('/')}` : ''}`;
    })
    .join(', ');
}

export function summary(result: AnalysisResult): string {
  const lines: string[] = [];
  const findings = result.services.flatMap((s) => s.findings);
  lines.push(findings.length ? `Findings (${findings.length}):` : 'Findings: none');
  for (const f of findings) lines.push(`  ${f.message}`);
  for (const s of result.services) {
    lines.push('', `${s.name} (${s.entry}${s.frameworks.length ? `, ${s.frameworks.join('/')}` : ''}): answers ${s.codes.join(', ') || 'no code found'}`);
    for (const r of s.routes) lines.push(`  ${r.method} ${r.path}${r.codes.length ? `  → ${r.codes.join(', ')}` : ''}`);
    for (const c of s.callSites) {
      const timeout = c.timeout.visible === 'yes' ? 'timeout' : c.timeout.set === 'no' ? 'no timeout' : `timeout ${c.timeout.visible === 'no' ? 'not visible' : 'maybe'}`;
      lines.push(`  call ${c.file}:${c.line} ${c.method ?? '?'} ${c.target} [${c.client}${c.via.length ? ` via ${c.via.map((v) => v.split(':').pop()).join(' → ')}` : ''}, ${timeout}]: ${handlingText(c)}`);
      const suggested = suggestedConditions(c);
      if (suggested.length) lines.push(`    worth exploring (--with-conditions): ${suggested.map((x) => `${x.name.replace('node.', '')} (${x.why})`).join('; ')}`);
    }
  }
  if (result.skipped.length) lines.push('', 'Skipped:', ...result.skipped.map((s) => `  ${s.name}: ${s.reason}`));
  if (result.warnings.length) lines.push('', `Warnings (${result.warnings.length}):`, ...result.warnings.map((w) => `  ${w.file}:${w.line}: ${w.message}`));
  lines.push('', `Analysed ${result.services.length} service(s) in ${(result.durationMs / 1000).toFixed(2)} s.`);
  return lines.join('\n');
}
