/*
 * Samspil front-end start-up.
 *
 * Loaded with `defer` after dkfds.min.js, which exposes the design system as `window.DKFDS`.
 * The Content-Security-Policy allows scripts from our own origin only, so the design system is
 * initialised here rather than in an inline <script> in the page.
 */
(function () {
  "use strict";

  function localiseMoreMenu() {
    // DKFDS builds the desktop "more" menu (for items that do not fit) with a fixed Danish
    // label; base.html puts the translated label on the menu list.
    var menu = document.querySelector(".navigation-menu .mainmenu[data-more-label]");
    var label = menu && menu.querySelector(".more-button span");
    if (label) {
      label.textContent = menu.getAttribute("data-more-label");
    }
  }

  function start() {
    if (!window.DKFDS || typeof window.DKFDS.init !== "function") {
      return;
    }
    window.DKFDS.init();
    localiseMoreMenu();
  }

  // Deferred scripts run after parsing but before DOMContentLoaded; guard anyway so the file
  // also works if someone loads it without `defer`.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
