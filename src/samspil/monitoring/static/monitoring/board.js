/*
 * The monitoring board: new alerts appear without reloading the page.
 *
 * The server streams server-sent events (monitoring:feed): "alert" for each new alert, with the
 * alert id as the event id, and "update" when an operator acts on one. Each stream ends after
 * about a minute and EventSource reconnects by itself, sending the last id it got, so no alert
 * is missed between streams. Rows are cloned from the <template> the server rendered, filled
 * with textContent only (never innerHTML), so nothing in an alert can become markup.
 * No inline script: the Content-Security-Policy allows our own files only.
 */
(function () {
  "use strict";

  var FIELDS = ["time_display", "order_id", "type_label", "zone_id", "device_id",
    "status_label", "incident"];

  function fill(row, alert) {
    row.setAttribute("data-alert-id", String(alert.id));
    row.setAttribute("data-status", alert.status);
    row.className = "samspil-alert samspil-alert-" + alert.status;
    FIELDS.forEach(function (name) {
      var cell = row.querySelector('[data-field="' + name + '"]');
      if (cell) {
        cell.textContent = alert[name] || "";
      }
    });
    var link = row.querySelector('[data-href="order_url"]');
    if (link) {
      link.setAttribute("href", alert.order_url);
    }
    var buttons = {
      acknowledge: alert.status === "new",
      escalate: alert.status !== "escalated",
      confirm: Boolean(alert.confirmable)
    };
    Object.keys(buttons).forEach(function (name) {
      var button = row.querySelector('[data-button="' + name + '"]');
      if (button) {
        button.hidden = !buttons[name];
      }
    });
  }

  function newRow(template, alert) {
    var row = template.content.firstElementChild.cloneNode(true);
    var id = String(alert.id);
    row.querySelectorAll("[action], [formaction], [id], [for]").forEach(function (element) {
      ["action", "formaction", "id", "for"].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value && value.indexOf("__ID__") !== -1) {
          element.setAttribute(attribute, value.split("__ID__").join(id));
        }
      });
    });
    fill(row, alert);
    return row;
  }

  function start() {
    var table = document.getElementById("monitoring-board");
    var template = document.getElementById("monitoring-alert-row");
    var status = document.getElementById("monitoring-live");
    var empty = document.getElementById("monitoring-empty");
    if (!table || !template || !status || typeof window.EventSource !== "function") {
      return;
    }
    var body = table.tBodies[0];
    var url = table.getAttribute("data-feed-url");
    url += (url.indexOf("?") === -1 ? "?" : "&") + "after=" +
      encodeURIComponent(table.getAttribute("data-after") || "0");
    var source = new window.EventSource(url);

    source.addEventListener("open", function () {
      status.textContent = status.getAttribute("data-connected");
    });
    source.addEventListener("error", function () {
      status.textContent = status.getAttribute("data-disconnected");
    });
    source.addEventListener("alert", function (event) {
      var alert = JSON.parse(event.data);
      if (body.querySelector('[data-alert-id="' + alert.id + '"]')) {
        return;
      }
      body.insertBefore(newRow(template, alert), body.firstChild);
      if (empty) {
        empty.hidden = true;
      }
      status.textContent = status.getAttribute("data-new-alert") + ": " + alert.type_label +
        ", " + alert.order_id + ", " + alert.time_display;
    });
    source.addEventListener("update", function (event) {
      var alert = JSON.parse(event.data);
      var row = body.querySelector('[data-alert-id="' + alert.id + '"]');
      if (row) {
        fill(row, alert);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
