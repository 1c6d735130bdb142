// crier's small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // As-you-type check: show what the server would store for an e-mail or phone.
  document.querySelectorAll("input[data-check]").forEach(function (input) {
    var out = input.parentElement.nextElementSibling;
    if (!out || out.tagName !== "OUTPUT") return;
    var timer;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = new URLSearchParams({field: input.dataset.check, value: input.value,
          region: input.dataset.region || ""});
        fetch("/check", {method: "POST", body: q, credentials: "same-origin"}).then(function (r) { return r.json(); })
          .then(function (res) {
            out.textContent = res.ok ? ("→ " + (res.value || "–") + (res.note ? " · " + res.note : ""))
              : res.note;
            out.classList.toggle("bad", !res.ok);
          }).catch(function () {});
      }, 250);
    });
  });

  // Live progress bars on a campaign's page.
  var section = document.getElementById("progress");
  if (section && section.dataset.running === "true") {
    var slug = section.dataset.slug;
    var poll = function () {
      fetch("/campaigns/" + encodeURIComponent(slug) + "/progress", {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (doc) {
          (doc.channels || []).forEach(function (ch) {
            var row = section.querySelector('[data-channel="' + ch.channel + '"]');
            if (!row) return;
            row.querySelector(".bar span").style.width = ch.percent + "%";
            row.querySelector(".bar").setAttribute("aria-valuenow", ch.percent);
            row.querySelector(".pct").textContent = ch.percent + "%";
            row.querySelector(".counts").textContent = ch.done + " / " + ch.total;
          });
          document.getElementById("status").textContent = doc.status;
          if (doc.status === "running" || doc.status === "paused") {
            setTimeout(poll, 1000);
          } else {
            // Finished or cancelled: the page shows the final results and buttons.
            setTimeout(function () { location.reload(); }, 1500);
          }
        }).catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 500);
  }
})();
