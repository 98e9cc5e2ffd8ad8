// Served script (no CDN, no inline script): proofreaders and editors edit an HTML body as rich text.
// The editor starts from the server's parse of the body (an inert <template>, so nothing in it loads
// or runs before it is placed) and writes its HTML back into the ordinary body field before any
// submit; the server then parses, checks and refuses it exactly as it would a pasted body.
// Without JavaScript the plain field stays and works as before.
"use strict";

(function () {
  function parts() {
    return {
      seed: document.getElementById("rich-seed"),
      editor: document.getElementById("rich-editor"),
      toolbar: document.getElementById("rich-toolbar"),
      field: document.getElementById("body"),
    };
  }

  function setUp() {
    const { seed, editor, toolbar, field } = parts();
    if (!seed || !editor || !field || editor.dataset.ready) return;
    editor.replaceChildren(seed.content.cloneNode(true));
    editor.contentEditable = "true";
    editor.dataset.ready = "1";
    editor.hidden = false;
    if (toolbar) toolbar.hidden = false;
    field.hidden = true;
    const note = document.getElementById("body-source-note");
    if (note) note.hidden = true;
    try {
      document.execCommand("defaultParagraphSeparator", false, "p");
    } catch (err) {
      /* older engines keep <div> */
    }
  }

  function sync() {
    const { editor, field } = parts();
    if (editor && field && editor.dataset.ready) field.value = editor.innerHTML;
  }

  // Capture phase: runs before review.js builds its FormData for an in-place post.
  document.addEventListener("submit", sync, true);

  // Keep the selection in the editor when a toolbar button is pressed.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest("#rich-toolbar [data-command]")) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("#rich-toolbar [data-command]");
    if (!button) return;
    event.preventDefault();
    const { editor } = parts();
    if (!editor) return;
    editor.focus();
    const value = button.dataset.value ? `<${button.dataset.value}>` : null;
    document.execCommand(button.dataset.command, false, value);
  });

  document.addEventListener("DOMContentLoaded", setUp);
  // review.js replaces <main> after an in-place 检查 or 采纳 and stamps <body data-updated>.
  new MutationObserver(setUp).observe(document.body, { attributes: true, attributeFilter: ["data-updated"] });
})();
