// The checklist workspace, where JavaScript runs: answers save themselves a moment after a change, and a file
// dropped on an item's evidence box is uploaded to that item. Without JavaScript the page works the same with
// its buttons. Served from redline itself (Content-Security-Policy: script-src 'self').
"use strict";

(function () {
  const form = document.getElementById("answers");
  const status = document.getElementById("autosave-status");
  if (form && status && window.fetch && window.FormData) {
    let timer = null;
    let pending = false;
    const save = async () => {
      timer = null;
      if (pending) { timer = setTimeout(save, 400); return; }
      pending = true;
      try {
        const response = await fetch(form.dataset.autosave, {
          method: "POST",
          body: new FormData(form),
          headers: { "X-Redline-Autosave": "1" },
          credentials: "same-origin",
        });
        const body = await response.json();
        if (response.ok) {
          status.textContent = body.message + " · " + new Date().toLocaleTimeString() + " · " + body.progress;
          status.classList.remove("error");
          const bar = document.getElementById("progress-bar");
          if (bar) { bar.value = body.answered; bar.max = body.total; }
        } else {
          status.textContent = body.detail || String(response.status);
          status.classList.add("error");
        }
      } catch (err) {
        status.textContent = String(err);
        status.classList.add("error");
      } finally {
        pending = false;
      }
    };
    const changed = (event) => {
      const target = event.target;
      if (!target || target.form !== form) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, event.type === "change" ? 300 : 1500);
    };
    document.addEventListener("change", changed);
    document.addEventListener("input", changed);
  }

  for (const zone of document.querySelectorAll("form[data-dropzone]")) {
    const input = zone.querySelector("input[type=file]");
    if (!input || !window.DataTransfer) continue;
    zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      const files = new DataTransfer();
      files.items.add(event.dataTransfer.files[0]);
      input.files = files.files;
      zone.requestSubmit();
    });
  }
})();
