extension WebAssets {
    /// The web client: a small hand-written app over the Mastodon API (hash routes, no framework).
    /// Text from the server goes into the page through `textContent` or `esc`; status content and
    /// account notes are the server's own sanitized HTML.
    static let script = #"""
'use strict';
(function () {
  const meta = (name) => { const el = document.querySelector('meta[name="' + name + '"]'); return el ? el.content : ''; };
  const TOKEN = meta('starling-token');
  const ME = meta('starling-account');
  const MY_NAME = meta('starling-username');
  const MAX = parseInt(meta('starling-max-characters'), 10) || 280;
  const main = document.getElementById('main');
  const live = document.getElementById('live');

  // ---- Counting as the server does (StatusTextRules.countCharacters) ----
  // Grapheme clusters; tokens split at whitespace characters (Unicode White_Space, as Swift's
  // Character.isWhitespace); a token with http:// or https:// followed by anything counts the
  // characters before the scheme plus 23; @user@domain counts as @user.
  const WHITE = new Set([0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
    0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]);
  const segmenter = (typeof Intl !== 'undefined' && Intl.Segmenter) ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  function graphemes(text) {
    if (segmenter) return Array.from(segmenter.segment(text), (s) => s.segment);
    return Array.from(text);
  }
  function isWhite(g) { return WHITE.has(g.codePointAt(0)); }
  function find(gs, needle) {
    const n = Array.from(needle);
    outer: for (let i = 0; i + n.length <= gs.length; i++) {
      for (let j = 0; j < n.length; j++) if (gs[i + j] !== n[j]) continue outer;
      return i;
    }
    return -1;
  }
  function countToken(gs) {
    let at = find(gs, 'https://'); let len = 8;
    if (at < 0) { at = find(gs, 'http://'); len = 7; }
    if (at >= 0 && at + len < gs.length) return at + 23;
    if (gs.length > 0 && gs[0] === '@') {
      const body = gs.slice(1);
      const second = body.indexOf('@');
      if (second > 0 && second + 1 < body.length) return 1 + second;
    }
    return gs.length;
  }
  function countCharacters(text) {
    const gs = graphemes(text);
    let count = 0; let token = [];
    for (const g of gs) {
      if (isWhite(g)) { count += countToken(token) + 1; token = []; } else token.push(g);
    }
    return count + countToken(token);
  }
  window.starlingCountCharacters = countCharacters;

  // ---- Helpers ----
  function esc(text) {
    return String(text == null ? '' : text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') node.textContent = v;
      else if (k === 'html') node.innerHTML = v; // only for the server's sanitized HTML
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : v);
    }
    for (const child of [].concat(children || [])) if (child != null) node.append(child);
    return node;
  }
  function say(text) { live.textContent = ''; setTimeout(() => { live.textContent = text; }, 50); }
  async function api(method, path, body) {
    const options = { method, headers: { Authorization: 'Bearer ' + TOKEN } };
    if (body) { options.headers['Content-Type'] = 'application/json'; options.body = JSON.stringify(body); }
    const response = await fetch(path, options);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      if (response.status === 401) { location.href = '/'; }
      throw new Error((data && data.error) || ('The server answered ' + response.status));
    }
    return data;
  }
  function errorBox(error) { return el('p', { class: 'error', role: 'alert', text: error.message || String(error) }); }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  function displayName(account) { return account.display_name || account.username; }
  function when(iso) {
    const date = new Date(iso);
    const seconds = (Date.now() - date.getTime()) / 1000;
    if (seconds < 60) return 'now';
    if (seconds < 3600) return Math.floor(seconds / 60) + 'm';
    if (seconds < 86400) return Math.floor(seconds / 3600) + 'h';
    return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  }
  function setTitle(text) { document.title = text + ' – Starling'; }
  function heading(text) { return el('h1', { id: 'page-heading', tabindex: '-1', text }); }

  // ---- Statuses ----
  function statusView(status) {
    const shown = status.reblog || status;
    const account = shown.account;
    const article = el('article', { class: 'status', 'data-id': status.id, 'data-shown-id': shown.id, 'aria-label': 'Post by ' + displayName(account) });
    article.starlingStatus = status;
    if (status.reblog) {
      article.append(el('div', { class: 'boost' }, [el('span', { 'aria-hidden': 'true', text: '↻ ' }),
        el('a', { href: '#/@' + status.account.username, text: displayName(status.account) }), ' boosted']));
    }
    const header = el('header', {}, [
      el('a', { class: 'author', href: '#/@' + account.username }, [el('strong', { text: displayName(account) }), ' ',
        el('span', { class: 'acct', text: '@' + account.username })]),
      shown.in_reply_to_id ? el('span', { class: 'reply-note', text: 'Reply' }) : null,
      shown.edited_at ? editedMarker(shown, article) : null,
      el('a', { class: 'date', href: '#/statuses/' + shown.id }, [el('time', { datetime: shown.created_at, title: new Date(shown.created_at).toLocaleString(), text: when(shown.created_at) })]),
    ]);
    article.append(header);
    const content = el('div', { class: 'content', html: shown.content });
    if (shown.spoiler_text) {
      article.append(el('details', { class: 'cw' }, [el('summary', { text: shown.spoiler_text }), content]));
    } else article.append(content);
    for (const part of [mediaView(shown), pollView(shown), toolbar(shown, article)]) if (part) article.append(part);
    return article;
  }

  // "edited": a button that shows every version (GET /api/v1/statuses/:id/history, oldest first).
  function editedMarker(status, article) {
    const button = el('button', { type: 'button', class: 'link edited', 'aria-expanded': 'false', text: 'edited',
      title: 'Edited ' + new Date(status.edited_at).toLocaleString() + ': show the versions' });
    button.addEventListener('click', async () => {
      const open = article.querySelector('.history');
      if (open) { open.remove(); button.setAttribute('aria-expanded', 'false'); return; }
      try {
        const versions = await api('GET', '/api/v1/statuses/' + status.id + '/history');
        const list = el('ol', { class: 'history', 'aria-label': 'Versions of this post' }, versions.map((v, i) => el('li', {}, [
          el('p', { class: 'version' }, [(i === 0 ? 'Posted ' : 'Edited ') + new Date(v.created_at).toLocaleString() + (i === versions.length - 1 ? ' (current)' : '')]),
          v.spoiler_text ? el('p', { class: 'cw-text', text: 'Content warning: ' + v.spoiler_text }) : null,
          el('div', { class: 'content', html: v.content })])));
        article.querySelector('header').after(list);
        button.setAttribute('aria-expanded', 'true');
      } catch (error) { say(error.message); }
    });
    return button;
  }

  // Pictures: previews linking to the full image, the description as alt text; 2-4 in a grid.
  // A sensitive or content-warned status keeps them hidden until asked (WebPages.hidesMedia).
  function mediaView(status) {
    const items = (status.media_attachments || []).filter((m) => m.url).slice(0, 4);
    if (!items.length) return null;
    const grid = el('div', { class: 'media media-' + items.length }, items.map((m, i) => {
      const small = m.meta && m.meta.small;
      const label = m.description ? null : 'Picture ' + (i + 1) + ' (no description), full size';
      return el('a', { href: m.url, target: '_blank', rel: 'noopener', 'aria-label': label }, [
        el('img', { src: m.preview_url || m.url, alt: m.description || '', loading: 'lazy', width: small ? small.width : null, height: small ? small.height : null })]);
    }));
    if (!status.sensitive && !status.spoiler_text) return grid;
    grid.hidden = true;
    const button = el('button', { type: 'button', class: 'secondary show-sensitive', 'aria-expanded': 'false', text: 'Show sensitive media' });
    button.addEventListener('click', () => {
      const show = grid.hidden;
      grid.hidden = !show;
      button.setAttribute('aria-expanded', show ? 'true' : 'false');
      button.textContent = show ? 'Hide media' : 'Show sensitive media';
    });
    return el('div', { class: 'sensitive-media' }, [button, grid]);
  }

  function untilText(iso) {
    const minutes = Math.round((new Date(iso).getTime() - Date.now()) / 60000);
    if (minutes <= 0) return 'Closing now';
    if (minutes < 60) return 'Closes in ' + plural(minutes, 'minute', 'minutes');
    if (minutes < 60 * 24) return 'Closes in ' + plural(Math.round(minutes / 60), 'hour', 'hours');
    return 'Closes in ' + plural(Math.round(minutes / 1440), 'day', 'days');
  }

  // A poll: a form to vote while one may, else the results. Shares as the public pages compute
  // them (WebPages.pollResults): of the voters for a multiple-choice poll, of the votes otherwise.
  function pollView(status) {
    if (!status.poll) return null;
    const box = el('div', { class: 'poll', 'data-poll-id': status.poll.id });
    const render = (poll) => {
      const mine = status.account.id === ME;
      const people = poll.voters_count != null ? poll.voters_count : poll.votes_count;
      const info = el('p', { class: 'poll-info', text: plural(people, 'person', 'people') + ' voted · ' + (poll.expired ? 'Closed' : untilText(poll.expires_at)) });
      if (!poll.expired && !poll.voted && !mine) {
        const name = 'poll-' + poll.id + '-' + Math.random().toString(36).slice(2, 6);
        const fieldset = el('fieldset', {}, [el('legend', { class: 'visually-hidden', text: poll.multiple ? 'Poll: choose one or more' : 'Poll: choose one' })]);
        poll.options.forEach((option, i) => {
          const input = el('input', { type: poll.multiple ? 'checkbox' : 'radio', name, value: String(i), id: name + '-' + i });
          fieldset.append(el('label', { class: 'check', for: input.id }, [input, option.title]));
        });
        const vote = el('button', { type: 'submit', class: 'vote', text: 'Vote' });
        const form = el('form', { class: 'poll-form' }, [fieldset, vote, info]);
        form.addEventListener('submit', async (event) => {
          event.preventDefault();
          const choices = Array.from(form.querySelectorAll('input:checked'), (input) => input.value);
          if (!choices.length) { say('Choose an option first'); return; }
          vote.disabled = true;
          try { render(await api('POST', '/api/v1/polls/' + poll.id + '/votes', { choices })); say('Vote counted'); } catch (error) {
            vote.disabled = false; form.append(errorBox(error));
          }
        });
        box.replaceChildren(form);
        return;
      }
      const base = poll.multiple ? (poll.voters_count != null ? poll.voters_count : poll.votes_count) : poll.votes_count;
      const own = new Set(poll.own_votes || []);
      const list = el('ul', {}, poll.options.map((option, i) => {
        const chosen = own.has(i) ? el('span', { class: 'own-vote', text: ' ✓ your choice' }) : null;
        if (option.votes_count == null) return el('li', {}, [option.title, chosen]);
        const percent = base > 0 ? Math.min(100, Math.round(option.votes_count * 100 / base)) : 0;
        return el('li', {}, [el('span', { class: 'title', text: option.title }), ' ', el('strong', { text: percent + '%' }),
          el('span', { class: 'votes', text: ' (' + plural(option.votes_count, 'vote', 'votes') + ')' }), chosen,
          el('progress', { max: '100', value: String(percent), 'aria-hidden': 'true' })]);
      }));
      const hidden = poll.options.some((o) => o.votes_count == null) ? el('p', { class: 'poll-info', text: 'Results are shown when the poll closes.' }) : null;
      box.replaceChildren(...[list, hidden, info].filter(Boolean));
    };
    render(status.poll);
    return box;
  }

  // Replaces every shown copy of a status (itself, or inside a boost) after an edit or a vote.
  function replaceStatus(updated) {
    for (const node of document.querySelectorAll('article.status[data-shown-id="' + CSS.escape(updated.id) + '"]')) {
      if (node.querySelector('form.edit')) continue; // being edited here: saving replaces it
      const old = node.starlingStatus;
      const fresh = statusView(old && old.reblog ? Object.assign({}, old, { reblog: updated }) : updated);
      if (node.classList.contains('focused')) fresh.classList.add('focused');
      node.replaceWith(fresh);
    }
  }

  // Edit in place: the text and content warning as written (the source), saved with PUT.
  async function editStatus(status, article) {
    if (article.querySelector('form.edit')) return;
    let source;
    try { source = await api('GET', '/api/v1/statuses/' + status.id + '/source'); } catch (error) { alert(error.message); return; }
    const id = 'edit-' + status.id;
    const text = el('textarea', { id: id + '-text', rows: '4' });
    text.value = source.text || '';
    const cw = el('input', { type: 'text', id: id + '-cw', value: source.spoiler_text || '' });
    const save = el('button', { type: 'submit', text: 'Save' });
    const cancel = el('button', { type: 'button', class: 'secondary', text: 'Cancel' });
    const message = el('div', { role: 'status' });
    const form = el('form', { class: 'edit compose', 'aria-label': 'Edit post' }, [
      el('label', { for: text.id, text: 'Edit your post' }), text,
      el('label', { for: cw.id, text: 'Content warning (optional)' }), cw,
      el('div', { class: 'actions' }, [save, cancel]), message]);
    const parts = Array.from(article.children).filter((child) => child.tagName !== 'HEADER' && !child.classList.contains('boost'));
    for (const part of parts) part.hidden = true;
    article.append(form);
    text.focus();
    cancel.addEventListener('click', () => { form.remove(); for (const part of parts) part.hidden = false; });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      save.disabled = true;
      message.replaceChildren();
      try {
        const updated = await api('PUT', '/api/v1/statuses/' + status.id, { status: text.value, spoiler_text: cw.value });
        form.remove();
        replaceStatus(updated);
        const again = document.querySelector('article.status[data-id="' + CSS.escape(article.dataset.id) + '"] button.edit');
        if (again) again.focus();
        say('Post edited');
      } catch (error) { message.append(errorBox(error)); save.disabled = false; }
    });
  }

  function toolbar(status, article) {
    const bar = el('div', { class: 'toolbar', role: 'group', 'aria-label': 'Actions' });
    const counts = { replies: status.replies_count, reblogs: status.reblogs_count, favourites: status.favourites_count };
    bar.append(el('button', { type: 'button', class: 'reply', text: 'Reply ' + counts.replies, 'aria-label': 'Reply (' + counts.replies + ' replies)',
      onclick: () => { location.hash = '#/statuses/' + status.id + '?reply=1'; } }));
    const toggle = (cls, label, on, count, doPath, undoPath, onChange) => {
      const button = el('button', { type: 'button', class: cls, 'aria-pressed': on ? 'true' : 'false', text: label + (count != null ? ' ' + count : '') });
      button.addEventListener('click', async () => {
        const pressed = button.getAttribute('aria-pressed') === 'true';
        button.disabled = true;
        try {
          const updated = await api('POST', '/api/v1/statuses/' + status.id + '/' + (pressed ? undoPath : doPath));
          const now = !pressed;
          button.setAttribute('aria-pressed', now ? 'true' : 'false');
          if (count != null) { count += now ? 1 : -1; if (count < 0) count = 0; }
          if (onChange && updated) onChange(updated);
          button.textContent = label + (count != null ? ' ' + count : '');
          say(label + (now ? ' done' : ' undone'));
        } catch (error) { say(error.message); alert(error.message); }
        button.disabled = false;
      });
      return button;
    };
    if (status.visibility === 'public' || status.visibility === 'unlisted' || status.account.id === ME) {
      bar.append(toggle('boost', 'Boost', status.reblogged, counts.reblogs, 'reblog', 'unreblog'));
    }
    bar.append(toggle('favourite', 'Favourite', status.favourited, counts.favourites, 'favourite', 'unfavourite'));
    bar.append(toggle('bookmark', 'Bookmark', status.bookmarked, null, 'bookmark', 'unbookmark'));
    if (status.account.id === ME && (status.visibility === 'public' || status.visibility === 'unlisted')) {
      bar.append(toggle('pin', 'Pin', status.pinned, null, 'pin', 'unpin'));
    }
    if (status.account.id === ME) {
      // Not with a poll: an edit without its poll removes it (as Mastodon), and this form edits
      // only the text, so it would drop the poll (and its hide_totals is not known here).
      if (!status.poll) bar.append(el('button', { type: 'button', class: 'edit', text: 'Edit', onclick: () => editStatus(status, article) }));
      bar.append(el('button', { type: 'button', class: 'delete', text: 'Delete', onclick: async (event) => {
        if (!confirm('Delete this post?')) return;
        try {
          await api('DELETE', '/api/v1/statuses/' + status.id);
          removeStatus(status.id);
          say('Post deleted');
        } catch (error) { alert(error.message); }
      } }));
    }
    return bar;
  }

  function removeStatus(id) {
    for (const node of document.querySelectorAll('article.status[data-id="' + CSS.escape(id) + '"]')) node.remove();
  }

  // Links in content to this site's pages open in the app.
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('.content a[href]');
    if (!link) return;
    let url;
    try { url = new URL(link.href); } catch (e) { return; }
    const mention = url.pathname.match(/^\/@([A-Za-z0-9_]+)$/);
    const tag = url.pathname.match(/^\/tags\/([^/]+)$/);
    if (mention) { event.preventDefault(); location.hash = '#/@' + mention[1]; }
    else if (tag) { event.preventDefault(); location.hash = '#/tags/' + tag[1]; }
  });

  // ---- Compose ----
  // The server's limits, handed over in <meta> tags (the instance entity's numbers).
  const MAX_MEDIA = parseInt(meta('starling-max-media'), 10) || 4;
  const [MAX_POLL_OPTIONS, MAX_OPTION_CHARS, MIN_POLL_SECONDS, MAX_POLL_SECONDS] = (meta('starling-poll-limits') || '4 50 300 2629746').split(' ').map((n) => parseInt(n, 10));

  // One upload: POST /api/v2/media answers 202 while the workers process the picture; then ask
  // GET /api/v1/media/:id until it has a url (206 meanwhile).
  async function uploadPicture(file, onState) {
    const form = new FormData();
    form.append('file', file);
    const response = await fetch('/api/v2/media', { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN }, body: form });
    let media = null;
    try { media = await response.json(); } catch (e) { media = null; }
    if (!response.ok) {
      if (response.status === 422) throw new Error(file.name + ' is not a picture this server can read (JPEG, PNG, WebP, GIF or HEIC).');
      if (response.status === 413) throw new Error(file.name + ' is too large.');
      throw new Error((media && media.error) || ('The upload of ' + file.name + ' failed (' + response.status + ')'));
    }
    for (let tries = 0; !media.url; tries++) {
      if (tries >= 120) throw new Error(file.name + ' is taking too long to process. Try again.');
      onState('Processing…');
      await new Promise((resolve) => setTimeout(resolve, 500));
      media = await api('GET', '/api/v1/media/' + media.id);
    }
    return media;
  }

  function composeBox(options) {
    const replyTo = options && options.replyTo;
    const id = 'compose-' + Math.random().toString(36).slice(2, 8);
    const text = el('textarea', { id: id + '-text', name: 'status', rows: '4', 'aria-describedby': id + '-counter' });
    if (replyTo) {
      const names = [replyTo.account.username].concat(replyTo.mentions.map((m) => m.acct)).filter((n, i, all) => n !== MY_NAME && all.indexOf(n) === i);
      text.value = names.map((n) => '@' + n + ' ').join('');
    }
    const cwToggle = el('input', { type: 'checkbox', id: id + '-cw-on' });
    const cw = el('input', { type: 'text', id: id + '-cw', name: 'spoiler_text', placeholder: 'Write your warning here', hidden: true });
    const visibility = el('select', { id: id + '-visibility', name: 'visibility' }, [
      el('option', { value: 'public', text: 'Public' }), el('option', { value: 'unlisted', text: 'Unlisted' }),
      el('option', { value: 'private', text: 'Followers only' }), el('option', { value: 'direct', text: 'Mentioned people only' })]);
    if (replyTo && replyTo.visibility !== 'public') visibility.value = replyTo.visibility;
    const counter = el('span', { class: 'counter', id: id + '-counter' });
    const submit = el('button', { type: 'submit', class: 'post', text: replyTo ? 'Reply' : 'Post' });
    const message = el('div', { role: 'status', 'aria-live': 'polite', class: 'compose-message' });

    // Pictures: each { file, media (once uploaded), description input, row }.
    const pictures = [];
    const files = el('input', { type: 'file', id: id + '-files', accept: 'image/*', multiple: true, class: 'files' });
    const filesLabel = el('label', { for: files.id, class: 'button secondary add-pictures', text: 'Add pictures' });
    const attachments = el('ul', { class: 'attachments', 'aria-label': 'Pictures to post' });
    const sensitive = el('input', { type: 'checkbox', id: id + '-sensitive' });
    const sensitiveLabel = el('label', { class: 'check', for: sensitive.id, hidden: true }, [sensitive, 'Mark pictures as sensitive']);
    function renumber() {
      pictures.forEach((p, i) => {
        p.label.textContent = 'Description (alt text) of picture ' + (i + 1);
        p.remove.setAttribute('aria-label', 'Remove picture ' + (i + 1));
      });
      sensitiveLabel.hidden = pictures.length === 0;
      files.disabled = pictures.length >= MAX_MEDIA || pollOn();
      filesLabel.classList.toggle('disabled', files.disabled);
      pollButton.disabled = pictures.length > 0;
      // Say why a control is off: a post has pictures or a poll, not both.
      pollButton.title = pollButton.disabled ? 'A post can have pictures or a poll, not both' : '';
      filesLabel.title = pollOn() ? 'A post can have pictures or a poll, not both' : '';
    }
    function addPicture(file) {
      const picture = { file, media: null, done: false };
      const n = Math.random().toString(36).slice(2, 8);
      picture.thumb = el('div', { class: 'thumb', text: 'Uploading…' });
      picture.description = el('input', { type: 'text', id: id + '-alt-' + n, maxlength: '1500' });
      picture.label = el('label', { for: picture.description.id });
      picture.remove = el('button', { type: 'button', class: 'secondary remove', text: 'Remove' });
      picture.row = el('li', { class: 'attachment' }, [picture.thumb, el('div', { class: 'alt' }, [picture.label, picture.description, picture.remove])]);
      picture.remove.addEventListener('click', () => {
        pictures.splice(pictures.indexOf(picture), 1);
        picture.row.remove();
        if (picture.media) api('DELETE', '/api/v1/media/' + picture.media.id).catch(() => {});
        picture.removed = true;
        renumber(); update();
        say('Picture removed');
        files.focus();
      });
      pictures.push(picture);
      attachments.append(picture.row);
      renumber();
      uploadPicture(file, (state) => { picture.thumb.textContent = state; }).then((media) => {
        picture.media = media; picture.done = true;
        if (picture.removed) { api('DELETE', '/api/v1/media/' + media.id).catch(() => {}); return; }
        picture.thumb.replaceChildren(el('img', { src: media.preview_url || media.url, alt: '' }));
        say('Picture ' + (pictures.indexOf(picture) + 1) + ' uploaded. Describe it for people who cannot see it.');
        update();
      }, (error) => {
        if (!picture.removed) { pictures.splice(pictures.indexOf(picture), 1); picture.row.remove(); renumber(); }
        message.append(errorBox(error));
        update();
      });
      update();
    }
    files.addEventListener('change', () => {
      message.replaceChildren();
      const chosen = Array.from(files.files || []);
      files.value = '';
      if (pictures.length + chosen.length > MAX_MEDIA) message.append(errorBox(new Error('A post can have at most ' + MAX_MEDIA + ' pictures; the first ' + (MAX_MEDIA - pictures.length) + ' were added.')));
      for (const file of chosen.slice(0, MAX_MEDIA - pictures.length)) addPicture(file);
    });

    // A poll: 2-4 options, a duration, one or several choices.
    const pollBox = el('fieldset', { class: 'poll-editor', hidden: true }, [el('legend', { text: 'Poll' })]);
    const pollOptions = el('div', { class: 'poll-options' });
    const addOption = el('button', { type: 'button', class: 'secondary add-option', text: 'Add an option' });
    const duration = el('select', { id: id + '-duration' }, [['300', '5 minutes'], ['1800', '30 minutes'], ['3600', '1 hour'], ['21600', '6 hours'],
      ['86400', '1 day'], ['259200', '3 days'], ['604800', '7 days']].filter(([v]) => v >= MIN_POLL_SECONDS && v <= MAX_POLL_SECONDS)
      .map(([v, t]) => el('option', { value: v, text: t })));
    duration.value = '86400';
    const multiple = el('input', { type: 'checkbox', id: id + '-multiple' });
    const pollButton = el('button', { type: 'button', class: 'secondary add-poll', 'aria-expanded': 'false', text: 'Add a poll' });
    function pollOn() { return !pollBox.hidden; }
    function optionInputs() { return Array.from(pollOptions.querySelectorAll('input')); }
    function addPollOption() {
      const n = optionInputs().length + 1;
      const input = el('input', { type: 'text', id: id + '-option-' + Math.random().toString(36).slice(2, 8), maxlength: String(MAX_OPTION_CHARS) });
      const remove = el('button', { type: 'button', class: 'secondary remove-option', text: 'Remove', 'aria-label': 'Remove option ' + n });
      const row = el('div', { class: 'poll-option' }, [el('label', { for: input.id, text: 'Option ' + n }), el('div', { class: 'option-row' }, [input, remove])]);
      remove.addEventListener('click', () => { row.remove(); relabel(); update(); });
      input.addEventListener('input', update);
      pollOptions.append(row);
      relabel();
      return input;
    }
    function relabel() {
      const rows = Array.from(pollOptions.children);
      rows.forEach((row, i) => {
        row.querySelector('label').textContent = 'Option ' + (i + 1);
        const remove = row.querySelector('.remove-option');
        remove.setAttribute('aria-label', 'Remove option ' + (i + 1));
        remove.hidden = rows.length <= 2;
      });
      addOption.hidden = rows.length >= MAX_POLL_OPTIONS;
    }
    addOption.addEventListener('click', () => addPollOption().focus());
    pollBox.append(pollOptions, addOption, el('div', { class: 'row' }, [
      el('label', { for: duration.id, text: 'Closes after' }), duration,
      el('label', { class: 'check', for: multiple.id }, [multiple, 'Allow several choices'])]));
    pollButton.addEventListener('click', () => {
      const on = !pollOn();
      pollBox.hidden = !on;
      pollButton.setAttribute('aria-expanded', on ? 'true' : 'false');
      pollButton.textContent = on ? 'Remove the poll' : 'Add a poll';
      if (on && !optionInputs().length) { addPollOption(); addPollOption(); }
      if (on) optionInputs()[0].focus();
      renumber(); update();
    });

    function uploading() { return pictures.some((p) => !p.done); }
    function pollReady() { return !pollOn() || optionInputs().filter((i) => i.value.trim()).length >= 2; }
    function update() {
      const left = MAX - countCharacters(text.value) - (cwToggle.checked ? countCharacters(cw.value) : 0);
      counter.textContent = left + ' characters left';
      counter.classList.toggle('over', left < 0);
      submit.disabled = left < 0 || (text.value.trim() === '' && !pictures.length) || uploading() || !pollReady();
    }
    cwToggle.addEventListener('change', () => { cw.hidden = !cwToggle.checked; if (cwToggle.checked) cw.focus(); update(); });
    text.addEventListener('input', update);
    cw.addEventListener('input', update);
    const form = el('form', { class: 'compose', 'aria-label': replyTo ? 'Reply' : 'New post' }, [
      replyTo ? el('p', { class: 'replying', text: 'Replying to @' + replyTo.account.username }) : null,
      el('label', { for: text.id, text: replyTo ? 'Your reply' : 'What is happening?' }), text,
      attachments, sensitiveLabel, pollBox,
      el('div', { class: 'tools' }, [files, filesLabel, pollButton]),
      el('label', { class: 'check', for: cwToggle.id }, [cwToggle, 'Content warning']),
      el('label', { for: cw.id, class: 'visually-hidden', text: 'Content warning text' }), cw,
      el('div', { class: 'row' }, [el('label', { for: visibility.id, class: 'visually-hidden', text: 'Who can see it' }), visibility, counter, submit]),
      message]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      submit.disabled = true;
      message.replaceChildren();
      try {
        const body = { status: text.value, visibility: visibility.value };
        if (cwToggle.checked && cw.value.trim()) body.spoiler_text = cw.value;
        if (replyTo) body.in_reply_to_id = replyTo.id;
        if (pictures.length) {
          // Descriptions typed after the upload are saved before the post attaches the pictures.
          for (const p of pictures) {
            const description = p.description.value.trim();
            if (description !== (p.media.description || '')) {
              p.media = await api('PUT', '/api/v1/media/' + p.media.id, { description });
            }
          }
          body.media_ids = pictures.map((p) => p.media.id);
          if (sensitive.checked) body.sensitive = true;
        }
        if (pollOn()) {
          body.poll = { options: optionInputs().map((i) => i.value.trim()).filter((v) => v), expires_in: parseInt(duration.value, 10), multiple: multiple.checked };
        }
        const status = await api('POST', '/api/v1/statuses', body);
        text.value = ''; cw.value = ''; cwToggle.checked = false; cw.hidden = true;
        pictures.splice(0); attachments.replaceChildren(); sensitive.checked = false;
        if (pollOn()) pollButton.click();
        pollOptions.replaceChildren(); multiple.checked = false;
        renumber();
        say('Posted');
        if (options && options.onPosted) options.onPosted(status);
      } catch (error) { message.append(errorBox(error)); }
      update();
    });
    renumber();
    update();
    return form;
  }

  // ---- Timelines with paging ----
  function timeline(path, emptyText) {
    const list = el('div', { class: 'timeline', 'aria-label': 'Posts', role: 'feed', 'aria-busy': 'true' });
    const more = el('button', { type: 'button', class: 'secondary load-more', text: 'Load more' });
    const wrap = el('div', {}, [list, more]);
    let oldest = null;
    async function load() {
      more.disabled = true;
      list.setAttribute('aria-busy', 'true');
      try {
        const page = await api('GET', path + (path.includes('?') ? '&' : '?') + 'limit=20' + (oldest ? '&max_id=' + encodeURIComponent(oldest) : ''));
        for (const status of page) if (!list.querySelector('[data-id="' + CSS.escape(status.id) + '"]')) list.append(statusView(status));
        if (page.length) oldest = page[page.length - 1].id;
        more.hidden = page.length < 20;
        if (!list.children.length) list.append(el('p', { class: 'empty', text: emptyText }));
      } catch (error) { list.append(errorBox(error)); }
      list.setAttribute('aria-busy', 'false');
      more.disabled = false;
    }
    more.addEventListener('click', load);
    load();
    wrap.prepend = (status) => {
      if (list.querySelector('[data-id="' + CSS.escape(status.id) + '"]')) return;
      const empty = list.querySelector('.empty'); if (empty) empty.remove();
      list.prepend(statusView(status));
    };
    return wrap;
  }

  // ---- Live updates: the user stream over the WebSocket ----
  let homeTimeline = null;
  let unread = 0;
  function connect(delay) {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const socket = new WebSocket(scheme + location.host + '/api/v1/streaming?stream=user&access_token=' + encodeURIComponent(TOKEN));
    socket.addEventListener('open', () => { delay = 1000; socket.send(JSON.stringify({ type: 'subscribe', stream: 'user' })); document.body.dataset.stream = 'open'; });
    socket.addEventListener('message', (event) => {
      let message; try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.event === 'update' && homeTimeline) {
        const status = JSON.parse(message.payload);
        homeTimeline.prepend(status);
        say('New post from ' + displayName(status.account));
      } else if (message.event === 'status.update') {
        replaceStatus(JSON.parse(message.payload));
      } else if (message.event === 'delete') {
        removeStatus(String(message.payload));
      } else if (message.event === 'notification') {
        unread += 1; badge();
      }
    });
    socket.addEventListener('close', () => { document.body.dataset.stream = 'closed'; setTimeout(() => connect(Math.min(delay * 2, 30000)), delay); });
  }
  function badge() {
    const link = document.querySelector('[data-nav="notifications"]');
    if (link) link.textContent = unread ? 'Notifications (' + unread + ')' : 'Notifications';
  }

  // ---- Pages ----
  const pages = {
    async home() {
      setTitle('Home');
      homeTimeline = timeline('/api/v1/timelines/home', 'Nothing here yet. Follow people to see their posts.');
      main.replaceChildren(heading('Home'), composeBox({ onPosted: (status) => homeTimeline.prepend(status) }), homeTimeline);
    },
    async notifications() {
      setTitle('Notifications');
      unread = 0; badge();
      const list = el('div', { class: 'notifications' });
      main.replaceChildren(heading('Notifications'), list);
      try {
        const items = await api('GET', '/api/v1/notifications?limit=30');
        const words = { mention: 'mentioned you', favourite: 'favourited your post', reblog: 'boosted your post', follow: 'followed you', status: 'posted', follow_request: 'asked to follow you', update: 'edited a post', poll: 'ran a poll that has ended' };
        for (const n of items) {
          list.append(el('div', { class: 'notification' }, [
            el('p', {}, [el('a', { href: '#/@' + n.account.username, text: displayName(n.account) }), ' ' + (words[n.type] || n.type)]),
            n.status ? statusView(n.status) : null]));
        }
        if (!items.length) list.append(el('p', { class: 'empty', text: 'No notifications yet.' }));
      } catch (error) { list.append(errorBox(error)); }
    },
    async search(query) {
      setTitle('Search');
      const q = new URLSearchParams(query).get('q') || '';
      const input = el('input', { type: 'search', id: 'search-q', name: 'q', value: q });
      const form = el('form', { role: 'search' }, [el('label', { for: 'search-q', text: 'Search people, hashtags and posts' }), input,
        el('button', { type: 'submit', text: 'Search' })]);
      form.addEventListener('submit', (event) => { event.preventDefault(); location.hash = '#/search?q=' + encodeURIComponent(input.value); });
      const results = el('div', { class: 'results' });
      main.replaceChildren(heading('Search'), form, results);
      if (!q.trim()) return;
      try {
        const found = await api('GET', '/api/v2/search?limit=10&q=' + encodeURIComponent(q));
        results.append(el('h2', { text: 'People' }));
        for (const account of found.accounts) results.append(accountRow(account));
        if (!found.accounts.length) results.append(el('p', { class: 'empty', text: 'No one found.' }));
        results.append(el('h2', { text: 'Hashtags' }));
        for (const tag of found.hashtags) results.append(el('p', {}, [el('a', { href: '#/tags/' + encodeURIComponent(tag.name), text: '#' + tag.name })]));
        if (!found.hashtags.length) results.append(el('p', { class: 'empty', text: 'No hashtags found.' }));
        results.append(el('h2', { text: 'Posts' }));
        for (const status of found.statuses) results.append(statusView(status));
        if (!found.statuses.length) results.append(el('p', { class: 'empty', text: 'No posts found.' }));
      } catch (error) { results.append(errorBox(error)); }
    },
    async explore() {
      setTitle('Explore');
      const trends = el('ol', { class: 'trends' });
      main.replaceChildren(heading('Explore'), el('h2', { text: 'Trending hashtags' }), trends, el('h2', { text: 'Everyone on this server' }),
        timeline('/api/v1/timelines/public?local=true', 'No public posts yet.'));
      try {
        const tags = await api('GET', '/api/v1/trends/tags?limit=10');
        for (const tag of tags) {
          const uses = (tag.history || []).slice(0, 2).reduce((sum, day) => sum + parseInt(day.uses || '0', 10), 0);
          trends.append(el('li', {}, [el('a', { href: '#/tags/' + encodeURIComponent(tag.name), text: '#' + tag.name }), ' – ' + uses + ' posts recently']));
        }
        if (!tags.length) trends.replaceWith(el('p', { class: 'empty', text: 'Nothing is trending right now.' }));
      } catch (error) { trends.append(errorBox(error)); }
    },
    async tag(name) {
      setTitle('#' + name);
      main.replaceChildren(heading('#' + name), timeline('/api/v1/timelines/tag/' + encodeURIComponent(name), 'No posts with this hashtag yet.'));
    },
    async profile(username) {
      setTitle('@' + username);
      main.replaceChildren(heading('@' + username));
      let account;
      try { account = await api('GET', '/api/v1/accounts/lookup?acct=' + encodeURIComponent(username)); } catch (error) { main.append(errorBox(error)); return; }
      setTitle(displayName(account) + ' (@' + account.username + ')');
      const card = el('section', { class: 'profile', 'aria-labelledby': 'page-heading' }, [
        el('div', { class: 'note', html: account.note }),
        el('p', { class: 'figures' }, [el('span', { text: plural(account.statuses_count, 'post', 'posts') }), el('span', { text: account.following_count + ' following' }),
          el('span', { class: 'followers-count', text: plural(account.followers_count, 'follower', 'followers') })])]);
      const h = heading(displayName(account));
      h.append(' ', el('span', { class: 'acct', text: '@' + account.username }));
      main.replaceChildren(h, card);
      if (account.id !== ME) {
        const button = el('button', { type: 'button', class: 'follow', id: 'follow-button', text: 'Follow', 'aria-pressed': 'false', disabled: true });
        card.append(button);
        // Mute and block, as the relationships API offers them.
        const mute = el('button', { type: 'button', class: 'secondary mute', id: 'mute-button', 'aria-pressed': 'false', text: 'Mute' });
        const block = el('button', { type: 'button', class: 'secondary block', id: 'block-button', 'aria-pressed': 'false', text: 'Block' });
        const setMute = (on) => { mute.setAttribute('aria-pressed', on ? 'true' : 'false'); mute.textContent = on ? 'Unmute' : 'Mute'; };
        const setBlock = (on) => { block.setAttribute('aria-pressed', on ? 'true' : 'false'); block.textContent = on ? 'Unblock' : 'Block'; };
        card.append(' ', mute, ' ', block);
        const relate = (control, verb, undo, apply) => control.addEventListener('click', async () => {
          const on = control.getAttribute('aria-pressed') === 'true';
          if (!on && verb === 'block' && !confirm('Block @' + account.username + '? You will stop following each other.')) return;
          control.disabled = true;
          try {
            const relationship = await api('POST', '/api/v1/accounts/' + account.id + '/' + (on ? undo : verb));
            apply(relationship);
            say((on ? undo : verb) + ' @' + account.username);
          } catch (error) { alert(error.message); }
          control.disabled = false;
        });
        relate(mute, 'mute', 'unmute', (r) => setMute(r.muting));
        relate(block, 'block', 'unblock', (r) => { setBlock(r.blocking); setFollow(button, r.following); });
        const listBox = el('div', { class: 'list-membership', role: 'group', 'aria-label': 'Lists', hidden: true });
        card.append(listBox);
        try {
          const [relationship] = await api('GET', '/api/v1/accounts/relationships?id[]=' + encodeURIComponent(account.id));
          if (relationship && relationship.following) listMembership(account, listBox);
          setFollow(button, relationship && relationship.following);
          setMute(relationship && relationship.muting);
          setBlock(relationship && relationship.blocking);
        } catch (error) { card.append(errorBox(error)); }
        button.disabled = false;
        button.addEventListener('click', async () => {
          const following = button.getAttribute('aria-pressed') === 'true';
          button.disabled = true;
          try {
            const relationship = await api('POST', '/api/v1/accounts/' + account.id + (following ? '/unfollow' : '/follow'));
            if (relationship.following !== following) {
              account.followers_count += relationship.following ? 1 : -1;
              card.querySelector('.followers-count').textContent = plural(account.followers_count, 'follower', 'followers');
            }
            setFollow(button, relationship.following);
            // Lists hold only people one follows (an unfollow removes them from every list).
            if (relationship.following) listMembership(account, listBox); else { listBox.hidden = true; listBox.replaceChildren(); }
            say(relationship.following ? 'Following @' + account.username : 'Unfollowed @' + account.username);
          } catch (error) { alert(error.message); }
          button.disabled = false;
        });
      }
      main.append(el('p', {}, [el('a', { href: '/@' + account.username, text: 'Public page' }), ' · ', el('a', { href: '/@' + account.username + '.rss', text: 'RSS feed' })]));
      const pinned = el('section', { class: 'pinned', 'aria-labelledby': 'pinned-heading', hidden: true }, [el('h2', { id: 'pinned-heading', text: 'Pinned' })]);
      main.append(pinned, el('h2', { text: 'Posts' }), timeline('/api/v1/accounts/' + account.id + '/statuses', 'No posts yet.'));
      api('GET', '/api/v1/accounts/' + account.id + '/statuses?pinned=true').then((pins) => {
        for (const status of pins) pinned.append(statusView(status));
        pinned.hidden = pins.length === 0;
      }).catch(() => {});
    },
    async status(id, query) {
      setTitle('Post');
      main.replaceChildren(heading('Post'));
      try {
        const [status, context] = await Promise.all([api('GET', '/api/v1/statuses/' + encodeURIComponent(id)), api('GET', '/api/v1/statuses/' + encodeURIComponent(id) + '/context')]);
        const thread = el('section', { class: 'thread', 'aria-label': 'Thread' });
        for (const s of context.ancestors) thread.append(statusView(s));
        const focused = statusView(status); focused.classList.add('focused'); thread.append(focused);
        const replies = el('div', { class: 'replies' });
        for (const s of context.descendants) replies.append(statusView(s));
        const compose = composeBox({ replyTo: status, onPosted: (reply) => replies.append(statusView(reply)) });
        main.append(thread, compose, replies);
        if (new URLSearchParams(query).get('reply')) compose.querySelector('textarea').focus();
      } catch (error) { main.append(errorBox(error)); }
    },
    async lists() {
      setTitle('Lists');
      const title = el('input', { type: 'text', id: 'new-list-title', name: 'title', maxlength: '100' });
      const create = el('button', { type: 'submit', id: 'create-list', text: 'Create list' });
      const message = el('div', { role: 'status', 'aria-live': 'polite' });
      const form = el('form', { class: 'new-list' }, [el('label', { for: title.id, text: 'New list' }), el('div', { class: 'option-row' }, [title, create]), message]);
      const all = el('ul', { class: 'lists', 'aria-label': 'Your lists' });
      main.replaceChildren(heading('Lists'), form, all);
      const row = (list) => {
        const link = el('a', { href: '#/lists/' + encodeURIComponent(list.id), text: list.title });
        const rename = el('button', { type: 'button', class: 'secondary', text: 'Rename', 'aria-label': 'Rename ' + list.title });
        const remove = el('button', { type: 'button', class: 'secondary', text: 'Delete', 'aria-label': 'Delete ' + list.title });
        const item = el('li', { class: 'list-row', 'data-list-id': list.id }, [link, el('span', { class: 'actions' }, [rename, remove])]);
        rename.addEventListener('click', () => {
          const input = el('input', { type: 'text', id: 'rename-' + list.id, value: list.title, maxlength: '100' });
          const save = el('button', { type: 'submit', text: 'Save' });
          const cancel = el('button', { type: 'button', class: 'secondary', text: 'Cancel' });
          const edit = el('form', { class: 'rename' }, [el('label', { for: input.id, text: 'New name for ' + list.title }), el('div', { class: 'option-row' }, [input, save, cancel])]);
          item.replaceChildren(edit);
          input.focus(); input.select();
          cancel.addEventListener('click', () => { const again = row(list); item.replaceWith(again); again.querySelector('button').focus(); });
          edit.addEventListener('submit', async (event) => {
            event.preventDefault();
            try {
              const updated = await api('PUT', '/api/v1/lists/' + list.id, { title: input.value });
              const again = row(updated); item.replaceWith(again); again.querySelector('a').focus(); say('Renamed to ' + updated.title);
            } catch (error) { edit.append(errorBox(error)); }
          });
        });
        remove.addEventListener('click', async () => {
          if (!confirm('Delete the list "' + list.title + '"? The people in it stay followed.')) return;
          try { await api('DELETE', '/api/v1/lists/' + list.id); item.remove(); say('List deleted'); title.focus(); } catch (error) { alert(error.message); }
        });
        return item;
      };
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        message.replaceChildren();
        if (!title.value.trim()) { message.append(errorBox(new Error('Give the list a name.'))); return; }
        try {
          const list = await api('POST', '/api/v1/lists', { title: title.value.trim() });
          const empty = all.querySelector('.empty'); if (empty) empty.remove();
          all.append(row(list)); title.value = ''; say('List ' + list.title + ' created');
        } catch (error) { message.append(errorBox(error)); }
      });
      try {
        const lists = await api('GET', '/api/v1/lists');
        for (const list of lists) all.append(row(list));
        if (!lists.length) all.append(el('li', { class: 'empty', text: 'No lists yet. Make one, then add people you follow from their profiles.' }));
      } catch (error) { all.append(errorBox(error)); }
    },
    async list(id) {
      setTitle('List');
      main.replaceChildren(heading('List'));
      let list;
      try { list = await api('GET', '/api/v1/lists/' + encodeURIComponent(id)); } catch (error) { main.append(errorBox(error)); return; }
      setTitle(list.title);
      const members = el('details', { class: 'members' }, [el('summary', { text: 'People in this list' })]);
      // The list's settings, as Mastodon's lists have them: which replies show, and whether its
      // members' posts leave the home timeline.
      const policy = el('select', { id: 'list-replies' }, [['list', 'Members of the list'], ['followed', 'Anyone I follow'], ['none', 'No one']]
        .map(([value, text]) => el('option', { value, text })));
      policy.value = list.replies_policy || 'list';
      const exclusive = el('input', { type: 'checkbox', id: 'list-exclusive' });
      exclusive.checked = !!list.exclusive;
      const saved = el('span', { class: 'saved', role: 'status' });
      const settings = el('details', { class: 'members list-settings' }, [el('summary', { text: 'Settings' }),
        el('label', { for: policy.id, text: 'Show replies to' }), policy,
        el('label', { class: 'check', for: exclusive.id }, [exclusive, 'Hide these people\'s posts from Home']), saved]);
      const saveSettings = async () => {
        saved.textContent = '';
        try {
          const updated = await api('PUT', '/api/v1/lists/' + list.id, { title: list.title, replies_policy: policy.value, exclusive: exclusive.checked });
          list.replies_policy = updated.replies_policy; list.exclusive = updated.exclusive;
          saved.textContent = 'Saved.';
        } catch (error) { saved.replaceChildren(errorBox(error)); }
      };
      policy.addEventListener('change', saveSettings);
      exclusive.addEventListener('change', saveSettings);
      main.replaceChildren(heading(list.title), el('p', {}, [el('a', { href: '#/lists', text: 'All lists' })]), settings, members,
        timeline('/api/v1/timelines/list/' + encodeURIComponent(list.id), 'No posts in this list yet.'));
      try {
        const accounts = await api('GET', '/api/v1/lists/' + encodeURIComponent(list.id) + '/accounts?limit=0');
        for (const account of accounts) {
          const remove = el('button', { type: 'button', class: 'secondary', text: 'Remove', 'aria-label': 'Remove @' + account.username + ' from ' + list.title });
          const rowNode = accountRow(account);
          rowNode.append(remove);
          remove.addEventListener('click', async () => {
            try { await api('DELETE', '/api/v1/lists/' + list.id + '/accounts?account_ids[]=' + encodeURIComponent(account.id)); rowNode.remove(); say('Removed @' + account.username); } catch (error) { alert(error.message); }
          });
          members.append(rowNode);
        }
        if (!accounts.length) members.append(el('p', { class: 'empty', text: 'No one yet. Open the profile of someone you follow to add them.' }));
      } catch (error) { members.append(errorBox(error)); }
    },
    async settings() {
      setTitle('Settings');
      const me = await api('GET', '/api/v1/accounts/verify_credentials').catch((error) => { main.append(errorBox(error)); return null; });
      if (!me) return;
      const name = el('input', { type: 'text', id: 'display-name', name: 'display_name', value: me.display_name, maxlength: '30' });
      const note = el('textarea', { id: 'note', name: 'note', maxlength: '500' });
      note.value = (me.source && me.source.note) || '';
      const message = el('div', { role: 'status' });
      const form = el('form', { class: 'settings' }, [el('label', { for: 'display-name', text: 'Display name' }), name,
        el('label', { for: 'note', text: 'Bio' }), note, el('button', { type: 'submit', id: 'save-settings', text: 'Save' }), message]);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        message.replaceChildren();
        try {
          await api('PATCH', '/api/v1/accounts/update_credentials', { display_name: name.value, note: note.value });
          message.append(el('p', { text: 'Saved.' }));
        } catch (error) { message.append(errorBox(error)); }
      });
      main.replaceChildren(heading('Settings'), el('p', { text: 'Signed in as @' + MY_NAME }), form);
    },
  };

  // "Add to list" / "Remove from list" for each of one's lists (lists hold only people one follows).
  async function listMembership(account, box) {
    try {
      const [lists, containing] = await Promise.all([api('GET', '/api/v1/lists'), api('GET', '/api/v1/accounts/' + account.id + '/lists')]);
      if (!lists.length) {
        box.replaceChildren(el('a', { href: '#/lists', text: 'Make a list' }), ' to add @' + account.username + ' to it.');
        box.hidden = false;
        return;
      }
      const inList = new Set(containing.map((l) => l.id));
      box.replaceChildren(el('span', { class: 'label', text: 'Lists: ' }));
      box.hidden = true;
      for (const list of lists) {
        const button = el('button', { type: 'button', class: 'secondary list-toggle', 'data-list-id': list.id });
        const set = (on) => { button.setAttribute('aria-pressed', on ? 'true' : 'false'); button.textContent = (on ? 'Remove from ' : 'Add to ') + list.title; };
        set(inList.has(list.id));
        button.addEventListener('click', async () => {
          const on = button.getAttribute('aria-pressed') === 'true';
          button.disabled = true;
          try {
            await api(on ? 'DELETE' : 'POST', '/api/v1/lists/' + list.id + '/accounts?account_ids[]=' + encodeURIComponent(account.id));
            set(!on);
            say((on ? 'Removed from ' : 'Added to ') + list.title);
          } catch (error) { alert(error.message); }
          button.disabled = false;
        });
        box.append(button, ' ');
      }
      box.hidden = false;
    } catch (error) { box.append(errorBox(error)); box.hidden = false; }
  }

  function setFollow(button, following) {
    button.setAttribute('aria-pressed', following ? 'true' : 'false');
    button.textContent = following ? 'Unfollow' : 'Follow';
    button.classList.toggle('secondary', !!following);
  }

  function accountRow(account) {
    return el('div', { class: 'account-row' }, [el('a', { href: '#/@' + account.username }, [el('strong', { text: displayName(account) }), ' ',
      el('span', { class: 'acct', text: '@' + account.username })])]);
  }

  async function route() {
    const raw = location.hash.replace(/^#\/?/, '') || 'home';
    const cut = raw.indexOf('?');
    let path = cut < 0 ? raw : raw.slice(0, cut);
    const query = cut < 0 ? '' : raw.slice(cut + 1);
    try { path = decodeURIComponent(path); } catch (e) { /* keep it as written */ }
    homeTimeline = null;
    let section = path.split('/')[0];
    if (path.startsWith('@')) { section = 'profile'; await pages.profile(path.slice(1)); }
    else if (path.startsWith('statuses/')) { section = ''; await pages.status(path.slice(9), query || ''); }
    else if (path.startsWith('tags/')) { section = 'explore'; await pages.tag(path.slice(5)); }
    else if (path.startsWith('lists/')) { section = 'lists'; await pages.list(path.slice(6)); }
    else if (pages[path] && path !== 'profile' && path !== 'status' && path !== 'tag' && path !== 'list') await pages[path](query || '');
    else { main.replaceChildren(heading('Not found'), el('p', { text: 'There is no such page.' })); }
    for (const link of document.querySelectorAll('[data-nav]')) {
      if (link.dataset.nav === section && (section !== 'profile' || path.slice(1) === MY_NAME)) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const h = document.getElementById('page-heading');
    if (h && route.started) h.focus();
    route.started = true;
  }

  window.addEventListener('hashchange', route);
  route();
  connect(1000);
})();
"""#
}
