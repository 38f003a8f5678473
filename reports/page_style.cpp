// The style both report pages share: plain, readable, printable.
#include "reports/page_assets.h"

namespace simlab::reports {

const std::string_view kPageStyle = R"CSS(
:root {
  --ok: #2f9e57; --fail: #d64545; --info: #e39b26; --pending: #e39b26;
  --ink: #1d232b; --muted: #5d6875; --rule: #dde2e8; --panel: #f6f8fa;
  --valid: #1f8a4c; --violation: #c62828; --unknown: #b86e00; --liveness: #7b3fb3; --internal: #555;
  --fault: rgba(214, 69, 69, 0.10); --highlight: #1565c0;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1600px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 0 8px 0 0; display: inline-block; vertical-align: middle; }
h2 { font-size: 16px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.verdict { display: inline-block; vertical-align: middle; padding: 3px 12px; border-radius: 14px; color: #fff; font-weight: 600; letter-spacing: .02em; }
.verdict-valid { background: var(--valid); }
.verdict-safety-violation, .verdict-invalid { background: var(--violation); }
.verdict-unknown { background: var(--unknown); }
.verdict-liveness-failure { background: var(--liveness); }
.verdict-internal-error, .verdict-crash, .verdict-timeout { background: var(--internal); }
.subtitle { color: var(--muted); margin: 6px 0 12px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 6px 18px; margin: 10px 0; }
.fact { background: var(--panel); border-radius: 6px; padding: 6px 10px; overflow-wrap: anywhere; }
.fact .label { display: block; color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; }
.commands { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.command { display: flex; align-items: center; gap: 6px; background: #10161d; color: #e6edf3; border-radius: 6px; padding: 4px 6px 4px 10px; }
button { font: inherit; font-size: 12.5px; border: 1px solid var(--rule); background: #fff; border-radius: 5px; padding: 3px 9px; cursor: pointer; }
button:hover { background: var(--panel); }
.command button { background: #2b3440; color: #e6edf3; border-color: #3b4653; }
.note { background: #fff8e1; border-left: 4px solid var(--info); padding: 6px 10px; margin: 8px 0; }
.why { background: var(--panel); border-left: 4px solid var(--violation); padding: 10px 14px; border-radius: 0 6px 6px 0; }
.why.kind-none { border-left-color: var(--valid); }
.why.kind-unknown { border-left-color: var(--unknown); }
.why.kind-liveness { border-left-color: var(--liveness); }
.why .reason { font-weight: 600; margin-bottom: 6px; overflow-wrap: anywhere; }
.why dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 6px 0 0; }
.why dt { color: var(--muted); }
.why dd { margin: 0; overflow-wrap: anywhere; }
.oplink { color: var(--highlight); cursor: pointer; text-decoration: underline dotted; display: block; }
.oplink.blocked { color: var(--violation); font-weight: 600; }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; color: var(--muted); }
.legend { display: inline-flex; gap: 12px; margin-left: 12px; flex-wrap: wrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
.chart { width: 100%; display: block; border: 1px solid var(--rule); border-radius: 6px; background: #fff; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 1000px) { .charts { grid-template-columns: 1fr; } }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .lane-label { fill: var(--ink); }
svg .op { cursor: pointer; }
svg .op:hover { stroke: var(--ink); stroke-width: 1.5; }
.trace { background: #10161d; color: #d6dde5; border-radius: 6px; padding: 8px 0; overflow-x: auto; max-height: 520px; overflow-y: auto; }
.trace div { padding: 0 12px; white-space: pre; }
.trace .ln { color: #6e7b8a; display: inline-block; min-width: 6ch; text-align: right; margin-right: 12px; user-select: none; }
.trace .nemesis { color: #f2b45a; }
.trace .violation { color: #ff7b7b; font-weight: 600; }
.trace .focus { background: #3a1f24; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--rule); white-space: nowrap; }
td.wrap { white-space: normal; overflow-wrap: break-word; max-width: 360px; }
th { background: var(--panel); cursor: pointer; user-select: none; position: sticky; top: 0; }
th.sorted-asc::after { content: " \25B2"; font-size: 10px; }
th.sorted-desc::after { content: " \25BC"; font-size: 10px; }
td.num, th.num { text-align: right; }
tr:hover td { background: #f9fbfd; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
.filters label { color: var(--muted); }
select, input { font: inherit; padding: 2px 6px; border: 1px solid var(--rule); border-radius: 5px; }
.muted { color: var(--muted); }
a { color: var(--highlight); }
)CSS";

}  // namespace simlab::reports
