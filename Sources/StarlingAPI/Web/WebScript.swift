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
    const article = el('article', { class: 'status', 'data-id': status.id, 'aria-label': 'Post by ' + displayName(account) });
    if (status.reblog) {
      article.append(el('div', { class: 'boost' }, [el('span', { 'aria-hidden': 'true', text: '↻ ' }),
        el('a', { href: '#/@' + status.account.username, text: displayName(status.account) }), ' boosted']));
    }
    const header = el('header', {}, [
      el('a', { class: 'author', href: '#/@' + account.username }, [el('strong', { text: displayName(account) }), ' ',
        el('span', { class: 'acct', text: '@' + account.username })]),
      shown.in_reply_to_id ? el('span', { class: 'reply-note', text: 'Reply' }) : null,
      el('a', { class: 'date', href: '#/statuses/' + shown.id }, [el('time', { datetime: shown.created_at, title: new Date(shown.created_at).toLocaleString(), text: when(shown.created_at) })]),
    ]);
    article.append(header);
    const content = el('div', { class: 'content', html: shown.content });
    if (shown.spoiler_text) {
      article.append(el('details', { class: 'cw' }, [el('summary', { text: shown.spoiler_text }), content]));
    } else article.append(content);
    article.append(toolbar(shown));
    return article;
  }

  function toolbar(status) {
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
    const message = el('div', { role: 'status' });
    function update() {
      const left = MAX - countCharacters(text.value) - (cwToggle.checked ? countCharacters(cw.value) : 0);
      counter.textContent = left + ' characters left';
      counter.classList.toggle('over', left < 0);
      submit.disabled = left < 0 || text.value.trim() === '';
    }
    cwToggle.addEventListener('change', () => { cw.hidden = !cwToggle.checked; if (cwToggle.checked) cw.focus(); update(); });
    text.addEventListener('input', update);
    cw.addEventListener('input', update);
    const form = el('form', { class: 'compose', 'aria-label': replyTo ? 'Reply' : 'New post' }, [
      replyTo ? el('p', { class: 'replying', text: 'Replying to @' + replyTo.account.username }) : null,
      el('label', { for: text.id, text: replyTo ? 'Your reply' : 'What is happening?' }), text,
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
        const status = await api('POST', '/api/v1/statuses', body);
        text.value = ''; cw.value = ''; cwToggle.checked = false; cw.hidden = true;
        say('Posted');
        if (options && options.onPosted) options.onPosted(status);
      } catch (error) { message.append(errorBox(error)); }
      update();
    });
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
        const words = { mention: 'mentioned you', favourite: 'favourited your post', reblog: 'boosted your post', follow: 'followed you', status: 'posted', follow_request: 'asked to follow you', update: 'edited a post' };
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
        try {
          const [relationship] = await api('GET', '/api/v1/accounts/relationships?id[]=' + encodeURIComponent(account.id));
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
    else if (pages[path] && path !== 'profile' && path !== 'status' && path !== 'tag') await pages[path](query || '');
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
