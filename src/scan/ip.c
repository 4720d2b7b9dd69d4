/* ip.c: parsing, formatting, classifying and matching the IP addresses found in AD FS and Security events. */
#include "badcreds/ip.h"

#ifdef _WIN32
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ip_parse(const char *text, size_t len, struct ip_addr *out)
{
	char buf[64];
	while (len && (*text == ' ' || *text == '\t' || *text == '['))
		text++, len--;
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == ']'))
		len--;
	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, text, len);
	buf[len] = 0;
	memset(out, 0, sizeof *out);
	struct in_addr v4;
	char *colon = strchr(buf, ':');
	if (colon && !strchr(colon + 1, ':'))
		*colon = 0; /* a.b.c.d:port */
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		out->v4 = true;
		out->bytes[10] = out->bytes[11] = 0xff;
		memcpy(out->bytes + 12, &v4, 4);
		return true;
	}
	if (colon)
		*colon = ':';
	char *pct = strchr(buf, '%'); /* zone index: fe80::1%12 */
	if (pct)
		*pct = 0;
	if (inet_pton(AF_INET6, buf, out->bytes) != 1)
		return false;
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	out->v4 = memcmp(out->bytes, mapped, 12) == 0;
	return true;
}

/* An IPv4 address as a dotted quad, what inet_ntop writes, without its sprintf (a farm under attack formats a few
 * per attempt: glibc's took 5% of scan's instructions). */
static void format_v4(const uint8_t *v, char out[64])
{
	char *p = out;
	for (int i = 0; i < 4; i++) {
		unsigned x = v[i];
		if (x >= 100)
			*p++ = (char)('0' + x / 100);
		if (x >= 10)
			*p++ = (char)('0' + x / 10 % 10);
		*p++ = (char)('0' + x % 10);
		*p++ = i < 3 ? '.' : 0;
	}
}

void ip_format(const struct ip_addr *a, char out[64])
{
	if (a->v4)
		format_v4(a->bytes + 12, out);
	else
		inet_ntop(AF_INET6, a->bytes, out, 64);
}

const char *ip_class(const struct ip_addr *a)
{
	const uint8_t *b = a->bytes;
	if (a->v4) {
		const uint8_t *v = b + 12;
		if (v[0] == 127)
			return "loopback";
		if (v[0] == 169 && v[1] == 254)
			return "link-local";
		if (v[0] == 10 || (v[0] == 172 && (v[1] & 0xf0) == 16) || (v[0] == 192 && v[1] == 168))
			return "private";
		return "public";
	}
	static const uint8_t loopback[16] = {[15] = 1};
	if (memcmp(b, loopback, 16) == 0)
		return "loopback";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "link-local";
	if ((b[0] & 0xfe) == 0xfc)
		return "private"; /* unique local fc00::/7 */
	return "public";
}

bool cidr_parse(const char *text, struct cidr *out)
{
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	if (!ip_parse(text, len, &out->addr))
		return false;
	unsigned max = out->addr.v4 ? 32 : 128;
	out->bits = 128;
	if (slash) {
		char *end;
		unsigned long bits = strtoul(slash + 1, &end, 10);
		if (*end || end == slash + 1 || bits > max)
			return false;
		out->bits = (unsigned)bits + (out->addr.v4 ? 96 : 0);
	}
	return true;
}

bool cidr_contains(const struct cidr *c, const struct ip_addr *a)
{
	unsigned full = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->addr.bytes, a->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (c->addr.bytes[full] & mask) == (a->bytes[full] & mask);
}

void ip_list_each(const char *list, void (*fn)(void *ctx, const struct ip_addr *a), void *ctx)
{
	if (!list)
		return;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",; \t\r\n");
		struct ip_addr a;
		if (n && ip_parse(p, n, &a))
			fn(ctx, &a);
		p += n;
		if (*p)
			p++;
	}
}
