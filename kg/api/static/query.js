// dmkg query page: the CodeMirror SPARQL editor (vendored, window.CM), prefixes from
// /prefixes, named-query examples, and sorting, filtering and paging of the results table
// the server rendered. Running a query is a plain form submission (GET /sparql?query=...),
// so the address of every answer is a permalink; without JavaScript the page still works
// (textarea, forms, the whole table). Nothing is fetched but /prefixes.
"use strict";
(function () {
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const data = JSON.parse(document.getElementById("query-page-data").textContent);
  const MAX_GET = 6000; // longer queries are POSTed: the answer shows, without a permalink
  let prefixes = {};

  // --- the editor -----------------------------------------------------------------------
  function declared(text) {
    const out = new Set();
    const re = /^\s*PREFIX\s+([A-Za-z][\w.-]*)?:/gim;
    let m;
    while ((m = re.exec(text)) !== null) out.add(m[1] || "");
    return out;
  }

  function prefixLine(name) {
    return "PREFIX " + name + ": <" + prefixes[name] + ">\n";
  }

  // CodeMirror when its bundle loaded, else the textarea itself
  const editor = (function () {
    if (!window.CM) {
      return {
        get: () => textarea.value,
        set: (text) => { textarea.value = text; },
        insertAtStart: (text) => { textarea.value = text + textarea.value; },
        focus: () => textarea.focus(),
      };
    }
    const CM = window.CM;
    function complete(context) {
      const word = context.matchBefore(/[A-Za-z][\w.-]*:?/);
      if (!word || (word.from === word.to && !context.explicit)) return null;
      const text = context.state.doc.toString();
      const have = declared(text);
      const options = Object.keys(prefixes).map(function (name) {
        return {
          label: name + ":",
          detail: prefixes[name],
          type: "namespace",
          apply: function (view, completion, from, to) {
            const changes = [{ from: from, to: to, insert: name + ":" }];
            if (!have.has(name)) changes.push({ from: 0, insert: prefixLine(name) });
            view.dispatch({ changes: changes });
          },
        };
      });
      return { from: word.from, options: options, validFor: /^[\w.-]*:?$/ };
    }
    const run = CM.Prec.highest(CM.keymap.of([
      { key: "Mod-Enter", run: function () { submit(); return true; } },
    ]));
    const view = new CM.EditorView({
      doc: textarea.value,
      extensions: [
        CM.basicSetup,
        CM.sparql(),
        CM.SparqlLanguage.data.of({ autocomplete: complete }),
        run,
        CM.EditorView.lineWrapping,
        CM.EditorView.contentAttributes.of({ "aria-label": "SPARQL query" }),
        CM.EditorView.updateListener.of(function (update) {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    });
    textarea.hidden = true;
    textarea.parentNode.insertBefore(view.dom, textarea);
    return {
      view: view,
      get: () => view.state.doc.toString(),
      set: function (text) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      },
      insertAtStart: function (text) { view.dispatch({ changes: { from: 0, insert: text } }); },
      focus: () => view.focus(),
    };
  })();
  window.dmkgEditor = editor; // for people (and tests) at the console

  function submit() {
    const query = editor.get();
    textarea.value = query;
    if (encodeURIComponent(query).length > MAX_GET) form.method = "post";
    status.textContent = "Running...";
    status.className = "";
    form.submit();
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });

  // --- prefixes ---------------------------------------------------------------------------
  const prefixSelect = document.getElementById("prefix-insert");
  fetch("/prefixes", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : {}))
    .then(function (map) {
      prefixes = map;
      Object.keys(map).forEach(function (name) {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = name + ": <" + map[name] + ">";
        prefixSelect.appendChild(option);
      });
      prefixSelect.dataset.loaded = "true";
    })
    .catch(function () { prefixSelect.disabled = true; });
  prefixSelect.addEventListener("change", function () {
    const name = prefixSelect.value;
    if (name && !declared(editor.get()).has(name)) editor.insertAtStart(prefixLine(name));
    prefixSelect.value = "";
    editor.focus();
  });

  // --- examples and named questions -----------------------------------------------------
  function load(name) {
    if (name && data.examples[name]) {
      editor.set(data.examples[name]);
      editor.focus();
    }
  }
  const examples = document.getElementById("examples");
  examples.addEventListener("change", function () { load(examples.value); });
  document.querySelectorAll("button.load-example").forEach(function (button) {
    button.addEventListener("click", function () {
      load(button.dataset.name);
      window.scrollTo(0, 0);
    });
  });
  // blank optional fields are left out of the address
  document.querySelectorAll("form.named-form").forEach(function (f) {
    f.addEventListener("submit", function () {
      f.querySelectorAll("input, select").forEach(function (input) {
        if (input.name && input.value === "") input.disabled = true;
      });
    });
  });

  // --- the results table ---------------------------------------------------------------
  const table = document.getElementById("results-table");
  const copy = document.getElementById("copy-link");
  if (copy) {
    copy.addEventListener("click", function () {
      const url = document.getElementById("permalink").href;
      const done = () => { copy.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, () => window.prompt("Copy this link", url));
      } else {
        window.prompt("Copy this link", url);
      }
    });
  }
  if (!table) return;
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const filter = document.getElementById("filter");
  const sizeSelect = document.getElementById("page-size");
  const pager = document.getElementById("pager");
  let shown = rows;
  let page = 0;

  function draw() {
    const size = parseInt(sizeSelect.value, 10) || shown.length || 1;
    const pages = Math.max(1, Math.ceil(shown.length / size));
    page = Math.min(page, pages - 1);
    const first = page * size;
    const visible = new Set(shown.slice(first, first + size));
    rows.forEach(function (row) { row.hidden = !visible.has(row); });
    pager.replaceChildren();
    const info = document.createElement("span");
    info.id = "page-info";
    info.textContent = shown.length
      ? "rows " + (first + 1) + "-" + Math.min(first + size, shown.length) + " of " + shown.length
      : "no rows";
    function button(label, target, disabled) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = label;
      b.disabled = disabled;
      b.addEventListener("click", function () { page = target; draw(); });
      pager.appendChild(b);
    }
    button("‹ previous", page - 1, page === 0);
    pager.appendChild(info);
    button("next ›", page + 1, page >= pages - 1);
  }

  function applyFilter() {
    const needle = filter.value.trim().toLowerCase();
    shown = needle ? rows.filter((r) => r.textContent.toLowerCase().includes(needle)) : rows;
    page = 0;
    draw();
  }

  function sortBy(col, th) {
    const descending = th.getAttribute("aria-sort") === "ascending";
    table.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    const cells = rows.map((r) => r.cells[col]);
    const numeric = cells.every((c) => !c || c.dataset.num !== undefined || c.textContent === "");
    function key(row) {
      const c = row.cells[col];
      if (!c) return numeric ? -Infinity : "";
      if (numeric) return c.dataset.num !== undefined ? parseFloat(c.dataset.num) : -Infinity;
      return (c.dataset.sort || c.textContent).toLowerCase();
    }
    rows.sort(function (a, b) {
      const x = key(a), y = key(b);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
    rows.forEach((r) => tbody.appendChild(r));
    applyFilter();
  }

  table.querySelectorAll("th button.sort").forEach(function (b) {
    b.addEventListener("click", function () { sortBy(parseInt(b.dataset.col, 10), b.parentNode); });
  });
  filter.addEventListener("input", applyFilter);
  sizeSelect.addEventListener("change", function () { page = 0; draw(); });
  draw();
})();
