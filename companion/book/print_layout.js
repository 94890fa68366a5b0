// Run once in the page that `python -m companion.pdf` prints (never in the HTML book): it marks each
// table that would not fit the printed page, and the ledger, as "print-blocks", so that
// _static/print.css prints it as one block per row, each cell after its column's heading, instead of
// cutting the columns off at the page's edge. In the ledger each block starts with the claim's id, on
// one line, and its verdict. It only adds classes and data-print-label attributes, and turns the links
// between the book's pages into links inside this one page (so that the PDF can follow them).
window.addEventListener("load", function () {
  var COLUMN = 688; // the A4 page less print.css's margins (210 - 2 x 14 mm = 182 mm), in CSS px
  var VERDICTS = ["reproduced", "differs", "not checkable"];
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var words = function (el) { return (el.textContent || "").replace(/\s+/g, " ").trim(); };

  // every cell of the rows, placed on the grid of columns (colspan and rowspan taken into account)
  function grid(rows, fn) {
    var taken = [];
    each(rows, function (row, r) {
      var col = 0;
      each(row.cells, function (cell) {
        while (taken[r] && taken[r][col]) col += 1;
        for (var dr = 0; dr < (cell.rowSpan || 1); dr += 1) {
          for (var dc = 0; dc < (cell.colSpan || 1); dc += 1) {
            taken[r + dr] = taken[r + dr] || [];
            taken[r + dr][col + dc] = true;
          }
        }
        fn(cell, col, cell.colSpan || 1);
        col += cell.colSpan || 1;
      });
    });
  }

  // a column's label: its heading cells from the top row down ("2018 · printed")
  function labels(table) {
    var out = [];
    if (!table.tHead) return out;
    grid(table.tHead.rows, function (cell, col, span) {
      var text = words(cell);
      for (var c = col; c < col + span; c += 1) {
        if (text && (out[c] || []).indexOf(text) < 0) (out[c] = out[c] || []).push(text);
      }
    });
    return out.map(function (parts) { return (parts || []).join(" · "); });
  }

  // wider than the printed page at print.css's table type, or not
  function tooWide(table) {
    var probe = document.createElement("div");
    probe.style.cssText = "position:absolute;left:-20000px;top:0;visibility:hidden;width:" + COLUMN + "px";
    var copy = table.cloneNode(true);
    copy.removeAttribute("id");
    copy.style.fontSize = "7.5pt";
    probe.appendChild(copy);
    table.parentNode.insertBefore(probe, table);
    var wide = copy.getBoundingClientRect().width > COLUMN + 1;
    probe.remove();
    return wide;
  }

  // The book's own cards (_static/table-cards.js, "as-cards") are chosen for the screen's width, not
  // the page's: in the printed copy this decides alone, and keeps them off should they come back.
  var CARDS = "as-cards";
  each(document.querySelectorAll("table." + CARDS), function (table) { table.classList.remove(CARDS); });
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.target.classList && change.target.classList.contains(CARDS)) change.target.classList.remove(CARDS);
      });
    }).observe(document.body, {attributes: true, attributeFilter: ["class"], subtree: true});
  }

  each(document.querySelectorAll("table"), function (table) {
    if (table.classList.contains("print-blocks") || !table.tBodies.length) return;
    var ledger = table.querySelector("a.claim-permalink") !== null;
    if (!ledger && !tooWide(table)) return;
    table.classList.add("print-blocks");
    var heads = labels(table);
    each(table.tBodies, function (body) {
      // DataTables Responsive's child rows repeat the row's folded cells: print.css leaves them out
      var rows = Array.prototype.filter.call(body.rows, function (row) { return !row.classList.contains("child"); });
      grid(rows, function (cell, col) {
        if (heads[col]) cell.setAttribute("data-print-label", heads[col]);
        if (!words(cell) && !cell.querySelector("img")) cell.classList.add("print-blank");
      });
      each(rows, function (row) {
        // the row's key first: in the ledger the claim's id (a copy of its permalink, in a cell of its
        // own, the one in the claim's words left out), elsewhere the first cell
        var permalink = ledger ? row.querySelector("a.claim-permalink") : null;
        var keyCell = row.cells[0];
        if (permalink) {
          keyCell = document.createElement("td");
          keyCell.appendChild(permalink.cloneNode(true));
          permalink.classList.add("print-moved");
          row.insertBefore(keyCell, row.firstChild);
        }
        if (keyCell) keyCell.classList.add("print-key");
        var verdict = (row.getAttribute("data-verdict") || "").toLowerCase();
        if (VERDICTS.indexOf(verdict) < 0) return;
        each(row.cells, function (cell) {
          var text = words(cell).toLowerCase();
          if (cell !== keyCell && text.indexOf(verdict) >= 0 && text.length <= verdict.length + 4) {
            cell.classList.add("print-verdict");
          }
        });
      });
    });
  });

  // Links written for the HTML book's pages ("../reproducibility/01_ledger.html#claim-..." on the page
  // of chapters/participation-uk-kz/01_table1a_kz_regions) lead to that page's part of this one page
  // (its anchor "document-<page>", or the id the link names there).
  var BOOK = "https://book.invalid/";
  var page = "intro";
  each(document.querySelectorAll('[id^="document-"], a[href]'), function (el) {
    if (el.id && el.id.indexOf("document-") === 0) page = el.id.slice("document-".length);
    var href = el.tagName === "A" ? el.getAttribute("href") : "";
    if (!href || /^([a-z][a-z0-9+.-]*:|#|\/\/)/i.test(href)) return;
    var url = new URL(href, BOOK + page + ".html");
    if (!/\.html$/.test(url.pathname)) return;
    var target = "document-" + decodeURIComponent(url.pathname.slice(1).replace(/\.html$/, ""));
    if (!document.getElementById(target)) return;
    var id = decodeURIComponent(url.hash.slice(1));
    el.setAttribute("href", "#" + (id && document.getElementById(id) ? id : target));
  });
});
