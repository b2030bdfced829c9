/** report.html's styles, inline (the page fetches nothing). */
export const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
.summary th{background:#f6f6f6;font-weight:normal}
.muted{color:#777}.ok{color:#1a7f37}
.verdict-fail .verdict,.verdict-crash .verdict,.verdict-hang .verdict,.verdict-leak .verdict{color:#b42318;font-weight:bold}
.verdict-pruned{color:#777}.property.violated .verdict{color:#b42318;font-weight:bold}
.cell.up{background:#dcfce7}.cell.degraded{background:#fef9c3}.cell.down{background:#fee2e2;font-weight:bold}.cell.crash{background:#fca5a5;font-weight:bold}.cell.leak{background:#fed7aa}.cell.none{color:#9ca3af}.cell.pruned{background:#f3f4f6}
.tree{list-style:none;padding-left:0;margin:.3em 0}.call.faulted{color:#b42318}.fault{font-weight:bold}
.outcome{font-family:monospace}pre{white-space:pre-wrap;max-width:60em}
.readable details{margin:.3em 0}.readable summary{cursor:pointer;color:#444}.readable pre{background:#f6f6f6;padding:.4em;max-height:40em;overflow:auto}
.headers th{font-weight:normal;font-family:monospace}.headers td{font-family:monospace}
.toc{margin:.5em 0 1em;color:#555}
.filters{display:flex;flex-wrap:wrap;gap:1em;margin:.5em 0}.filters select,.filters input{font:inherit}.pager button{font:inherit}
.replay{margin:.3em 0;display:flex;gap:.5em;align-items:baseline}.replay-command{background:#f6f6f6;padding:.2em .4em;word-break:break-all}
.timing{display:inline-flex;gap:.4em;align-items:center;margin-left:.6em}.bar{display:inline-block;position:relative;width:16em;height:.7em;background:#f3f4f6}
.bar .span{position:absolute;top:0;bottom:0;background:#60a5fa}.call.faulted .bar .span{background:#dc2626}.bar .span.open{background:repeating-linear-gradient(90deg,#f59e0b 0 4px,#fde68a 4px 8px)}
.times{font-family:monospace;color:#666;font-size:.85em}
.service-graph{max-width:100%;height:auto}.service-graph rect{fill:#f8fafc;stroke:#64748b}.service-graph .test rect{fill:#eef2ff;stroke-dasharray:4 3}.service-graph text{font:13px system-ui,sans-serif;fill:#111}
.service-graph path.edge-line,.service-graph path.entry-edge{fill:none;stroke-width:2.5}.service-graph path.entry-edge{stroke:#94a3b8;stroke-dasharray:5 4}.service-graph a:hover path{stroke-width:5}.service-graph text.edge-label{font-size:12px;stroke:none}
.state-up{stroke:#16a34a;fill:#16a34a}.state-degraded{stroke:#ca8a04;fill:#ca8a04}.state-leak{stroke:#ea580c;fill:#ea580c}.state-down{stroke:#dc2626;fill:#dc2626}.state-crash{stroke:#7f1d1d;fill:#7f1d1d}.state-pruned,.state-untested,.state-none{stroke:#9ca3af;fill:#9ca3af}#arrow-entry{fill:#94a3b8}
.legend{padding:0 .4em;border-radius:3px;color:#fff}.legend.state-up{background:#16a34a}.legend.state-degraded{background:#ca8a04}.legend.state-leak{background:#ea580c}.legend.state-down{background:#dc2626}.legend.state-crash{background:#7f1d1d}.legend.state-pruned,.legend.state-untested{background:#9ca3af}
`;
