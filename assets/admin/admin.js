// The admin site's page script. Everything it does is an enhancement: every page works
// without it (plain forms, buttons that move items one step).
(function () {
  'use strict';

  // Errors where the eye is: a refused form comes back with its error summary in view.
  function showErrors() {
    var alert = document.querySelector('.alert[role="alert"]');
    if (!alert) return;
    if (document.activeElement !== alert) alert.focus({ preventScroll: true });
    alert.scrollIntoView({ block: 'center' });
  }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function say(text) {
    var line = document.querySelector('[data-order-status]');
    if (line) line.textContent = text;
  }

  function refreshButtons(list) {
    var items = Array.prototype.filter.call(list.children, function (li) {
      return li.classList.contains('order-item');
    });
    items.forEach(function (li, i) {
      var up = li.querySelector(':scope > .order-row button[value="up"]');
      var down = li.querySelector(':scope > .order-row button[value="down"]');
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === items.length - 1;
    });
    return items.map(function (li) {
      return li.getAttribute('data-slug');
    });
  }

  function save(list) {
    var slugs = refreshButtons(list);
    var body = new URLSearchParams();
    body.set('_csrf', csrf());
    body.set('kind', list.getAttribute('data-order'));
    body.set('list', list.getAttribute('data-list') || '');
    body.set('order', slugs.join(','));
    say('Saving the order…');
    fetch('/admin/order', { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        say('Order saved.');
      })
      .catch(function () {
        say('The order could not be saved. Reload the page and try again.');
      });
  }

  // Drag and drop for ordered lists (mouse and pen; the buttons stay for keyboard and touch).
  function enableDrag(list) {
    var dragged = null;
    Array.prototype.forEach.call(list.children, function (li) {
      if (!li.classList.contains('order-item')) return;
      var grip = li.querySelector(':scope > .order-row > .grip');
      if (grip) grip.hidden = false;
      li.draggable = true;
      li.addEventListener('dragstart', function (event) {
        if (event.target !== li) return;
        event.stopPropagation();
        dragged = li;
        li.classList.add('dragging');
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData('text/plain', li.getAttribute('data-slug'));
      });
      li.addEventListener('dragend', function () {
        li.classList.remove('dragging');
        if (dragged === li) {
          dragged = null;
          save(list);
        }
      });
    });
    list.addEventListener('dragover', function (event) {
      if (!dragged || dragged.parentElement !== list) return;
      event.preventDefault();
      event.stopPropagation();
      var over = event.target.closest ? event.target.closest('.order-item') : null;
      while (over && over.parentElement !== list) over = over.parentElement.closest('.order-item');
      if (!over || over === dragged) return;
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
  }

  function start() {
    showErrors();
    var lists = document.querySelectorAll('ol.order[data-order]');
    if (lists.length > 0 && 'draggable' in document.createElement('li')) {
      Array.prototype.forEach.call(lists, enableDrag);
      var hint = document.querySelector('[data-drag-hint]');
      if (hint) hint.hidden = false;
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
