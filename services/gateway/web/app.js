/* The gateway's web page: sends the document to POST /v1/resolve and shows
 * the annotated HTML the CLI would write (resolve --format html) in a
 * sandboxed frame; downloads ask the same endpoint for HTML, CSV or JSON. */
'use strict';

(function () {
  var form = document.getElementById('form');
  var text = document.getElementById('text');
  var fileInput = document.getElementById('file');
  var drop = document.getElementById('drop');
  var chosen = document.getElementById('chosen');
  var chosenName = document.getElementById('chosen-name');
  var clearFile = document.getElementById('clear-file');
  var submit = document.getElementById('submit');
  var busy = document.getElementById('busy');
  var error = document.getElementById('error');
  var result = document.getElementById('result');
  var title = document.getElementById('result-title');
  var summary = document.getElementById('summary');
  var frame = document.getElementById('doc');
  var file = null;   /* the chosen or dropped file */
  var last = null;   /* {body, type, name, html} of the last result */

  /* The splitter's format for a file name; the server detects the rest. */
  function docFormat(name) {
    var m = /\.([a-z0-9]+)$/i.exec(name || '');
    var ext = m ? m[1].toLowerCase() : '';
    if (ext === 'docx') return 'docx';
    if (ext === 'pdf') return 'pdf';
    if (ext === 'html' || ext === 'htm' || ext === 'xhtml') return 'html';
    return 'auto';
  }

  function setFile(f) {
    file = f;
    chosen.hidden = !f;
    chosenName.textContent = f ? 'File: ' + f.name + ' (' +
      Math.max(1, Math.round(f.size / 1024)) + ' KiB)' : '';
    if (!f) fileInput.value = '';
  }

  function showError(msg) {
    error.textContent = msg;
    error.hidden = !msg;
  }

  fileInput.addEventListener('change', function () {
    setFile(fileInput.files && fileInput.files[0] ? fileInput.files[0] : null);
  });
  clearFile.addEventListener('click', function () {
    setFile(null);
    fileInput.focus();
  });
  ['dragenter', 'dragover'].forEach(function (ev) {
    drop.addEventListener(ev, function (e) {
      e.preventDefault();
      drop.classList.add('over');
    });
  });
  ['dragleave', 'drop'].forEach(function (ev) {
    drop.addEventListener(ev, function () { drop.classList.remove('over'); });
  });
  drop.addEventListener('drop', function (e) {
    e.preventDefault();
    var f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) setFile(f);
  });

  /* POST the document; resolves to the Response or throws Error(detail). */
  function resolve(req, format) {
    var q = new URLSearchParams();
    q.set('format', format);
    q.set('name', req.name);
    q.set('doc_format', req.docFormat);
    if (req.check) q.set('check', '1');
    if (req.lookup) q.set('lookup', '1');
    var headers = { 'Content-Type': req.type };
    if (req.token) headers.Authorization = 'Bearer ' + req.token;
    return fetch('/v1/resolve?' + q.toString(),
      { method: 'POST', headers: headers, body: req.body })
      .then(function (rep) {
        if (rep.ok) return rep;
        return rep.text().then(function (t) {
          var detail = t;
          try { detail = JSON.parse(t).detail || t; } catch (e) { /* text */ }
          throw new Error(rep.status + ' ' + rep.statusText + ': ' + detail);
        });
      });
  }

  function fitFrame() {
    var d = frame.contentDocument;
    if (d && d.documentElement)
      frame.style.height = (d.documentElement.scrollHeight + 24) + 'px';
  }

  frame.addEventListener('load', function () {
    var d = frame.contentDocument;
    if (!d || !last) return;
    var sources = d.querySelectorAll('.sources li').length;
    var places = d.querySelectorAll('.doc .cit').length;
    var guesses = d.querySelectorAll('.sources .q').length;
    var dead = d.querySelectorAll('.sources .b-dead').length;
    summary.textContent = sources + ' cited source' + (sources === 1 ? '' : 's') +
      ', ' + places + ' place' + (places === 1 ? '' : 's') +
      (guesses ? ', ' + guesses + ' guessed' : '') +
      (dead ? ', ' + dead + ' dead' : '');
    fitFrame();
  });
  window.addEventListener('resize', fitFrame);

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    showError('');
    var pasted = text.value;
    if (!file && pasted.trim() === '') {
      showError('Paste a text or choose a file first.');
      text.focus();
      return;
    }
    var req = {
      body: file ? file : pasted,
      type: file ? 'application/octet-stream' : 'text/plain; charset=utf-8',
      name: file ? file.name : 'pasted text',
      docFormat: file ? docFormat(file.name) : 'auto',
      check: document.getElementById('check').checked,
      lookup: document.getElementById('lookup').checked,
      token: document.getElementById('token').value
    };
    submit.disabled = true;
    busy.textContent = req.check ? 'Finding and checking the citations...'
      : 'Finding the citations...';
    resolve(req, 'html')
      .then(function (rep) { return rep.text(); })
      .then(function (html) {
        req.html = html;
        last = req;
        result.hidden = false;
        frame.srcdoc = html;
        busy.textContent = 'Done.';
        title.focus();
      })
      .catch(function (err) {
        busy.textContent = '';
        showError(err.message);
      })
      .then(function () { submit.disabled = false; });
  });

  function save(blob, name) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 1000);
  }

  document.querySelectorAll('.downloads button').forEach(function (b) {
    b.addEventListener('click', function () {
      if (!last) return;
      var format = b.getAttribute('data-format');
      var base = last.name.replace(/\.[^.]*$/, '') || 'document';
      if (format === 'html') {
        save(new Blob([last.html], { type: 'text/html' }), base + '.html');
        return;
      }
      busy.textContent = 'Preparing the ' + format.toUpperCase() + '...';
      resolve(last, format)
        .then(function (rep) { return rep.blob(); })
        .then(function (blob) {
          save(blob, base + '.' + format);
          busy.textContent = '';
        })
        .catch(function (err) {
          busy.textContent = '';
          showError(err.message);
        });
    });
  });
})();
