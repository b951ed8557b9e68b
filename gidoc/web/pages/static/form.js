/* gidoc's report form: totals and the 勾稽 row as the clerk types, problems from /api/check beside
   the cells and fields they name, saving with the version (409: someone else saved), the unsaved
   state kept in localStorage when the network or the session is gone, spreadsheet keys.
   No row, column or label is written here: the page's data attributes, written by the server from
   gidoc/format/tables.py, say which inputs each total and each side of the 勾稽 row adds up. */
(function () {
  "use strict";

  var root = document.getElementById("report");
  if (!root) { return; }
  var form = document.getElementById("report-form");
  var reportId = root.dataset.id;
  var version = Number(root.dataset.version);
  var editable = root.dataset.editable === "true";
  var base = JSON.parse(root.dataset.report);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";
  var draftKey = "gidoc-draft-" + reportId;
  var dirty = false;
  var offline = false;
  var savedValid = root.dataset.valid === "true";
  var checkTimer = null;
  var checkSeq = 0;
  var CHECK_DELAY = 400;
  var COUNT = /^\d{1,15}$/;
  var AMOUNT = /^\d{1,15}(\.\d{1,6})?$/;

  function $(id) { return document.getElementById(id); }
  function cells() { return Array.prototype.slice.call(form.querySelectorAll("input[data-kind]")); }

  /* -- data paths: "applications.new_received.other", "overview.sections[2].body" -- */
  function parts(path) {
    var out = [];
    path.replace(/([^.[\]]+)|\[(\d+)\]/g, function (m, key, index) {
      out.push(index !== undefined ? Number(index) : key);
      return m;
    });
    return out;
  }
  function getPath(data, path) {
    var here = data;
    var keys = parts(path);
    for (var i = 0; i < keys.length; i++) {
      if (here === null || typeof here !== "object" || !(keys[i] in here)) { return undefined; }
      here = here[keys[i]];
    }
    return here;
  }
  function setPath(data, path, value) {
    var keys = parts(path);
    var here = data;
    for (var i = 0; i < keys.length - 1; i++) {
      if (here[keys[i]] === null || typeof here[keys[i]] !== "object") {
        here[keys[i]] = typeof keys[i + 1] === "number" ? [] : {};
      }
      here = here[keys[i]];
    }
    here[keys[keys.length - 1]] = value;
  }
  function deletePath(data, path) {
    var keys = parts(path);
    var parent = getPath(data, keys.slice(0, -1).map(String).join("."));
    if (keys.length === 1) { parent = data; }
    if (parent && typeof parent === "object") { delete parent[keys[keys.length - 1]]; }
  }

  /* -- numbers as the data format accepts them -- */
  function parsed(input) {
    var text = input.value.trim();
    if (text === "") { return 0; }
    var pattern = input.dataset.kind === "amount" ? AMOUNT : COUNT;
    // Anything else goes to the check as typed, so its message names the cell.
    return pattern.test(text) ? Number(text) : text;
  }
  function numeric(input) {
    var value = parsed(input);
    return typeof value === "number" ? value : 0;
  }
  function byPath() {
    var found = {};
    cells().forEach(function (input) { found[input.dataset.path] = input; });
    return found;
  }
  function sum(paths, inputs) {
    var total = 0;
    paths.split(" ").forEach(function (path) {
      if (path && inputs[path]) { total += numeric(inputs[path]); }
    });
    return total;
  }
  function computeTotals() {
    var inputs = byPath();
    form.querySelectorAll("output[data-sum]").forEach(function (output) {
      output.textContent = String(sum(output.dataset.sum, inputs));
    });
    form.querySelectorAll("td[data-left]").forEach(function (td) {
      var left = sum(td.dataset.left, inputs);
      var right = sum(td.dataset.right, inputs);
      var holds = left === right;
      td.classList.toggle("balanced", holds);
      td.classList.toggle("unbalanced", !holds);
      td.querySelector(".balance-text").textContent =
        holds ? "相等 " + left + " = " + right : "不等 " + left + " ≠ " + right;
    });
    cells().forEach(function (input) {
      var bad = typeof parsed(input) !== "number";
      if (bad) { input.setAttribute("aria-invalid", "true"); }
      else if (!input.dataset.problem) { input.removeAttribute("aria-invalid"); }
    });
  }

  /* -- the form as report data -- */
  function collect() {
    var data = JSON.parse(JSON.stringify(base));
    // Totals are derived by gidoc; a stored one would contradict what was just typed.
    form.querySelectorAll("output[data-path]").forEach(function (output) {
      deletePath(data, output.dataset.path);
    });
    cells().forEach(function (input) { setPath(data, input.dataset.path, parsed(input)); });
    form.querySelectorAll("textarea[data-path], input[data-path]:not([data-kind])").forEach(function (field) {
      if (field.closest("[data-section]")) { return; }
      var value = field.value;
      if (field.hasAttribute("data-optional") && value.trim() === "") { value = null; }
      setPath(data, field.dataset.path, value);
    });
    var sections = [];
    $("sections").querySelectorAll("[data-section]").forEach(function (fieldset) {
      sections.push({
        heading: fieldset.querySelector('[data-field="heading"]').value,
        body: fieldset.querySelector('[data-field="body"]').value
      });
    });
    if (!data.overview || typeof data.overview !== "object") { data.overview = {}; }
    data.overview.sections = sections;
    return data;
  }
  function fill(data) {
    cells().forEach(function (input) {
      var value = getPath(data, input.dataset.path);
      input.value = value === undefined || value === null ? "0" : String(value);
    });
    form.querySelectorAll("textarea[data-path], input[data-path]:not([data-kind])").forEach(function (field) {
      if (field.closest("[data-section]")) { return; }
      var value = getPath(data, field.dataset.path);
      field.value = value === undefined || value === null ? "" : String(value);
    });
    var list = $("sections");
    list.querySelectorAll("[data-section]").forEach(function (fieldset) { fieldset.remove(); });
    ((data.overview || {}).sections || []).forEach(function (section) {
      var added = newSection();
      if (!added) { return; }
      added.querySelector('[data-field="heading"]').value = section.heading || "";
      added.querySelector('[data-field="body"]').value = section.body || "";
    });
    renumber();
    computeTotals();
  }

  /* -- 一's numbered sub-sections -- */
  var DIGITS = "零一二三四五六七八九";
  function chinese(n) {
    if (n < 10) { return DIGITS[n]; }
    var tens = Math.floor(n / 10);
    var ones = n % 10;
    return (tens === 1 ? "" : DIGITS[tens]) + "十" + (ones ? DIGITS[ones] : "");
  }
  function renumber() {
    $("sections").querySelectorAll("[data-section]").forEach(function (fieldset, i) {
      var heading = fieldset.querySelector('[data-field="heading"]');
      var body = fieldset.querySelector('[data-field="body"]');
      fieldset.querySelector("[data-number]").textContent = "（" + chinese(i + 1) + "）";
      fieldset.querySelector("[data-heading-text]").textContent = heading.value;
      [[heading, "heading"], [body, "body"]].forEach(function (pair) {
        var field = pair[0];
        var id = "sec-" + (i + 1) + "-" + pair[1];
        var label = field.parentNode.querySelector("label");
        field.id = id;
        if (label) { label.htmlFor = id; }
        field.dataset.path = "overview.sections[" + i + "]." + pair[1];
      });
    });
  }
  function newSection() {
    var template = $("section-template");
    if (!template) { return null; }
    var fieldset = template.content.firstElementChild.cloneNode(true);
    $("sections").appendChild(fieldset);
    return fieldset;
  }

  /* -- what the page says about its state -- */
  function say(text, kind) {
    var state = $("state");
    state.textContent = text;
    state.className = "state" + (kind ? " " + kind : "");
  }
  function sayUnsaved() {
    if (offline) {
      say("网络已断开：修改暂存在本机浏览器中，不会丢失；恢复联网后请点「保存」", "offline");
    } else {
      say("有未保存的修改（已暂存在本机浏览器中）", "dirty");
    }
  }
  function setOffline(now) {
    offline = now;
    if (offline) { sayUnsaved(); }
    else if (dirty) { say("网络已恢复，请点「保存」", "dirty"); scheduleCheck(); }
  }
  function showDownloads() {
    document.querySelectorAll("[data-needs-valid]").forEach(function (link) {
      if (savedValid) { link.removeAttribute("aria-disabled"); }
      else { link.setAttribute("aria-disabled", "true"); }
    });
    var hint = $("downloads-hint");
    if (hint) { hint.hidden = savedValid; }
    var submit = $("submit-button");
    if (submit) { submit.disabled = dirty; }
    var submitHint = $("submit-hint");
    if (submitHint) {
      submitHint.textContent = dirty
        ? "请先保存修改，再提交审核。"
        : "提交的是已保存的第 " + version + " 版；提交后不能再修改。";
    }
  }

  /* -- the draft in localStorage -- */
  function keepDraft() {
    try {
      localStorage.setItem(draftKey, JSON.stringify({ version: version, at: Date.now(), data: collect() }));
    } catch (e) { /* storage full or off: the page still holds the changes */ }
  }
  function dropDraft() {
    try { localStorage.removeItem(draftKey); } catch (e) { /* nothing kept */ }
  }
  function readDraft() {
    try { return JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { return null; }
  }
  function changed() {
    dirty = true;
    keepDraft();
    sayUnsaved();
    showDownloads();
    scheduleCheck();
  }

  /* -- problems from /api/check -- */
  function clearProblems() {
    root.querySelectorAll(".cell-problem, .field-problem").forEach(function (node) { node.remove(); });
    root.querySelectorAll(".has-error, .has-warning").forEach(function (node) {
      node.classList.remove("has-error", "has-warning");
    });
    root.querySelectorAll("[data-problem]").forEach(function (field) {
      var kept = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id.indexOf("problem-") !== 0;
      });
      if (kept.length) { field.setAttribute("aria-describedby", kept.join(" ")); }
      else { field.removeAttribute("aria-describedby"); }
      field.removeAttribute("aria-invalid");
      delete field.dataset.problem;
    });
  }
  function target(path) {
    var found = null;
    root.querySelectorAll("[data-path]").forEach(function (node) {
      if (!found && node.dataset.path === path) { found = node; }
    });
    return found;
  }
  function place(problem, n) {
    var node = target(problem.path);
    if (!node) { return null; }
    var id = "problem-" + n;
    var note = document.createElement("span");
    var severity = problem.severity === "warning" ? "warning" : "error";
    note.id = id;
    note.textContent = problem.message;
    var cell = node.closest("td");
    if (cell) {
      note.className = "cell-problem " + severity + "-item";
      cell.classList.add("has-" + severity);
      cell.appendChild(note);
    } else {
      note.className = "field-problem " + severity + "-item";
      (node.closest(".field") || node.parentNode).appendChild(note);
    }
    if (node.matches("input, textarea, output")) {
      node.dataset.problem = "1";
      var described = node.getAttribute("aria-describedby");
      node.setAttribute("aria-describedby", (described ? described + " " : "") + id);
      if (severity === "error") { node.setAttribute("aria-invalid", "true"); }
    }
    if (!node.id) { node.id = "at-" + id; }
    return node.id;
  }
  function listItem(problem, anchor) {
    var item = document.createElement("li");
    var severity = problem.severity === "warning" ? "warning" : "error";
    item.className = "problem " + severity + "-item";
    var where = (problem.label || problem.path) + "：";
    if (anchor) {
      var link = document.createElement("a");
      link.href = "#" + anchor;
      link.textContent = where;
      item.appendChild(link);
      item.appendChild(document.createTextNode(problem.message));
    } else {
      item.textContent = where + problem.message;
    }
    return item;
  }
  function showProblems(answer) {
    clearProblems();
    computeTotals();
    var errors = $("error-list");
    var warnings = $("warning-list");
    errors.textContent = "";
    warnings.textContent = "";
    var n = 0;
    answer.errors.forEach(function (problem) { errors.appendChild(listItem(problem, place(problem, n++))); });
    answer.warnings.forEach(function (problem) { warnings.appendChild(listItem(problem, place(problem, n++))); });
    $("errors-box").hidden = answer.errors.length === 0;
    $("warnings-box").hidden = answer.warnings.length === 0;
    $("check-summary").textContent =
      (answer.errors.length ? "有 " + answer.errors.length + " 处错误" : "没有错误") +
      (answer.warnings.length ? "，" + answer.warnings.length + " 处提醒" : "") + "。";
  }
  function send(method, url, body, headers) {
    var all = { "Content-Type": "application/json", "X-CSRF-Token": csrf };
    Object.keys(headers || {}).forEach(function (name) { all[name] = headers[name]; });
    return fetch(url, { method: method, headers: all, body: body, credentials: "same-origin" });
  }
  function runCheck() {
    var seq = ++checkSeq;
    var wasDirty = dirty;
    return send("POST", "/api/check", JSON.stringify(collect())).then(function (answer) {
      if (answer.status === 401) { sessionEnded(); return null; }
      return answer.json();
    }).then(function (result) {
      if (!result || seq !== checkSeq || !result.errors) { return; }
      if (offline) { setOffline(false); }
      showProblems(result);
      if (!wasDirty && !dirty) { savedValid = result.errors.length === 0; showDownloads(); }
    }).catch(function () { setOffline(true); });
  }
  function scheduleCheck() {
    if (checkTimer) { clearTimeout(checkTimer); }
    checkTimer = setTimeout(runCheck, CHECK_DELAY);
  }
  function sessionEnded() {
    say("登录已过期：修改暂存在本机浏览器中；请重新登录，回到本页后点「保存」", "offline");
    var link = document.createElement("a");
    link.href = "/login?next=" + encodeURIComponent(location.pathname);
    link.textContent = "重新登录";
    $("state").appendChild(document.createTextNode(" "));
    $("state").appendChild(link);
  }

  /* -- saving -- */
  function showVersion() {
    $("version-number").textContent = String(version);
    var hidden = $("submit-version");
    if (hidden) { hidden.value = String(version); }
  }
  function save() {
    var data = collect();
    say("正在保存…", "");
    return send("PUT", "/api/reports/" + reportId, JSON.stringify(data), { "If-Match": '"' + version + '"' })
      .then(function (answer) {
        return answer.json().then(function (body) { return { status: answer.status, body: body }; },
          function () { return { status: answer.status, body: {} }; });
      })
      .then(function (result) {
        if (result.status === 200) {
          version = result.body.version;
          base = data;
          dirty = false;
          dropDraft();
          showVersion();
          say("已保存为第 " + version + " 版", "saved");
          $("conflict").hidden = true;
          showDownloads();
          return runCheck();
        }
        if (result.status === 401) { sessionEnded(); return null; }
        if (result.status === 409) {
          $("conflict-text").textContent = result.body.detail || "";
          $("conflict").hidden = false;
          $("reload").focus();
          say("未保存：他人已修改（修改暂存在本机浏览器中）", "offline");
          return null;
        }
        say("未保存：" + (result.body.detail || ("服务器返回 " + result.status)), "offline");
        return null;
      })
      .catch(function () { setOffline(true); });
  }

  /* -- spreadsheet keys: Enter and the arrows move between cells, Tab as usual -- */
  function move(input, where) {
    var list = Array.prototype.slice.call(input.closest("table").querySelectorAll("input[data-kind]"));
    var index = list.indexOf(input);
    var next = null;
    if (where === "left") { next = list[index - 1]; }
    else if (where === "right") { next = list[index + 1]; }
    else {
      var here = input.getBoundingClientRect();
      var x = here.left + here.width / 2;
      var best = null;
      list.forEach(function (other) {
        var box = other.getBoundingClientRect();
        var dy = where === "down" ? box.top - here.bottom : here.top - box.bottom;
        if (dy < -1) { return; }
        var score = [Math.round(dy), Math.abs(box.left + box.width / 2 - x)];
        if (!best || score[0] < best[0] || (score[0] === best[0] && score[1] < best[1])) {
          best = score;
          next = other;
        }
      });
    }
    if (next) { next.focus(); next.select(); }
  }
  function onKey(event) {
    var input = event.target;
    if (!input.matches || !input.matches("table.official input[data-kind]")) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    var where = null;
    if (event.key === "Enter") { where = event.shiftKey ? "up" : "down"; }
    else if (event.key === "ArrowDown") { where = "down"; }
    else if (event.key === "ArrowUp") { where = "up"; }
    else if (event.key === "ArrowLeft" && (atStart || all)) { where = "left"; }
    else if (event.key === "ArrowRight" && (atEnd || all)) { where = "right"; }
    if (where) { event.preventDefault(); move(input, where); }
  }

  /* -- wiring -- */
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("keydown", onKey);
  form.addEventListener("focusin", function (event) {
    if (event.target.matches("input[data-kind]")) { event.target.select(); }
  });
  if (editable) {
    form.addEventListener("input", function (event) {
      if (event.target.dataset.field === "heading") { renumber(); }
      if (event.target.matches("input[data-kind]")) { computeTotals(); }
      changed();
    });
    $("save").addEventListener("click", save);
    var add = $("add-section");
    if (add) {
      add.addEventListener("click", function () {
        var fieldset = newSection();
        renumber();
        fieldset.querySelector('[data-field="heading"]').focus();
        changed();
      });
    }
    $("sections").addEventListener("click", function (event) {
      if (!event.target.matches("[data-remove-section]")) { return; }
      var fieldset = event.target.closest("[data-section]");
      var next = fieldset.nextElementSibling || fieldset.previousElementSibling;
      fieldset.remove();
      renumber();
      (next ? next.querySelector("input") : add).focus();
      changed();
    });
    $("reload").addEventListener("click", function () { dropDraft(); location.reload(); });
    $("keep").addEventListener("click", function () { $("conflict").hidden = true; sayUnsaved(); });
    var submitForm = $("submit-form");
    if (submitForm) {
      submitForm.addEventListener("submit", function (event) {
        if (dirty) { event.preventDefault(); showDownloads(); $("submit-hint").focus(); }
      });
    }
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); }
    });
  }
  document.querySelectorAll("[data-needs-valid]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (link.getAttribute("aria-disabled") === "true") { event.preventDefault(); }
    });
  });
  window.addEventListener("offline", function () { setOffline(true); });
  window.addEventListener("online", function () { setOffline(false); });

  var draft = editable ? readDraft() : null;
  if (draft && draft.data) {
    var when = new Date(draft.at).toLocaleString("zh-CN");
    var notice = $("draft-notice");
    if (draft.version === version) {
      fill(draft.data);
      dirty = true;
      sayUnsaved();
      $("draft-text").textContent = "已恢复本机浏览器中尚未保存的修改（" + when + "）。请核对后点「保存」；不要这些修改请点「丢弃」。";
      $("restore-draft").hidden = true;
    } else {
      $("draft-text").textContent = "本机浏览器中有基于第 " + draft.version + " 版的未保存修改（" + when +
        "），而报告现在是第 " + version + " 版（他人已修改）。恢复会用本机的修改覆盖页面上的内容。";
    }
    notice.hidden = false;
    $("restore-draft").addEventListener("click", function () {
      fill(draft.data);
      changed();
      notice.hidden = true;
    });
    $("discard-draft").addEventListener("click", function () {
      dropDraft();
      notice.hidden = true;
      if (dirty) { location.reload(); }
    });
  }
  renumber();
  computeTotals();
  showDownloads();
  runCheck();
}());
