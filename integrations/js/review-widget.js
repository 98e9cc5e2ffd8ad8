// 发布前审校 · editor widget: findings while the editor types, for a <textarea> or a contenteditable element.
// One dependency-free ES module. The browser holds only a short-lived, check-only token that the CMS back end
// mints (POST /api/v1/tokens/ephemeral); never put a long-lived token in a page.
//
//   import { attachReviewWidget } from "https://review.example.gov.cn/integrations/widget/review-widget.js";
//   const widget = attachReviewWidget(document.querySelector("#body"), {
//     endpoint: "https://review.example.gov.cn",   // default: the page's own origin
//     getToken: async () => (await fetch("/cms/review-token", { method: "POST" })).text(),
//     channel: "website",
//   });

const SEVERITIES = ["block", "warn", "info"];
const SEVERITY_LABEL = { block: "阻断", warn: "警告", info: "提示" };
const SEVERITY_COLOR = { block: "#c5221f", warn: "#e37400", info: "#1a73e8" };
const BLOCK_TAGS = new Set(["P", "DIV", "LI", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "TR", "PRE", "SECTION"]);
let widgetCount = 0;

/** UTF-16 index of every code point boundary: the service counts code points, JavaScript strings count units. */
export function codePointIndex(text) {
  const index = [];
  for (let i = 0; i < text.length; ) {
    index.push(i);
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  index.push(text.length);
  return index;
}

function injectStyle(id) {
  const style = document.createElement("style");
  style.dataset.reviewWidget = String(id);
  const rules = SEVERITIES.map(
    (s) =>
      `::highlight(rw-${id}-${s}){text-decoration:underline wavy ${SEVERITY_COLOR[s]};text-decoration-skip-ink:none}` +
      `.rw-mark.rw-${s}{text-decoration:underline wavy ${SEVERITY_COLOR[s]};text-decoration-skip-ink:none}` +
      `.rw-item.rw-${s} .rw-sev{background:${SEVERITY_COLOR[s]}}`,
  );
  style.textContent =
    ".rw-wrap{position:relative;display:block}" +
    ".rw-backdrop{position:absolute;inset:0;overflow:hidden;pointer-events:none;color:transparent;" +
    "white-space:pre-wrap;overflow-wrap:break-word;box-sizing:border-box}" +
    ".rw-mark{background:none;color:transparent}" +
    ".rw-panel{font:14px/1.5 system-ui,sans-serif;border:1px solid #ddd;border-radius:6px;padding:8px;margin-top:6px}" +
    ".rw-head{display:flex;gap:8px;align-items:center;justify-content:space-between}" +
    ".rw-list{list-style:none;margin:6px 0 0;padding:0}" +
    ".rw-item{padding:6px;border-top:1px solid #eee;cursor:pointer}" +
    ".rw-sev{color:#fff;border-radius:3px;padding:0 4px;margin-right:4px;font-size:12px}" +
    ".rw-cat{color:#666;font-size:12px;margin-right:4px}" +
    ".rw-excerpt{color:#333;margin:0 4px}" +
    ".rw-panel[data-state=error] .rw-status{color:#c5221f}" +
    rules.join("");
  document.head.appendChild(style);
  return style;
}

/** The text of a contenteditable element, and where each of its text nodes starts in that text. */
function readEditable(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  const segments = [];
  let text = "";
  const breakLine = () => {
    if (text && !text.endsWith("\n")) text += "\n";
  };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      segments.push({ node, start: text.length });
      text += node.data;
    } else if (node.tagName === "BR") {
      text += "\n";
    } else if (BLOCK_TAGS.has(node.tagName)) {
      breakLine();
    }
  }
  return { text, segments };
}

function pointAt(segments, offset, preferNext) {
  for (let i = 0; i < segments.length; i++) {
    const { node, start } = segments[i];
    const end = start + node.data.length;
    if (offset < end || (offset === end && !(preferNext && segments[i + 1]?.start === end))) {
      if (offset >= start) return { node, offset: offset - start };
    }
  }
  const last = segments[segments.length - 1];
  return last ? { node: last.node, offset: last.node.data.length } : null;
}

/** A DOM Range over [start, end) UTF-16 units of the editable's text. */
function editableRange(segments, start, end) {
  const a = pointAt(segments, start, true);
  const b = pointAt(segments, end, false);
  if (!a || !b) return null;
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  return range;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function attachReviewWidget(target, options = {}) {
  const id = ++widgetCount;
  const isField = target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement;
  if (!isField && !target.isContentEditable) throw new TypeError("review widget: attach to a <textarea> or a contenteditable element");
  const endpoint = (options.endpoint ?? location.origin).replace(/\/+$/, "");
  const debounceMs = options.debounceMs ?? 600;
  const style = injectStyle(id);
  let token = options.token ?? null;
  let timer = null;
  let controller = null;
  let sequence = 0;
  const state = { findings: [], verdict: null, text: "", map: [], segments: [], checks: 0 };

  const panel = element("aside", "rw-panel");
  panel.setAttribute("aria-live", "polite");
  const head = element("div", "rw-head");
  const status = element("span", "rw-status", "等待输入");
  const maskButton = element("button", "rw-mask", "一键脱敏");
  maskButton.type = "button";
  head.append(status, maskButton);
  const list = element("ol", "rw-list");
  panel.append(head, list);
  (options.list ?? target.parentNode).insertBefore(panel, options.list ? null : target.nextSibling);

  let backdrop = null;
  let wrap = null;
  if (isField) {
    wrap = element("div", "rw-wrap");
    target.parentNode.insertBefore(wrap, target);
    backdrop = element("div", "rw-backdrop");
    wrap.append(backdrop, target);
    const css = getComputedStyle(target);
    for (const prop of ["font", "letterSpacing", "lineHeight", "padding", "borderStyle", "borderWidth", "textAlign", "tabSize"]) {
      backdrop.style[prop] = css[prop];
    }
    backdrop.style.borderColor = "transparent";
    target.style.position = "relative";
    target.style.background = "transparent";
    target.style.zIndex = "1";
  }

  const setStatus = (text, error = false) => {
    status.textContent = text;
    panel.dataset.state = error ? "error" : "ok";
  };

  function read() {
    if (isField) return { text: target.value, segments: [] };
    return readEditable(target);
  }

  function writeField(start, end, replacement) {
    target.setRangeText(replacement, start, end, "end");
  }

  async function authorization(refresh) {
    if ((refresh || !token) && options.getToken) token = await options.getToken();
    if (!token) throw Object.assign(new Error("no token"), { code: "missing_token" });
    return `Bearer ${token}`;
  }

  async function call(path, body, signal) {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${endpoint}/api/v1/${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: await authorization(attempt > 0) },
        body: JSON.stringify(body),
        signal,
      });
      // An expired browser token is renewed once through the CMS back end, then the call is repeated.
      if (response.status === 401 && attempt === 0 && options.getToken) continue;
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw Object.assign(new Error(data.message?.zh || `HTTP ${response.status}`), { code: data.code });
      return data;
    }
  }

  function request(text) {
    const title = typeof options.title === "function" ? options.title() : options.title;
    const body = { text, channel: options.channel ?? "website" };
    if (title) body.title = title;
    if (options.docType) body.doc_type = options.docType;
    return body;
  }

  function offsets(finding) {
    return [state.map[finding.start], state.map[finding.end]];
  }

  function renderMarks() {
    const bodyFindings = state.findings.filter((f) => (f.field ?? "body") === "body");
    if (isField) {
      backdrop.textContent = "";
      let at = 0;
      for (const finding of bodyFindings) {
        const [start, end] = offsets(finding);
        if (start === undefined || end === undefined || start < at) continue;
        backdrop.append(document.createTextNode(state.text.slice(at, start)));
        const mark = element("mark", `rw-mark rw-${finding.severity}`, state.text.slice(start, end));
        mark.dataset.category = finding.category;
        backdrop.append(mark);
        at = end;
      }
      backdrop.append(document.createTextNode(state.text.slice(at) + "\n"));
      backdrop.scrollTop = target.scrollTop;
      return;
    }
    if (!globalThis.CSS?.highlights) return; // no Highlight API: the side list still works
    for (const severity of SEVERITIES) {
      const ranges = bodyFindings
        .filter((f) => f.severity === severity)
        .map((f) => editableRange(state.segments, ...offsets(f)))
        .filter(Boolean);
      CSS.highlights.set(`rw-${id}-${severity}`, new Highlight(...ranges));
    }
  }

  function renderList() {
    list.textContent = "";
    state.findings.forEach((finding, index) => {
      const item = element("li", `rw-item rw-${finding.severity}`);
      item.dataset.index = String(index);
      item.dataset.category = finding.category;
      item.append(element("span", "rw-sev", SEVERITY_LABEL[finding.severity] ?? finding.severity));
      item.append(element("span", "rw-cat", finding.category));
      const [start, end] = offsets(finding);
      if ((finding.field ?? "body") === "body" && start !== undefined) {
        item.append(element("q", "rw-excerpt", state.text.slice(start, end)));
      }
      item.append(element("span", "rw-message", finding.message));
      if (finding.suggestion !== null && finding.suggestion !== undefined && (finding.field ?? "body") === "body") {
        const apply = element("button", "rw-apply", `改为“${finding.suggestion}”`);
        apply.type = "button";
        apply.addEventListener("click", (event) => {
          event.stopPropagation();
          applyFinding(index);
        });
        item.append(apply);
      }
      item.addEventListener("click", () => reveal(index));
      list.append(item);
    });
  }

  function render() {
    renderMarks();
    renderList();
    const count = state.findings.length;
    setStatus(count ? `发现 ${count} 处问题（${state.verdict === "block" ? "不可发布" : "请核对"}）` : "未发现问题");
    target.dispatchEvent(new CustomEvent("review:findings", { detail: { findings: state.findings, verdict: state.verdict } }));
    options.onFindings?.(state.findings, state.verdict);
  }

  async function check() {
    clearTimeout(timer);
    const { text, segments } = read();
    const mine = ++sequence;
    controller?.abort();
    controller = new AbortController();
    if (!text.trim()) {
      Object.assign(state, { findings: [], verdict: null, text, segments, map: codePointIndex(text) });
      render();
      setStatus("等待输入");
      return state.findings;
    }
    setStatus("审校中…");
    try {
      const data = await call("check", request(text), controller.signal);
      if (mine !== sequence) return state.findings; // the text changed meanwhile: a newer check will answer
      Object.assign(state, { findings: data.findings, verdict: data.verdict, text, segments, map: codePointIndex(text) });
      state.checks += 1;
      render();
    } catch (error) {
      if (error.name === "AbortError" || mine !== sequence) return state.findings;
      const why = error.code === "invalid_token" ? "令牌已失效，请刷新页面" : error.code ? error.message : "无法连接审校服务（网络或跨域设置）";
      setStatus(`审校失败：${why}`, true);
      options.onError?.(error);
    }
    return state.findings;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
  }

  /** Replace [start, end) UTF-16 units of the current text; only valid while the text is the checked one. */
  function replace(start, end, replacement) {
    if (isField) {
      writeField(start, end, replacement);
      return;
    }
    const range = editableRange(state.segments, start, end);
    if (!range) return;
    range.deleteContents();
    range.insertNode(document.createTextNode(replacement));
    target.normalize();
  }

  function applyFinding(index) {
    const finding = state.findings[index];
    if (!finding || finding.suggestion == null || read().text !== state.text) return check();
    const [start, end] = offsets(finding);
    replace(start, end, finding.suggestion);
    target.dispatchEvent(new Event("input", { bubbles: true }));
    return check();
  }

  function reveal(index) {
    const finding = state.findings[index];
    if (!finding || (finding.field ?? "body") !== "body") return;
    const [start, end] = offsets(finding);
    target.focus();
    if (isField) target.setSelectionRange(start, end);
    else {
      const range = editableRange(state.segments, start, end);
      if (range) getSelection().removeAllRanges(), getSelection().addRange(range);
    }
  }

  async function maskAll() {
    const { text } = read();
    if (!text.trim()) return;
    setStatus("脱敏中…");
    try {
      const data = await call("mask", request(text));
      if (read().text !== text) return check(); // edited while masking: leave the text alone
      const map = codePointIndex(text);
      Object.assign(state, { text, map, ...(!isField && { segments: read().segments }) });
      const spans = data.masked
        .filter((f) => (f.field ?? "body") === "body" && f.suggestion != null)
        .sort((a, b) => b.start - a.start);
      let limit = Infinity;
      for (const finding of spans) {
        if (finding.end > limit) continue; // overlapping: the later one was already replaced
        replace(map[finding.start], map[finding.end], finding.suggestion);
        if (!isField) state.segments = read().segments;
        limit = finding.start;
      }
      target.dispatchEvent(new Event("input", { bubbles: true }));
    } catch (error) {
      setStatus(`脱敏失败：${error.code ? error.message : "无法连接审校服务"}`, true);
      return;
    }
    return check();
  }

  const onInput = () => schedule();
  const onScroll = () => backdrop && (backdrop.scrollTop = target.scrollTop);
  target.addEventListener("input", onInput);
  target.addEventListener("scroll", onScroll);
  maskButton.addEventListener("click", () => maskAll());
  if (read().text.trim()) schedule();

  return {
    check,
    maskAll,
    apply: applyFinding,
    get findings() {
      return state.findings;
    },
    get verdict() {
      return state.verdict;
    },
    get checks() {
      return state.checks;
    },
    destroy() {
      clearTimeout(timer);
      controller?.abort();
      target.removeEventListener("input", onInput);
      target.removeEventListener("scroll", onScroll);
      panel.remove();
      style.remove();
      if (wrap) wrap.replaceWith(target);
      for (const severity of SEVERITIES) globalThis.CSS?.highlights?.delete(`rw-${id}-${severity}`);
    },
  };
}
