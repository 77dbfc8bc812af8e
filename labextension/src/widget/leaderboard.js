// anywidget entry of the leaderboard table: sort by a column header, filter by substring over
// names and params, tick rows to select runs (synced to the kernel as `selected` run ids).
import { ensureStyle, fmt, h } from "./ui.js";

const REDRAW_ON = "change:rows change:columns change:metric change:grouped change:running change:selected";

/** Sort key of a row for a column: "rank", "value", "name", "status" or "param:<key>". */
function key(row, column) {
  if (column === "name") return row.names.join(", ");
  if (column.startsWith("param:")) return row.params[column.slice(6)];
  return row[column];
}

function compare(a, b) {
  const missA = a === null || a === undefined;
  const missB = b === null || b === undefined;
  if (missA || missB) return missA - missB; // missing values last
  if (typeof a === "number" && typeof b === "number") return a - b;
  return fmt(a).localeCompare(fmt(b), undefined, { numeric: true });
}

function matches(row, needle) {
  if (!needle) return true;
  const text = [...row.names, ...row.run_ids, ...Object.entries(row.params).map(([k, v]) => `${k}=${fmt(v)}`)];
  return text.join(" ").toLowerCase().includes(needle);
}

function render({ model, el }) {
  ensureStyle();
  el.classList.add("mlm-table-widget", "mlm-leaderboard");
  const filter = h("input", { type: "search", placeholder: "filter runs and params…" });
  const note = h("span", { className: "mlm-note" });
  const table = h("table");
  el.append(h("div", { className: "mlm-bar" }, filter, note), h("div", { className: "mlm-scroll" }, table));
  let sort = { column: "rank", desc: false };

  function select(ids, on) {
    const now = new Set(model.get("selected"));
    for (const id of ids) on ? now.add(id) : now.delete(id);
    model.set("selected", [...now]);
    model.save_changes();
  }

  function header(label, column) {
    const arrow = sort.column === column ? (sort.desc ? " ▼" : " ▲") : "";
    const th = h("th", { className: "mlm-sortable", textContent: label + arrow, dataset: { column } });
    th.addEventListener("click", () => {
      sort = { column, desc: sort.column === column ? !sort.desc : false };
      draw();
    });
    return th;
  }

  function draw() {
    const rows = model.get("rows");
    const columns = model.get("columns");
    const grouped = model.get("grouped");
    const selected = new Set(model.get("selected"));
    const needle = filter.value.trim().toLowerCase();
    const shown = rows.filter((r) => matches(r, needle));
    const sign = sort.desc ? -1 : 1;
    shown.sort((a, b) => sign * compare(key(a, sort.column), key(b, sort.column)) || a.rank - b.rank);

    const all = h("input", { type: "checkbox", title: "select all shown" });
    const shownIds = shown.flatMap((r) => r.run_ids);
    all.checked = shownIds.length > 0 && shownIds.every((id) => selected.has(id));
    all.addEventListener("change", () => select(shownIds, all.checked));
    const head = h("tr", {}, h("th", {}, all), header("#", "rank"), header(model.get("metric") || "value", "value"));
    if (grouped) head.append(header("runs", "count"));
    head.append(header(grouped ? "names" : "name", "name"), header("status", "status"));
    for (const c of columns) head.append(header(c, `param:${c}`));

    const body = shown.map((row) => {
      const on = row.run_ids.every((id) => selected.has(id));
      const box = h("input", { type: "checkbox", checked: on });
      box.addEventListener("change", () => select(row.run_ids, box.checked));
      const value = grouped && row.count > 1 ? `${fmt(row.value)} ± ${fmt(row.std)}` : fmt(row.value);
      const tr = h(
        "tr",
        { className: on ? "mlm-selected" : "", dataset: { runIds: row.run_ids.join(" "), rank: String(row.rank) } },
        h("td", {}, box),
        h("td", { className: "mlm-num", textContent: String(row.rank) }),
        h("td", { className: "mlm-num", textContent: value }),
      );
      if (grouped) tr.append(h("td", { className: "mlm-num", textContent: String(row.count) }));
      tr.append(
        h("td", { textContent: row.names.join(", "), title: row.run_ids.join("\n") }),
        h("td", { className: row.status ? `mlm-status-${row.status}` : "", textContent: row.status || "" }),
      );
      for (const c of columns) tr.append(h("td", { textContent: fmt(row.params[c]) }));
      return tr;
    });
    table.replaceChildren(h("thead", {}, head), h("tbody", {}, ...body));
    const picked = model.get("selected").length;
    note.textContent =
      `${shown.length} of ${rows.length} rows` +
      (picked ? ` · ${picked} run${picked > 1 ? "s" : ""} selected` : "") +
      (model.get("running") ? " · refreshing while runs train" : "");
  }

  filter.addEventListener("input", draw);
  model.on(REDRAW_ON, draw);
  draw();
  return () => model.off(REDRAW_ON, draw);
}

export default { render };
