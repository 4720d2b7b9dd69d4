/* text.c: showing log text safely (visible control and formatting characters), display widths, the spreadsheet
 * formula test, the test for text that may stand in a suggested command, UTF-8 decoding and encoding, and the case
 * folding of names. */
#include "badcreds/text.h"

uint32_t utf8_decode(const char *s, size_t n, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c = p[0];
	*len = 1;
	if (c < 0x80)
		return c;
	size_t need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
	if (!need || need > n || c > 0xf4)
		return 0xfffd;
	c &= 0x7f >> need;
	for (size_t i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0xfffd;
		c = c << 6 | (p[i] & 0x3f);
	}
	static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < least[need] || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return 0xfffd;
	*len = need;
	return c;
}

uint32_t fold_case(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7) || (c >= 0x391 && c <= 0x3ab && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f) || (c >= 0xff21 && c <= 0xff3a))
		return c + 32; /* Latin-1, Greek, Cyrillic, full-width Latin capitals */
	if (c >= 0x400 && c <= 0x40f)
		return c + 80; /* Cyrillic capitals with marks (Ѐ..Џ) */
	if (c == 0x178 || c == 0x4c0)
		return c == 0x178 ? 0xff : 0x4cf; /* Ÿ, Ӏ */
	if ((c >= 0x100 && c <= 0x137 && c != 0x130) || (c >= 0x14a && c <= 0x177) || (c >= 0x460 && c <= 0x481) ||
	    (c >= 0x48a && c <= 0x4bf))
		return c | 1; /* Latin Extended-A and Cyrillic pairs: capital even, small odd */
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e) || (c >= 0x4c1 && c <= 0x4ce))
		return c + (c & 1); /* capital odd, small even */
	if ((c >= 0x4d0 && c <= 0x52f) || (c >= 0x1de && c <= 0x1ef) || (c >= 0x1f8 && c <= 0x21f) ||
	    (c >= 0x222 && c <= 0x233) || c == 0x1f4 || (c >= 0x1e00 && c <= 0x1e95) || (c >= 0x1ea0 && c <= 0x1eff))
		return c | 1; /* Cyrillic, Latin Extended-B (Ș Ț) and Additional (Vietnamese) pairs: capital even */
	if (c >= 0x1cd && c <= 0x1dc)
		return c + (c & 1); /* Ǎ..Ǜ: capital odd */
	if (c == 0x386)
		return 0x3ac; /* Ά */
	if (c == 0x38c)
		return 0x3cc; /* Ό */
	if ((c >= 0x388 && c <= 0x38a) || c == 0x38e || c == 0x38f)
		return c + (c <= 0x38a ? 37 : 63); /* Έ Ή Ί, Ύ Ώ */
	if (c == 0x3c2)
		return 0x3c3; /* final sigma */
	if (c >= 0x1c4 && c <= 0x1cc)
		return 0x1c6 + (c - 0x1c4) / 3 * 3; /* Ǆ ǅ ǆ, Ǉ ǈ ǉ, Ǌ ǋ ǌ */
	if (c >= 0x1f1 && c <= 0x1f3)
		return 0x1f3; /* Ǳ ǲ ǳ */
	if (c == 0x212a || c == 0x212b)
		return c == 0x212a ? 'k' : 0xe5; /* the Kelvin and Angstrom signs */
	return c;
}

void utf8_trim(char *s)
{
	size_t n = strlen(s), start = n;
	while (start > 0 && n - start < 4 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start > 0 && (unsigned char)s[start - 1] >= 0xc0) { /* the lead byte of the last character */
		size_t len;
		start--;
		if (utf8_decode(s + start, n - start, &len) == 0xfffd && len == 1)
			s[start] = 0;
	}
}

size_t utf8_cut(const char *s, size_t n)
{
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

void utf8_put(struct strbuf *out, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	sb_add(out, b, n);
}

/* Characters that change how text around them is shown without showing themselves: C1 controls, format characters
 * (soft hyphen, bidirectional marks and overrides, zero-width characters, word joiners, tags that can spell hidden
 * text), fillers that look like nothing, variation selectors, line and paragraph separators. */
static bool invisible(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0xad || c == 0x34f || c == 0x061c || c == 0x115f || c == 0x1160 ||
	       (c >= 0x180b && c <= 0x180f) || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2060 && c <= 0x206f) || c == 0x3164 || (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff ||
	       c == 0xffa0 || (c >= 0xfff9 && c <= 0xfffb) || (c >= 0x1d173 && c <= 0x1d17a) ||
	       (c >= 0xe0000 && c <= 0xe007f) || (c >= 0xe0100 && c <= 0xe01ef);
}

/* Whether eight bytes are all printable ASCII (0x20-0x7e): no byte below 0x20 (a borrow out of one, subtracting
 * 0x20 from each), none at 0x7f or above (a high bit, in the byte or once 1 is added to it). A borrow or carry that
 * crosses into the next byte starts at a byte that fails itself. */
static bool printable8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	return !((((w - 0x20 * ones) & ~w) | w | (w + ones)) & highs);
}

void text_visible(struct strbuf *out, const char *s, size_t n)
{
	size_t start = 0, i = 0; /* runs of printable ASCII are copied whole */
	while (i < n) {
		uint64_t w;
		if (n - i >= 8 && (memcpy(&w, s + i, 8), printable8(w))) {
			i += 8;
			continue;
		}
		unsigned char b = (unsigned char)s[i];
		if (b >= 0x20 && b < 0x7f) {
			i++;
			continue;
		}
		size_t len;
		uint32_t c = utf8_decode(s + i, n - i, &len);
		if (c >= 0x20 && c != 0x7f && !invisible(c) && !(c == 0xfffd && len == 1)) {
			i += len;
			continue;
		}
		sb_add(out, s + start, i - start);
		if (c < 0x20)
			utf8_put(out, 0x2400 + c);
		else if (c == 0x7f)
			utf8_put(out, 0x2421);
		else if (c == 0xfffd)
			utf8_put(out, 0xfffd);
		else
			sb_printf(out, "<U+%04X>", (unsigned)c);
		i += len;
		start = i;
	}
	sb_add(out, s + start, n - start);
}

void text_visible_str(struct strbuf *out, const char *s)
{
	if (s)
		text_visible(out, s, strlen(s));
}

/* Zero-width combining marks and two-column East Asian characters (the common ranges of Unicode's East Asian Width
 * and general category Mn; enough to keep tables of names aligned). */
static unsigned columns(uint32_t c)
{
	static const uint32_t zero[][2] = {
		{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x0610, 0x061a}, {0x064b, 0x065f}, {0x0e31, 0x0e31},
		{0x0e34, 0x0e3a}, {0x0e47, 0x0e4e}, {0x1160, 0x11ff}, {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff}, {0x20d0, 0x20ff},
		{0x302a, 0x302d}, {0x3099, 0x309a}, {0xfe00, 0xfe0f}, {0xfe20, 0xfe2f},
	};
	static const uint32_t wide[][2] = {
		{0x1100, 0x115f}, {0x2e80, 0x303e}, {0x3041, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff}, {0xa000, 0xa4cf},
		{0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe30, 0xfe6f}, {0xff00, 0xff60}, {0xffe0, 0xffe6}, {0x1f300, 0x1f64f},
		{0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
	};
	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
		if (c >= zero[i][0] && c <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

/* The columns of text already made visible (text_visible). */
static size_t shown_width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0, len; i < n; i += len)
		if ((unsigned char)s[i] < 0x80) {
			w++;
			len = 1;
		} else {
			w += columns(utf8_decode(s + i, n - i, &len));
		}
	return w;
}

size_t text_width(const char *s, size_t n)
{
	struct strbuf shown = {0};
	text_visible(&shown, s, n);
	size_t w = shown_width(shown.data, shown.len);
	sb_free(&shown);
	return w;
}

/* s made visible, then spaces up to `width` columns (before it when `right`). */
static void pad(struct strbuf *out, const char *s, size_t width, bool right)
{
	sb_reserve(out, width); /* also: never a NULL buffer below */
	size_t at = out->len;
	text_visible_str(out, s);
	size_t w = shown_width(out->data + at, out->len - at), fill = w < width ? width - w : 0;
	sb_reserve(out, fill);
	if (right)
		memmove(out->data + at + fill, out->data + at, out->len - at);
	memset(out->data + (right ? at : out->len), ' ', fill);
	out->len += fill;
}

void text_pad(struct strbuf *out, const char *s, size_t width) { pad(out, s, width, false); }
void text_pad_right(struct strbuf *out, const char *s, size_t width) { pad(out, s, width, true); }

void text_cell(struct strbuf *out, const char *s, size_t width)
{
	size_t at = out->len;
	pad(out, s, width, false);
	if (shown_width(out->data + at, out->len - at) <= width)
		return;
	size_t line = at; /* the row's start: text before it in the buffer ends with a line break */
	while (line > 0 && out->data[line - 1] != '\n')
		line--;
	size_t end = shown_width(out->data + line, at - line) + width;
	sb_addc(out, '\n');
	sb_reserve(out, end);
	memset(out->data + out->len, ' ', end);
	out->len += end;
}

static bool blank(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0xa0 || c == 0x1680 || c == 0x180e ||
	       (c >= 0x2000 && c <= 0x200b) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 ||
	       c == 0xfeff;
}

bool text_is_formula(const char *s, size_t n)
{
	if (n && (s[0] == '\t' || s[0] == '\r'))
		return true;
	for (size_t i = 0, len; i < n; i += len) {
		uint32_t c = utf8_decode(s + i, n - i, &len);
		if (blank(c))
			continue;
		switch (c) {
		case '=': case '+': case '-': case '@':
		case 0xff1d: case 0xff0b: case 0xff0d: case 0xff20: /* full-width = + - @ */
		case 0xfe66: case 0xfe62: case 0xfe63: case 0xfe6b: /* small = + - @ */
		case 0x2212:                                         /* minus sign */
			return true;
		default:
			return false;
		}
	}
	return false;
}

bool text_fits_command(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || strchr("\"'`%!^&|<>(){};", *s))
			return false;
	return true;
}
