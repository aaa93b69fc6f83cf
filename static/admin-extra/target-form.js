// Target form: the county office list shows only the chosen province's offices.
// The server checks the same (programs/admin_forms.py, TargetAdminForm).
(function () {
  "use strict";
  function narrow() {
    var province = document.getElementById("id_province");
    var office = document.getElementById("id_office");
    if (!province || !office) return;
    Array.prototype.forEach.call(office.options, function (option) {
      var owner = option.getAttribute("data-province");
      var shown = !owner || !province.value || owner === province.value;
      option.hidden = !shown;
      option.disabled = !shown;
      if (!shown && option.selected) office.value = "";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var province = document.getElementById("id_province");
    if (province) province.addEventListener("change", narrow);
    narrow();
  });
})();
