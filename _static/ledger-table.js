// The ledger page's table (companion/ledger_page.py): search, sort and filter by article, verdict and
// kind of discrepancy with DataTables (_static/vendor/datatables/, shipped with the book). Every other
// page has no #ledger-table and is left alone. All rows stay in the page (no paging), so that every
// claim's permalink (#claim-<id>) finds its row.
document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("ledger-table");
  if (!table || typeof DataTable === "undefined") return;
  var dt = new DataTable(table, {paging: false, order: [], autoWidth: false,
                                 language: {search: "Search the ledger:"}});
  document.querySelectorAll('.ledger-filters[data-table="ledger-table"] select').forEach(function (select) {
    select.addEventListener("change", function () {
      dt.column(Number(select.dataset.column)).search(select.value, {exact: select.value !== ""}).draw();
    });
  });
  if (location.hash) {  // the table was redrawn: bring the claim named in the address back into view
    var row = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (row) row.scrollIntoView();
  }
});
