// Served script (the pages' CSP forbids inline script): 采纳 and 检查 without leaving the page,
// and 复制定稿. Without JavaScript every button still works as an ordinary form post.
"use strict";

(function () {
  const IN_PLACE = /^(check|apply:|apply_rule:|apply_kind:|mask)/;

  async function submitInPlace(form, submitter) {
    const data = new FormData(form, submitter);
    const scroll = window.scrollY;
    const findingsScroll = document.getElementById("findings")?.scrollTop || 0;
    document.body.classList.add("busy");
    try {
      const response = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
      const html = await response.text();
      const next = new DOMParser().parseFromString(html, "text/html").querySelector("main");
      if (!next) throw new Error("no page");
      document.querySelector("main").replaceWith(next);
      window.scrollTo(0, scroll);
      const findings = document.getElementById("findings");
      if (findings) findings.scrollTop = findingsScroll;
      document.body.dataset.updated = String(Date.now());
    } catch (err) {
      form.submit(); // fall back to the ordinary post
    } finally {
      document.body.classList.remove("busy");
    }
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    const submitter = event.submitter;
    if (!(form instanceof HTMLFormElement) || form.id !== "ws" || !submitter) return;
    if (!IN_PLACE.test(submitter.value || "") || !window.fetch || !window.DOMParser) return;
    event.preventDefault();
    submitInPlace(form, submitter);
  });

  document.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.value);
    } catch (err) {
      source.classList.remove("visually-hidden");
      source.select();
      document.execCommand("copy");
      source.classList.add("visually-hidden");
    }
    button.textContent = "已复制定稿";
    button.dataset.copied = "1";
  });
})();
