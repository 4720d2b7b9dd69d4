/* filetime.c: FILETIME (100 ns ticks since 1601-01-01 UTC) from the clock and from calendar dates, and to and from
 * ISO 8601 text. */
#include "badcreds/filetime.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "badcreds/compat.h"

static const int64_t UNIX_EPOCH_DAYS = FILETIME_UNIX_EPOCH / FILETIME_DAY; /* days from 1601-01-01 to 1970-01-01 */
enum { SECONDS_PER_DAY = 86400, SECONDS_PER_HOUR = 3600 };

int64_t filetime_now(void) { return (int64_t)time(NULL) * FILETIME_SECOND + FILETIME_UNIX_EPOCH; }

/* Days from 1970-01-01 to a civil date (proleptic Gregorian), after H. Hinnant's public-domain algorithm. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

bool filetime_from_civil(unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute, unsigned second,
			 int64_t *ticks)
{
	if (year < 1601 || year > 30827 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
	    second > 60)
		return false;
	int64_t days = days_from_civil(year, month, day) + UNIX_EPOCH_DAYS;
	*ticks = (days * SECONDS_PER_DAY + hour * SECONDS_PER_HOUR + minute * 60 + second) * FILETIME_SECOND;
	return true;
}

static void put_dec(char *o, uint64_t v, int digits)
{
	while (digits--) {
		o[digits] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* "YYYY-MM-DDTHH:MM:SS" into the first 19 characters of t (year 0-9999, sod: seconds of the day). */
static void put_date_time(char *t, int64_t y, unsigned m, unsigned d, int64_t sod)
{
	put_dec(t, (uint64_t)y, 4);
	put_dec(t + 5, m, 2);
	put_dec(t + 8, d, 2);
	put_dec(t + 11, (uint64_t)sod / SECONDS_PER_HOUR, 2);
	put_dec(t + 14, (uint64_t)sod / 60 % 60, 2);
	put_dec(t + 17, (uint64_t)sod % 60, 2);
}

void filetime_format_windows(struct strbuf *out, int64_t ticks)
{
	int64_t secs = ticks / FILETIME_SECOND, frac = ticks % FILETIME_SECOND;
	if (frac < 0) {
		frac += FILETIME_SECOND;
		secs--;
	}
	int64_t days = secs / SECONDS_PER_DAY, sod = secs % SECONDS_PER_DAY;
	if (sod < 0) {
		sod += SECONDS_PER_DAY;
		days--;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days - UNIX_EPOCH_DAYS, &y, &m, &d);
	if (y < 0 || y > 9999) {
		sb_printf(out, "%" PRId64 "-%02u-%02uT%02u:%02u:%02u.%07" PRId64 "00Z", y, m, d,
			  (unsigned)(sod / SECONDS_PER_HOUR), (unsigned)(sod / 60 % 60), (unsigned)(sod % 60), frac);
		return;
	}
	char t[30] = "YYYY-MM-DDTHH:MM:SS.fffffff00Z";
	put_date_time(t, y, m, d, sod);
	put_dec(t + 20, (uint64_t)frac, 7);
	sb_add(out, t, sizeof t);
}

/* UTC in the form of filetime_format_ms, for times from 1601 to 9999 (the only ones a positive FILETIME below
 * 10000-01-01 holds): the report's time column, computed rather than printed. */
static bool format_ms_utc(struct strbuf *out, int64_t ticks)
{
	if (ticks < 0)
		return false;
	int64_t secs = ticks / FILETIME_SECOND, days = secs / SECONDS_PER_DAY, sod = secs % SECONDS_PER_DAY;
	int64_t y;
	unsigned m, d;
	civil_from_days(days - UNIX_EPOCH_DAYS, &y, &m, &d);
	if (y > 9999)
		return false;
	char t[29] = "YYYY-MM-DDTHH:MM:SS.mmm+00:00";
	put_date_time(t, y, m, d, sod);
	put_dec(t + 20, (uint64_t)(ticks % FILETIME_SECOND / FILETIME_MILLISECOND), 3);
	sb_add(out, t, sizeof t);
	return true;
}

void filetime_format_ms(struct strbuf *out, int64_t ticks, bool local)
{
	if (!local && format_ms_utc(out, ticks))
		return;
	time_t t = (time_t)(ticks / FILETIME_SECOND - FILETIME_UNIX_EPOCH / FILETIME_SECOND);
	int ms = (int)(ticks % FILETIME_SECOND / FILETIME_MILLISECOND);
	struct tm tm;
	long offset = 0;
	if (local) {
		bc_localtime(t, &tm);
		offset = bc_gmtoff(t, &tm);
	} else {
		bc_gmtime(t, &tm);
	}
	char buf[40];
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	sb_printf(out, "%s.%03d%c%02ld:%02ld", buf, ms, offset < 0 ? '-' : '+', labs(offset) / SECONDS_PER_HOUR,
		  labs(offset) % SECONDS_PER_HOUR / 60);
}

/* Between min and max digits at *p as a number; false if there are fewer than min. */
static bool digits(const char **p, int min, int max, unsigned *out)
{
	unsigned v = 0;
	int n = 0;
	while (n < max && **p >= '0' && **p <= '9')
		v = v * 10 + (unsigned)(*(*p)++ - '0'), n++;
	*out = v;
	return n >= min;
}

/* The fraction of a second after its "." or ",", in ticks (digits past the seventh are read and dropped). */
static bool fraction(const char **p, int64_t *ticks)
{
	int n = 0;
	int64_t v = 0;
	if (**p < '0' || **p > '9')
		return false;
	for (; **p >= '0' && **p <= '9'; (*p)++)
		if (n < 7)
			v = v * 10 + (**p - '0'), n++;
	while (n++ < 7)
		v *= 10;
	*ticks = v;
	return true;
}

/* hh:mm, hh:mm:ss or hh:mm:ss.fraction. */
static bool time_of_day(const char **p, unsigned *h, unsigned *mi, unsigned *sec, int64_t *frac)
{
	if (!digits(p, 2, 2, h) || *(*p)++ != ':' || !digits(p, 2, 2, mi))
		return false;
	if (**p != ':')
		return true;
	(*p)++;
	if (!digits(p, 2, 2, sec))
		return false;
	if (**p != '.' && **p != ',')
		return true;
	(*p)++;
	return fraction(p, frac);
}

/* Z, +hh, +hhmm or +hh:mm (and their -), in seconds east of UTC; none: UTC. */
static bool zone_offset(const char **p, int64_t *seconds)
{
	*seconds = 0;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		return true;
	}
	if (**p != '+' && **p != '-')
		return true;
	int sign = *(*p)++ == '-' ? -1 : 1;
	unsigned oh, om = 0;
	if (!digits(p, 2, 2, &oh))
		return false;
	if (**p == ':')
		(*p)++;
	if (**p && !digits(p, 2, 2, &om))
		return false;
	if (oh > 23 || om > 59)
		return false;
	*seconds = sign * (int64_t)(oh * SECONDS_PER_HOUR + om * 60);
	return true;
}

bool filetime_parse_iso8601(const char *s, size_t len, int64_t *ticks)
{
	char buf[64];
	if (len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = 0;
	const char *p = buf;
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac = 0, offset, start;
	if (!digits(&p, 4, 4, &y) || *p++ != '-' || !digits(&p, 2, 2, &mo) || *p++ != '-' || !digits(&p, 2, 2, &d))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!time_of_day(&p, &h, &mi, &sec, &frac))
			return false;
	}
	static const unsigned char month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
	if (mo >= 1 && mo <= 12 && d > (unsigned)(month_days[mo - 1] - (mo == 2 && !leap)))
		return false; /* 2026-02-30 is no day, not 2026-03-02 */
	if (sec > 59)
		return false; /* 08:00:60 is no time, not 08:01:00 (no leap seconds here: filetime_from_civil takes them) */
	if (!zone_offset(&p, &offset) || *p || !filetime_from_civil(y, mo, d, h, mi, sec, &start))
		return false;
	*ticks = start + frac - offset * FILETIME_SECOND;
	return true;
}
