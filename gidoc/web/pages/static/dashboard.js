// The reviewer's dashboard: a changed filter applies at once (the 筛选 button does the same without JS).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  form.querySelectorAll("select.auto").forEach(function (select) {
    select.addEventListener("change", function () { form.requestSubmit(); });
  });
});
