// The CodeMirror 6 pieces the query page uses, exposed as window.CM (kg/api/static/query.js).
export { EditorView, keymap, placeholder } from "@codemirror/view";
export { EditorState, Prec } from "@codemirror/state";
export { basicSetup } from "codemirror";
export { autocompletion, completionKeymap } from "@codemirror/autocomplete";
export { SparqlLanguage, sparql } from "codemirror-lang-sparql";
