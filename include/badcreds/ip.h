/* ip.h: client IP addresses as AD FS logs them: lists, classes (public, private, loopback, link-local), CIDR. */
#ifndef BADCREDS_IP_H
#define BADCREDS_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ip_addr {
	uint8_t bytes[16];   /* IPv4 as ::ffff:a.b.c.d */
	bool v4;
};

/* Parses one address; brackets and an IPv4 port are removed. "N/A", "-" and "" are not addresses. */
bool ip_parse(const char *text, size_t len, struct ip_addr *out);
/* Canonical text (IPv4 dotted, IPv6 compressed, IPv4-mapped IPv6 as IPv4). */
void ip_format(const struct ip_addr *a, char out[64]);
const char *ip_class(const struct ip_addr *a); /* "public", "private", "loopback", "link-local" */

struct cidr {
	struct ip_addr addr;
	unsigned bits;       /* prefix length over the 128-bit form */
};
bool cidr_parse(const char *text, struct cidr *out);
bool cidr_contains(const struct cidr *c, const struct ip_addr *a);

/* Calls fn for each address of a list such as "203.0.113.5,10.0.0.1" (commas, spaces, semicolons). */
void ip_list_each(const char *list, void (*fn)(void *ctx, const struct ip_addr *a), void *ctx);

#endif
