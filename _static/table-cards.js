// Every table fits the reading column (issue 25): a table wider than the column it stands in becomes
// cards, one block per row, each cell labelled with its column's heading and the verdict first. The
// table is measured in the browser, at the width it is read at (a laptop, a phone, the printed page),
// and measured again when that width changes (resize, print, a folded box opened). The ledger table
// is left to DataTables Responsive (_static/ledger-table.js). Without JavaScript a table scrolls in its box.
(function () {
  "use strict";
  var SKIP = "#ledger-table";

  function headings(table) {
    // one name per column: the header rows' texts over that column joined (colspans counted), so that
    // a header of two rows (a year over "printed" and "recomputed", or pandas' index names) reads whole
    var names = [];
    var rows = table.tHead ? table.tHead.rows : [];
    var taken = {}; // "row:column" held by a cell of an earlier row (rowspan)
    Array.prototype.forEach.call(rows, function (row, r) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        while (taken[r + ":" + column]) column++;
        var span = Number(cell.getAttribute("colspan") || 1);
        var down = Number(cell.getAttribute("rowspan") || 1);
        var text = cell.textContent.trim();
        for (var i = 0; i < span; i++, column++) {
          for (var d = 1; d < down; d++) taken[(r + d) + ":" + column] = true;
          if (text && names[column] !== text) names[column] = names[column] ? names[column] + " " + text : text;
          else if (!names[column]) names[column] = "";
        }
      });
    });
    return names;
  }

  function label(table) {
    if (table.dataset.cardsLabelled) return;
    var names = headings(table);
    var rows = table.tBodies.length ? table.tBodies[0].rows : [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var name = names[column] || "";
          if (name && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", name);
          if (/(^|\s)verdict/i.test(name)) cell.classList.add("card-verdict");
          column += Number(cell.getAttribute("colspan") || 1);
        });
      });
    });
    table.dataset.cardsLabelled = rows.length ? "1" : "0";
  }

  function room(table) {
    // the width the table may take: its box's content width (the box scrolls when the table is wider)
    var box = table.parentElement;
    while (box && box !== document.body) {
      var style = getComputedStyle(box);
      if (style.display !== "inline" && box.clientWidth > 0) {
        return box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      }
      box = box.parentElement;
    }
    return document.documentElement.clientWidth;
  }

  function fit(table) {
    if (table.closest(SKIP) || table.matches(SKIP) || !table.tBodies.length) return;
    label(table);
    table.classList.remove("as-cards");
    if (table.offsetParent === null) return; // folded away: measured when its box opens
    // fractions count: a table 676.7 px wide in a 676 px box shows a scroll bar
    var wide = Math.max(table.scrollWidth, Math.ceil(table.getBoundingClientRect().width));
    if (wide > room(table)) table.classList.add("as-cards");
  }

  function fitAll() {
    document.querySelectorAll(".bd-article table").forEach(fit);
  }

  var pending = null;
  function later() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { pending = null; fitAll(); });
  }

  document.addEventListener("DOMContentLoaded", fitAll);
  window.addEventListener("load", fitAll);
  window.addEventListener("resize", later);
  window.addEventListener("beforeprint", fitAll);
  window.addEventListener("afterprint", fitAll);
  document.addEventListener("toggle", function () { fitAll(); }, true);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) print.addEventListener("change", fitAll);
  }
  window.companionFitTables = fitAll;
})();
