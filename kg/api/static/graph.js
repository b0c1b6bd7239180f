// dmkg pictures: every <div class="graph" data-source="ID"> is drawn by Cytoscape.js
// (vendored, window.cytoscape) from the JSON in <script type="application/json" id="ID">:
// {layout, nodes: [{id, label, kind, href}], edges: [{source, target, label, status}]}.
// A node with an href opens its page. Labels are text (Cytoscape draws on a canvas), never
// markup. The drawn graphs are kept in window.dmkgGraphs for people at the console (and tests).
"use strict";
(function () {
  const KIND = {
    center: "#2f6f4f", drug: "#2f6f4f", claim: "#2f6f4f", target: "#6a4c93",
    condition: "#1f6fb2", "adverse-event": "#b23a48", class: "#8a6d1f", vaccine: "#8a6d1f",
    entity: "#1f6fb2", qualifier: "#5b6570", evidence: "#b26b00", selector: "#b26b00",
    source: "#444", note: "#8a6d1f", shortcut: "#5b6570", population: "#5b6570",
  };
  // edge colours by the claim's status or recommendation (legend in the page)
  const STATUS = {
    labelled: "#2e7d32", "stated use": "#2e7d32", reimbursed: "#2e7d32",
    "not reimbursed": "#ef6c00", studied: "#1565c0", observed: "#7b1fa2",
    avoid: "#c62828", "must not": "#c62828", "avoid generally": "#c62828",
    "only if needed": "#ef6c00", "usually acceptable": "#5b6570", acceptable: "#5b6570",
    generated: "#8a94a0",
  };
  window.dmkgGraphs = [];
  if (!window.cytoscape) return;
  document.querySelectorAll("div.graph[data-source]").forEach(function (box) {
    const data = JSON.parse(document.getElementById(box.dataset.source).textContent);
    const elements = [];
    data.nodes.forEach(function (n) {
      const node = { data: { id: n.id, label: n.label, kind: n.kind, href: n.href || "" } };
      if (n.x !== null && n.x !== undefined) node.position = { x: n.x, y: n.y };
      elements.push(node);
    });
    data.edges.forEach(function (e, i) {
      elements.push({
        data: { id: "e" + i, source: e.source, target: e.target, label: e.label,
                status: e.status || "" },
      });
    });
    const cy = window.cytoscape({
      container: box,
      elements: elements,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "text-wrap": "wrap", "text-max-width": "220px",
          "font-size": 13, "text-valign": "bottom", "text-margin-y": 4, "width": 18, "height": 18,
          "background-color": (n) => KIND[n.data("kind")] || "#5b6570", "color": "#1d232a",
        } },
        { selector: "edge[status = 'generated']", style: { "line-style": "dashed" } },
        { selector: "node[kind = 'center']", style: { "width": 30, "height": 30, "font-weight": "bold" } },
        { selector: "node[href != '']", style: { "border-width": 2, "border-color": "#fff" } },
        { selector: "edge", style: {
          "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 2,
          "label": "data(label)", "font-size": 11, "text-rotation": "autorotate",
          "text-background-color": "#fff", "text-background-opacity": 0.8,
          "line-color": (e) => STATUS[e.data("status")] || "#aab2bb",
          "target-arrow-color": (e) => STATUS[e.data("status")] || "#aab2bb",
        } },
      ],
      layout: data.layout === "preset"
        ? { name: "preset", fit: true, padding: 40 }
        : { name: "concentric", minNodeSpacing: 40, animate: false, padding: 30,
            concentric: (n) => (n.data("kind") === "center" ? 2 : 1), levelWidth: () => 1 },
    });
    cy.on("tap", "node", function (event) {
      const href = event.target.data("href");
      if (href) window.location.href = href;
    });
    box.dataset.drawn = String(cy.nodes().length);
    window.dmkgGraphs.push(cy);
  });
})();
