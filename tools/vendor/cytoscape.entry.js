// Cytoscape.js as window.cytoscape (its npm package ships CommonJS and ES modules only).
import cytoscape from "cytoscape";
window.cytoscape = cytoscape;
