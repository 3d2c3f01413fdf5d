// The same interactive mark as the app: focus the input, then two frames (laid out, then painted).
document.getElementById('field').focus();
requestAnimationFrame(() =>
  requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke('mark_interactive')),
);
