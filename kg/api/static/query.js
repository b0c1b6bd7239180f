// dmkg query page: POSTs the editor's query to /sparql and renders the answer.
// No dependencies, works offline. Every value is inserted with textContent, never as HTML.
"use strict";
(function () {
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const examples = document.getElementById("examples");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.className = "uri";
      const a = el("a", term.value);
      if (/^https?:\/\//.test(term.value)) a.href = term.value;
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.appendChild(el("span", term.value));
      if (term["xml:lang"]) td.appendChild(el("span", " @" + term["xml:lang"], "lang"));
      else if (term.datatype) td.appendChild(el("span", " ^^" + term.datatype, "datatype"));
    }
    return td;
  }

  function renderJson(data) {
    if (typeof data.boolean === "boolean") {
      results.appendChild(el("p", "ASK: " + data.boolean, "boolean"));
      return 1;
    }
    const vars = data.head.vars;
    const table = el("table");
    table.id = "results-table";
    const head = el("tr");
    vars.forEach(function (v) { head.appendChild(el("th", v)); });
    const thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    const tbody = el("tbody");
    data.results.bindings.forEach(function (row) {
      const tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    results.appendChild(table);
    return data.results.bindings.length;
  }

  async function run(event) {
    event.preventDefault();
    results.replaceChildren();
    setStatus("Running...", false);
    const started = performance.now();
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        headers: { "Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: editor.value }),
      });
    } catch (err) {
      setStatus("Network error: " + err, true);
      return;
    }
    const type = (response.headers.get("Content-Type") || "").split(";")[0];
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      let detail = response.statusText;
      if (type === "application/problem+json") {
        const problem = await response.json();
        detail = problem.title + ": " + problem.detail;
      }
      setStatus("Error " + response.status + ": " + detail, true);
      return;
    }
    let count;
    if (type === "application/sparql-results+json") {
      count = renderJson(await response.json());
    } else {
      const text = await response.text();
      results.appendChild(el("pre", text));
      count = text.split("\n").length;
    }
    let message = count + " result(s) in " + ms + " ms";
    if (response.headers.get("X-Truncated") === "true") message += " (truncated: more rows exist)";
    setStatus(message, false);
  }

  examples.addEventListener("change", function () {
    const option = examples.options[examples.selectedIndex];
    if (option && option.dataset.query) editor.value = option.dataset.query;
  });
  form.addEventListener("submit", run);
})();
