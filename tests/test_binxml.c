/* test_binxml.c: every Binary XML token, templates with substitutions (optional, array, dependency, nested BinXml),
 * the event model and the EventID peek, the walk over a chunk's template table, built byte by byte in a chunk buffer;
 * the event model's numbers when a value is not one, and the peek of an event without EventID (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event/event_builder.h"
#include "evtx/evtx_reader.h"
#include "badcreds/output.h"
#include "badcreds/source.h"

struct writer {
	uint8_t *d;
	uint32_t pos;
};

static void u8(struct writer *w, unsigned v) { w->d[w->pos++] = (uint8_t)v; }
static void u16(struct writer *w, unsigned v) { u8(w, v & 0xff), u8(w, v >> 8); }
static void u32(struct writer *w, uint32_t v) { u16(w, v & 0xffff), u16(w, v >> 16); }
static void utf16(struct writer *w, const char *s)
{
	while (*s)
		u16(w, (unsigned char)*s++);
}

/* u32 name offset pointing right behind itself, then the inline name structure */
static void name(struct writer *w, const char *s)
{
	u32(w, w->pos + 4);
	u32(w, 0);
	u16(w, 0);
	u16(w, (unsigned)strlen(s));
	utf16(w, s);
	u16(w, 0);
}

static void open_el(struct writer *w, const char *n, bool dep, unsigned dep_id, bool attrs)
{
	u8(w, attrs ? 0x41 : 0x01);
	if (dep)
		u16(w, dep_id);
	u32(w, 0); /* data size: not used by the reader */
	name(w, n);
	if (attrs)
		u32(w, 0);
}

static void text(struct writer *w, const char *s)
{
	u8(w, 0x05), u8(w, 0x01), u16(w, (unsigned)strlen(s)), utf16(w, s);
}

static void subst(struct writer *w, bool optional, unsigned id, unsigned type)
{
	u8(w, optional ? 0x0e : 0x0d), u16(w, id), u8(w, type);
}

struct fixture {
	struct evtx_chunk chunk;
	struct arena arena;
	struct strbuf out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->chunk.len = EVTX_CHUNK_SIZE;
	bx_chunk_reset(&f->chunk.bx, f->chunk.data, f->chunk.len, &f->chunk.arena, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_free(&f->arena);
	arena_free(&f->chunk.arena);
	sb_free(&f->out);
	free(f);
	return 0;
}

static const char *to_xml(struct fixture *f, uint32_t off, uint32_t end, bool *ok)
{
	struct bx_fragment frag;
	const char *err = NULL;
	uint32_t err_off;
	struct event ev = {0};
	f->out.len = 0;
	*ok = bx_compile(&f->chunk.bx, off, end, BX_RECORD, &f->arena, &frag, &err, &err_off);
	if (!*ok)
		return err;
	struct output_record r = {.event = &ev, .chunk = &f->chunk.bx, .fragment = &frag, .arena = &f->arena};
	*ok = output_xml.write(&f->out, &r, &err);
	return *ok ? sb_cstr(&f->out) : err;
}

/* A raw element tree (as in forwarded records): no dependency ids, every content token. */
static void raw_tokens(void **state)
{
	struct fixture *f = *state;
	struct writer w = {f->chunk.data, 512};
	u32(&w, 0x0001010f);
	open_el(&w, "Event", false, 0, true);
	u8(&w, 0x06), name(&w, "a"), text(&w, "x<y\"");
	u8(&w, 0x02);
	text(&w, "hi");
	u8(&w, 0x08), u16(&w, 65);                       /* character reference */
	u8(&w, 0x09), name(&w, "amp");                   /* entity reference */
	u8(&w, 0x07), u16(&w, 1), utf16(&w, "c");        /* CDATA */
	u8(&w, 0x0a), name(&w, "pi"), u8(&w, 0x0b), u16(&w, 4), utf16(&w, "data");
	open_el(&w, "b", false, 0, false);
	u8(&w, 0x03);                                    /* empty element */
	u8(&w, 0x04);
	u8(&w, 0x00);
	bool ok;
	const char *xml = to_xml(f, 512, w.pos, &ok);
	assert_true(ok);
	assert_string_equal(xml, "<Event a=\"x&lt;y&quot;\">hi&#65;&amp;<![CDATA[c]]><?pi data?>\n  <b />\n</Event>\n");

	/* every cut of the same bytes fails cleanly instead of reading past them */
	for (uint32_t end = 517; end < w.pos - 1; end++) { /* 516: an empty fragment, which is valid */
		to_xml(f, 512, end, &ok);
		assert_false(ok);
	}
}

/* Writes a template definition at def (header + body) and returns the end. */
static uint32_t template_def(struct fixture *f, uint32_t def)
{
	struct writer w = {f->chunk.data, def + 24};
	u32(&w, 0x0001010f);
	open_el(&w, "Event", true, 0xffff, true);
	u8(&w, 0x06), name(&w, "opt"), subst(&w, true, 0, 0x01);   /* optional, Null: attribute left out */
	u8(&w, 0x02);
	open_el(&w, "System", true, 0xffff, false), u8(&w, 0x02);
	open_el(&w, "Provider", true, 0xffff, true);
	u8(&w, 0x06), name(&w, "Name"), subst(&w, false, 4, 0x01);
	u8(&w, 0x03);
	open_el(&w, "EventID", true, 0xffff, true);                /* as in Windows: a Qualifiers attribute */
	u8(&w, 0x06), name(&w, "Qualifiers"), subst(&w, true, 0, 0x06);
	u8(&w, 0x02), subst(&w, false, 5, 0x06), u8(&w, 0x04);
	open_el(&w, "Channel", true, 0xffff, false), u8(&w, 0x02), text(&w, "Security"), u8(&w, 0x04);
	u8(&w, 0x04);
	open_el(&w, "EventData", true, 0xffff, false), u8(&w, 0x02);
	open_el(&w, "Data", true, 0xffff, false), u8(&w, 0x02), subst(&w, false, 1, 0x81), u8(&w, 0x04);
	u8(&w, 0x04);
	open_el(&w, "Gone", true, 2, false), u8(&w, 0x03);          /* dependency on value 2, which is Null */
	open_el(&w, "N", true, 0xffff, false), u8(&w, 0x02), subst(&w, false, 3, 0x21), u8(&w, 0x04);
	u8(&w, 0x04);
	u8(&w, 0x00);
	struct writer h = {f->chunk.data, def};
	u32(&h, 0);
	u32(&h, 0xcafe0001); /* GUID: Data1 = template id */
	for (int i = 0; i < 12; i++)
		u8(&h, 0);
	u32(&h, w.pos - def - 24);
	return w.pos;
}

static uint32_t template_record(struct fixture *f, uint32_t off, uint32_t def)
{
	struct writer w = {f->chunk.data, off};
	u32(&w, 0x0001010f);
	u8(&w, 0x0c), u8(&w, 0x01), u32(&w, 0xcafe0001), u32(&w, def);
	const uint8_t sa[] = {'p', 0, 0, 0, 'q', 0, 0, 0};
	uint8_t bx[64];
	struct writer b = {bx, 0};
	open_el(&b, "in", false, 0, false);
	u8(&b, 0x03), u8(&b, 0x00);
	u32(&w, 6);
	u16(&w, 0), u8(&w, 0x00), u8(&w, 0);
	u16(&w, sizeof sa), u8(&w, 0x81), u8(&w, 0);
	u16(&w, 0), u8(&w, 0x00), u8(&w, 0);
	u16(&w, b.pos), u8(&w, 0x21), u8(&w, 0);
	u16(&w, 28), u8(&w, 0x01), u8(&w, 0);
	u16(&w, 2), u8(&w, 0x06), u8(&w, 0);
	memcpy(w.d + w.pos, sa, sizeof sa), w.pos += sizeof sa;
	/* the nested value's inline names must point at their place in the chunk: write it in place */
	struct writer nested = {f->chunk.data, w.pos};
	open_el(&nested, "in", false, 0, false);
	u8(&nested, 0x03), u8(&nested, 0x00);
	w.pos = nested.pos;
	utf16(&w, "AD FS Auditing");
	u16(&w, 411);
	u8(&w, 0x00);
	return w.pos;
}

static void template_substitutions(void **state)
{
	struct fixture *f = *state;
	uint32_t def = 1024;
	template_def(f, def);
	uint32_t end = template_record(f, 8192, def);
	bool ok;
	const char *xml = to_xml(f, 8192, end, &ok);
	assert_true(ok);
	assert_string_equal(xml, "<Event>\n"
				 "  <System>\n"
				 "    <Provider Name=\"AD FS Auditing\" />\n"
				 "    <EventID>411</EventID>\n"
				 "    <Channel>Security</Channel>\n"
				 "  </System>\n"
				 "  <EventData>\n"
				 "    <Data>p</Data>\n"
				 "    <Data>q</Data>\n"
				 "  </EventData>\n"
				 "  <N>\n"
				 "    <in />\n"
				 "  </N>\n"
				 "</Event>\n");
}

static void event_model_and_peek(void **state)
{
	struct fixture *f = *state;
	uint32_t def = 1024;
	template_def(f, def);
	uint32_t end = template_record(f, 8192, def);
	/* a record around the fragment, as the reader sees it */
	struct evtx_record rec = {.offset = 8192 - 24, .size = end + 4 - (8192 - 24)};
	struct event_peek p;
	assert_true(evtx_record_peek(&f->chunk, &rec, &f->arena, &p));
	assert_true(p.has_event_id);
	assert_int_equal(p.event_id, 411);
	assert_false(p.has_time); /* this template has no TimeCreated */
	assert_int_equal(p.channel.type, EVTX_UTF8); /* text fixed in the template */
	assert_memory_equal(p.channel.data, "Security", 8);
	struct strbuf sb = {0};
	evtx_value_render(&sb, &p.provider);
	assert_string_equal(sb_cstr(&sb), "AD FS Auditing");
	sb_free(&sb);

	struct bx_fragment frag;
	const char *err = NULL;
	uint32_t err_off;
	assert_true(evtx_record_compile(&f->chunk, &rec, &f->arena, &frag, &err, &err_off));
	struct event ev;
	assert_true(event_from_fragment(&ev, &f->chunk.bx, &frag, &f->arena, &err));
	assert_true(ev.has & EV_HAS_EVENT_ID);
	assert_int_equal(ev.event_id, 411);
	assert_int_equal(ev.ndata, 2); /* the StringArray gives one unnamed item per string */
	assert_string_equal(ev.data[0].name, "");
	assert_int_equal(ev.data[1].value.size, 2);
	assert_memory_equal(ev.data[1].value.data, "q\0", 2);
}

static struct evtx_value utf8(const char *s)
{
	return (struct evtx_value){.type = EVTX_UTF8, .size = (uint32_t)strlen(s), .data = (const uint8_t *)s};
}

/* Fills the stack below the caller with 0xa5, so that a variable read before it is set shows as such rather than as
 * what an earlier call happened to leave there. */
static __attribute__((noinline)) void scribble_stack(void)
{
	volatile unsigned char junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = 0xa5;
}

/* <Event><System> with the given elements, each holding one text value, through the event model's visitor. */
static void build(struct event *ev, struct arena *a, const char *const *elements)
{
	struct event_builder *b = event_builder_begin(ev, a);
	const struct bx_visitor *v = &event_builder_visitor;
	v->open(b, "Event");
	v->open(b, "System");
	for (; elements[0]; elements += 2) {
		v->open(b, elements[0]);
		struct evtx_value value = utf8(elements[1]);
		v->value(b, &value);
		scribble_stack();
		v->close(b);
	}
	v->close(b);
	v->close(b);
	event_builder_end(b);
}

/* A System number that is not one (a damaged or hand-edited export) stores nothing: an earlier EventID stays, a
 * Level is absent. */
static void numbers_that_are_not(void **state)
{
	(void)state;
	struct arena a = {0};
	struct event ev;
	build(&ev, &a, (const char *const[]){"EventID", "411", "EventID", "4x1", "Level", "high", "Task", "", NULL});
	assert_true(ev.has & EV_HAS_EVENT_ID);
	assert_int_equal(ev.event_id, 411);
	assert_false(ev.has & (EV_HAS_LEVEL | EV_HAS_TASK));
	assert_int_equal(ev.level, 0);
	assert_int_equal(ev.task, 0);
	arena_free(&a);
}

/* The peek of a decoded event (XML input, live channels) says whether it has an EventID. */
static void peek_without_event_id(void **state)
{
	(void)state;
	struct arena a = {0};
	struct event ev;
	struct event_peek p;
	build(&ev, &a, (const char *const[]){"EventID", "none", NULL});
	event_peek_from(&ev, &p);
	assert_false(p.has_event_id);
	build(&ev, &a, (const char *const[]){"Level", "4", NULL});
	event_peek_from(&ev, &p);
	assert_false(p.has_event_id);
	build(&ev, &a, (const char *const[]){"EventID", "4625", NULL});
	event_peek_from(&ev, &p);
	assert_true(p.has_event_id);
	assert_int_equal(p.event_id, 4625);
	arena_free(&a);
}

/* A definition that holds a template instance (here: itself) is refused, never recursed into. */
static void template_cycle(void **state)
{
	struct fixture *f = *state;
	uint32_t def = 2048;
	struct writer w = {f->chunk.data, def + 24};
	u32(&w, 0x0001010f);
	u8(&w, 0x0c), u8(&w, 0x01), u32(&w, 7), u32(&w, def), u32(&w, 0);
	u8(&w, 0x00);
	struct writer h = {f->chunk.data, def + 20};
	u32(&h, w.pos - def - 24);
	struct writer r = {f->chunk.data, 9000};
	u32(&r, 0x0001010f);
	u8(&r, 0x0c), u8(&r, 0x01), u32(&r, 7), u32(&r, def), u32(&r, 0), u8(&r, 0);
	bool ok;
	to_xml(f, 9000, r.pos, &ok);
	assert_false(ok);
}

/* The template table's chains, bucket by bucket: a chain ends at a definition naming itself as the next, at an
 * offset inside the chunk header or without room for a definition header, and after 1024 definitions (a loop). */
static void template_table_walk(void **state)
{
	struct fixture *f = *state;
	const struct { uint32_t def_off, next, template_id; } defs[] = {
		{1024, 2048, 0xa}, {2048, 2048, 0xb}, /* bucket 0: two, the second naming itself */
		{4096, 100, 0xc},                     /* bucket 3: one, then an offset inside the header */
		{8192, 8200, 0xd}, {8200, 8192, 0xe}, /* bucket 31: a loop */
	};
	for (size_t i = 0; i < sizeof defs / sizeof *defs; i++) {
		struct writer w = {f->chunk.data, defs[i].def_off};
		u32(&w, defs[i].next), u32(&w, defs[i].template_id);
	}
	struct writer table = {f->chunk.data, 384};
	for (unsigned b = 0; b < 32; b++)
		u32(&table, b == 0 ? 1024 : b == 3 ? 4096 : b == 5 ? EVTX_CHUNK_SIZE - 20 : b == 31 ? 8192 : 0);
	struct bx_template_table_iter it;
	uint32_t def_off, id;
	bx_template_table_begin(&it, &f->chunk.bx);
	for (size_t i = 0; i < 4; i++) {
		assert_true(bx_template_table_next(&it, &def_off, &id));
		assert_int_equal(def_off, defs[i].def_off);
		assert_int_equal(id, defs[i].template_id);
	}
	unsigned looped = 1;
	while (bx_template_table_next(&it, &def_off, &id)) {
		assert_int_equal(def_off, looped % 2 ? 8200 : 8192);
		looped++;
	}
	assert_int_equal(looped, 1024);
	f->chunk.bx.len = EVTX_CHUNK_HEADER_SIZE - 1; /* no table at all */
	bx_template_table_begin(&it, &f->chunk.bx);
	assert_false(bx_template_table_next(&it, &def_off, &id));
}

/* String values go from UTF-16 to escaped UTF-8 in one pass. */
static void xml_text(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	const uint8_t s[] = {'a', 0, '<', 0, 0xe9, 0, '&', 0, 0x3d, 0xd8, 0x00, 0xde, '"', 0, 'z', 0, 0, 0, 'x', 0};
	xml_escape_utf16(&sb, s, sizeof s, false);
	assert_string_equal(sb_cstr(&sb), "a&lt;\xc3\xa9&amp;\xf0\x9f\x98\x80\"z");
	sb.len = 0;
	xml_escape_utf16(&sb, s, sizeof s, true);
	assert_string_equal(sb_cstr(&sb), "a&lt;\xc3\xa9&amp;\xf0\x9f\x98\x80&quot;z");
	sb.len = 0;
	const uint8_t lone[] = {0x00, 0xd8, 'q', 0, 0x01, 0};
	xml_escape_utf16(&sb, lone, sizeof lone, false);
	assert_string_equal(sb_cstr(&sb), "\xef\xbf\xbdq\xe2\x90\x81"); /* U+0001 as its Control Picture */
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(raw_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(template_substitutions, setup, teardown),
		cmocka_unit_test_setup_teardown(event_model_and_peek, setup, teardown),
		cmocka_unit_test_setup_teardown(template_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(template_table_walk, setup, teardown),
		cmocka_unit_test(xml_text),
		cmocka_unit_test(numbers_that_are_not),
		cmocka_unit_test(peek_without_event_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
