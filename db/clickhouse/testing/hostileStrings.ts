/** Strings that would end, bend or truncate a naively quoted literal. */
export const HOSTILE_STRINGS = [
  "'", "\\'", "\\", "\\\\'", "a' OR 1=1 --", "x'); DROP TABLE events; --", 'nul\0byte', '\0', 'line\nbreak\r\ttab',
  'bell\u0007 del\u007f esc\u001b', 'ünïcödé ✓ 日本語', 'emoji 👍🏽 astral 𝄞', '\u2028\u2029', '"double" `back`', '{p:String}', '$1 ? %s', '',
];
