// The embed snippet shows the address this page was served from, so it is
// right on any host without editing the HTML.
(function () {
  "use strict";
  var snippet = document.getElementById("embed-snippet");
  if (snippet) {
    snippet.textContent = '<script src="' + location.origin +
      '/widget/widget.js" data-clinic="Cedar Grove Behavioral Health" defer></' + 'script>';
  }
})();
