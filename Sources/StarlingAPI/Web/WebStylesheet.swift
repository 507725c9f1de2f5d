/// The web client's and public pages' assets: hand-written, served by every node (no build step,
/// nothing from another site).
enum WebAssets {
    /// Readable at 375 px, visible focus, light and dark.
    static let stylesheet = #"""
:root { color-scheme: light dark; --accent: #2b6cb0; --muted: #666; --line: #8884; --bg: Canvas; --fg: CanvasText; }
@media (prefers-color-scheme: dark) { :root { --accent: #90cdf4; --muted: #aaa; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 0 .75rem 3rem; max-width: 40rem; overflow-wrap: anywhere; }
a { color: var(--accent); }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: .5rem; top: .5rem; background: var(--bg); padding: .5rem; z-index: 10; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.site { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .75rem; padding: .75rem 0; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--bg); z-index: 5; }
.brand { font-weight: 800; font-size: 1.3rem; text-decoration: none; margin-right: auto; }
header.site nav { display: flex; flex-wrap: wrap; gap: .1rem .6rem; }
header.site nav a { text-decoration: none; padding: .35rem .1rem; }
header.site nav a[aria-current="page"] { font-weight: 700; text-decoration: underline; text-underline-offset: .3em; }
.sign-out { margin: 0; display: inline; }
h1 { font-size: 1.45rem; line-height: 1.25; }
h2 { font-size: 1.15rem; margin-top: 1.5rem; }
:focus-visible { outline: 3px solid #f6ad55; outline-offset: 2px; }
label { display: block; margin-top: .9rem; font-weight: 600; }
label.check { font-weight: 400; display: flex; gap: .5rem; align-items: center; }
small { color: var(--muted); display: block; }
input[type=text], input[type=password], input[type=email], input[type=search], textarea, select {
  width: 100%; padding: .55rem; font: inherit; border: 1px solid #888; border-radius: .4rem; background: var(--bg); color: var(--fg); }
textarea { min-height: 6rem; resize: vertical; }
button, .button { display: inline-block; margin-top: .75rem; padding: .5rem 1.1rem; font: inherit; font-weight: 600; border-radius: .4rem; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; }
@media (prefers-color-scheme: dark) { button, .button { color: #111; } }
button.secondary, .button.secondary { background: transparent; color: var(--accent); }
button.link { background: none; border: 0; color: var(--accent); padding: .35rem .1rem; margin: 0; font-weight: 400; text-decoration: underline; }
button:disabled { opacity: .5; cursor: not-allowed; }
.error { color: #c53030; font-weight: 600; }
.empty, .loading { color: var(--muted); }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; }
.status { border-bottom: 1px solid var(--line); padding: .8rem 0; }
.status.focused { border: 2px solid var(--accent); border-radius: .5rem; padding: .8rem; margin: .5rem 0; font-size: 1.08rem; }
.status header { display: flex; flex-wrap: wrap; gap: 0 .5rem; align-items: baseline; }
.status .author { text-decoration: none; color: inherit; }
.acct, .date, .reply-note, .counts, .boost { color: var(--muted); font-size: .9rem; }
.status .date { margin-left: auto; }
.status .content p { margin: .35rem 0; }
/* Links in content as Mastodon marks them up: the scheme hidden, a long address cut with an ellipsis. */
.content .invisible { font-size: 0; line-height: 0; display: inline-block; width: 0; height: 0; position: absolute; }
.content .ellipsis::after { content: "…"; }
.content a { overflow-wrap: anywhere; }
.cw summary { cursor: pointer; font-weight: 600; }
.counts span + span { margin-left: .75rem; }
.boost { padding-top: .6rem; }
.toolbar { display: flex; flex-wrap: wrap; gap: .25rem; margin-top: .4rem; }
.toolbar button { margin: 0; padding: .3rem .6rem; font-weight: 400; font-size: .9rem; background: transparent; color: var(--fg); border-color: var(--line); }
.toolbar button[aria-pressed="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.profile { border-bottom: 1px solid var(--line); padding-bottom: .5rem; }
.figures span + span { margin-left: 1rem; }
.compose { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem; margin: 1rem 0; }
.compose .row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: space-between; }
.compose label { margin-top: .4rem; }
.compose .row select { width: auto; margin-top: .75rem; }
.counter { font-variant-numeric: tabular-nums; color: var(--muted); margin-top: .75rem; }
.counter.over { color: #c53030; font-weight: 700; }
.replying { font-size: .9rem; color: var(--muted); }
.new-posts { width: 100%; }
.notification { border-bottom: 1px solid var(--line); padding: .6rem 0; }
.notification > p { margin: 0 0 .25rem; }
.account-row { display: flex; justify-content: space-between; align-items: center; gap: .5rem; border-bottom: 1px solid var(--line); padding: .5rem 0; }
.account-row button { margin: 0; }
.tabs { display: flex; gap: .5rem; flex-wrap: wrap; }
.landing { padding: 2rem 0; }
.landing h1 { font-size: 2rem; }
.rules li { margin: .3rem 0; }
.follow-hint { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.follow-hint .button { margin-top: 0; }
.edited { color: var(--muted); font-size: .85rem; font-style: italic; }
button.link.edited { color: var(--muted); padding: 0; font-size: .85rem; }
.history { border-left: 3px solid var(--line); margin: .4rem 0; padding: 0 0 0 .9rem; list-style: none; }
.history li + li { border-top: 1px dashed var(--line); }
.history .version, .history .cw-text { color: var(--muted); font-size: .85rem; margin: .3rem 0 0; }
.saved { color: var(--muted); }
.media { display: grid; gap: 4px; margin-top: .5rem; grid-template-columns: 1fr 1fr; }
.media a { display: block; min-width: 0; }
.media img { display: block; width: 100%; height: 100%; object-fit: cover; aspect-ratio: 4 / 3; background: var(--line); border-radius: .4rem; }
/* One picture: its own shape, never enlarged past its preview, at most a screen's worth tall. */
.media-1 { grid-template-columns: 1fr; justify-items: start; }
.media-1 img { width: auto; height: auto; max-width: 100%; max-height: 28rem; aspect-ratio: auto; }
.media-3 a:first-child { grid-row: span 2; }
.media-3 a:first-child img { aspect-ratio: auto; }
.sensitive-media button { margin-top: .5rem; }
details.sensitive summary { cursor: pointer; margin-top: .5rem; font-weight: 600; }
.poll { margin-top: .5rem; }
.poll ul { list-style: none; padding: 0; margin: .25rem 0; }
.poll li { margin: .35rem 0; }
.poll progress { display: block; width: 100%; height: .45rem; margin-top: .15rem; accent-color: var(--accent); }
.poll .votes, .poll-info, .own-vote { color: var(--muted); font-size: .9rem; }
.poll fieldset { border: 0; padding: 0; margin: 0; }
.poll label.check { margin-top: .35rem; }
.poll-info { margin: .25rem 0; }
.poll-form button { margin-top: .4rem; padding: .3rem 1rem; }
.compose .tools { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.compose .tools .button, .compose .tools button { margin-top: .5rem; padding: .35rem .8rem; font-weight: 400; }
.files { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
.files:focus-visible + label { outline: 3px solid #f6ad55; outline-offset: 2px; }
label.button { font-weight: 400; }
label.button.disabled { opacity: .5; cursor: not-allowed; }
.attachments { list-style: none; padding: 0; margin: .5rem 0 0; display: grid; gap: .5rem; }
.attachment { display: flex; gap: .6rem; align-items: flex-start; border: 1px solid var(--line); border-radius: .4rem; padding: .4rem; }
.attachment .thumb { flex: 0 0 5.5rem; height: 5.5rem; display: flex; align-items: center; justify-content: center; font-size: .8rem; color: var(--muted); background: var(--line); border-radius: .3rem; overflow: hidden; }
.attachment .thumb img { width: 100%; height: 100%; object-fit: cover; }
.attachment .alt { flex: 1; min-width: 0; }
.attachment .alt label { margin-top: 0; font-weight: 400; font-size: .9rem; }
.attachment .remove { margin-top: .35rem; padding: .2rem .7rem; font-weight: 400; font-size: .9rem; }
.poll-editor { border: 1px solid var(--line); border-radius: .4rem; margin: .5rem 0 0; padding: .25rem .6rem .6rem; }
.poll-editor legend { font-weight: 600; padding: 0 .25rem; }
.poll-editor .row label { margin-top: .6rem; }
.poll-editor .row select { width: auto; margin-top: .6rem; }
.option-row { display: flex; gap: .4rem; align-items: center; }
.option-row input { flex: 1; min-width: 0; }
.option-row button { margin-top: 0; white-space: nowrap; padding: .4rem .8rem; font-weight: 400; }
.add-option { padding: .3rem .8rem; font-weight: 400; }
.lists { list-style: none; padding: 0; }
.list-row { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; border-bottom: 1px solid var(--line); padding: .5rem 0; }
.list-row .actions button { margin: 0; padding: .25rem .7rem; font-weight: 400; }
.list-row form { width: 100%; }
.list-membership { margin-top: .5rem; }
.list-membership button { margin: .25rem 0 0; padding: .25rem .7rem; font-weight: 400; }
.members summary { cursor: pointer; font-weight: 600; margin: .5rem 0; }
.members .account-row button { padding: .25rem .7rem; font-weight: 400; }
form.edit { margin: .5rem 0; }
"""#
}
