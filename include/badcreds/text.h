/* text.h: log text made safe to show: control characters and invisible formatting characters written visibly (a
 * user name typed at a login page must not act on a terminal, forge a line or hide among look-alikes), display
 * widths for aligned columns, and the test for text a spreadsheet would run as a formula. */
#ifndef BADCREDS_TEXT_H
#define BADCREDS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/strbuf.h"

/* Appends UTF-8 text with every character that could act on a terminal or hide shown visibly:
 *   C0 controls U+0000-U+001F  -> their Control Pictures U+2400-U+241F (ESC -> "␛", LF -> "␊", NUL -> "␀")
 *   DEL U+007F                 -> "␡" (U+2421)
 *   C1 controls U+0080-U+009F, line and paragraph separators, bidirectional and zero-width formatting characters,
 *   the soft hyphen, tags, fillers, variation selectors and the byte order mark -> "<U+XXXX>"
 *   bytes that are not UTF-8   -> U+FFFD
 * Everything else is copied. */
void text_visible(struct strbuf *out, const char *s, size_t n);
/* The same, NUL-terminated; NULL appends nothing. */
void text_visible_str(struct strbuf *out, const char *s);

/* Columns the text takes on a terminal once made visible: East Asian wide and full-width characters take two,
 * combining marks none. */
size_t text_width(const char *s, size_t n);

/* Appends s made visible, then spaces up to `width` columns (left-aligned; text wider than that is not cut). */
void text_pad(struct strbuf *out, const char *s, size_t width);
/* The same, right-aligned. */
void text_pad_right(struct strbuf *out, const char *s, size_t width);
/* A table cell: as text_pad, but text wider than `width` is followed by a line break and spaces up to where the cell
 * ends, so that the row's next columns stay under their headings (a long user name is shown whole, never cut). */
void text_cell(struct strbuf *out, const char *s, size_t width);

/* Whether a spreadsheet would run the text as a formula: its first character, after any blanks (spaces, tabs,
 * line breaks, no-break and other Unicode spaces), is = + - or @ in their ASCII, full-width or small forms (or the
 * minus sign U+2212), or the text starts with a tab or carriage return. */
bool text_is_formula(const char *s, size_t n);

/* Whether log text (a channel, service or account name) may stand in a command suggested to people, quoted or not,
 * for cmd.exe or PowerShell: printable ASCII but for what either shell or a quote acts on (" ' ` % ! ^ & | < > ( ) {
 * } ;). Anything else (a name from a crafted log: Security" & calc & ") is named in prose, never put in a command. */
bool text_fits_command(const char *s);

/* Decodes one UTF-8 character at s (n > 0 bytes available); *len is its length. Invalid or truncated sequences,
 * surrogates and overlong forms give U+FFFD with *len 1. */
uint32_t utf8_decode(const char *s, size_t n, size_t *len);
/* A character's small form, for comparing names as Active Directory does (case-insensitive): ASCII, Latin-1,
 * Latin Extended-A, most of Latin Extended-B (Ș Ț, the digraphs), Latin Extended Additional (Vietnamese), Greek
 * (accented capitals and final sigma too), Cyrillic, full-width Latin capitals, the Kelvin and Angstrom signs;
 * other characters as they are (an accent typed as a combining mark is not its precomposed letter). */
uint32_t fold_case(uint32_t c);
/* Appends code point c as UTF-8. */
void utf8_put(struct strbuf *out, uint32_t c);
/* Cuts a NUL-terminated UTF-8 string that ends inside a character before that character. */
void utf8_trim(char *s);
/* Where to cut text of more than n bytes so that it keeps at most n and ends at a character boundary: n, less the
 * continuation bytes of a character that would be split (s[n] must be readable). */
size_t utf8_cut(const char *s, size_t n);

#endif
