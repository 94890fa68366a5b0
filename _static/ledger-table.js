// The ledger page's table (companion/ledger_page.py): search, sort and filter by article, verdict and
// kind of discrepancy with DataTables, and made for the reading column by its Responsive extension
// (_static/vendor/datatables/, shipped with the book): the verdict and the claim always shown, the
// other columns as the width allows, the rest folded under each row (opened by its first cell). Every
// other page has no #ledger-table and is left alone. All rows stay in the page (no paging), so that
// every claim's permalink (#claim-<id>) finds its row, and the row it names is opened.
document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("ledger-table");
  if (!table || typeof DataTable === "undefined") return;
  var dt = new DataTable(table, {
    paging: false, order: [], autoWidth: false,
    responsive: {details: {type: "inline", target: 0}},
    language: {search: "Search the ledger:"},
  });
  document.querySelectorAll('.ledger-filters[data-table="ledger-table"] select').forEach(function (select) {
    select.addEventListener("change", function () {
      dt.column(Number(select.dataset.column)).search(select.value, {exact: select.value !== ""}).draw();
    });
  });
  function show() {  // bring the claim named in the address into view, its details open
    if (!location.hash) return;
    var row = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!row || !row.closest("#ledger-table")) return;
    var r = dt.row(row);
    if (r.child && !r.child.isShown() && dt.responsive && dt.responsive.hasHidden()) {
      row.querySelector("td").click();
    }
    row.scrollIntoView();
  }
  show();
  window.addEventListener("hashchange", show);
});
