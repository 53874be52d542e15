#include "schema.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dotted.h"
#include "pattern.h"
#include "suggest.h"

enum {
	T_NULL = 1,
	T_BOOL = 2,
	T_INT = 4,
	T_STR = 8,
	T_ARR = 16,
	T_OBJ = 32,
};

enum { F_IPV4 = 1, F_IPV6 = 2 };

#define UNIQUE_MAX_ITEMS 1024

struct prop {
	const char *name;
	struct schema *schema;
	bool required;
};

struct schema {
	unsigned types;
	const char *expects;
	struct prop *props;
	size_t nprops;
	bool closed;
	const struct node *dflt;
	const struct node *enums;
	const struct pattern *pattern;
	bool has_min, has_max;
	long long min, max;
	long long min_len, max_len;
	struct schema *items;
	long long min_items, max_items;
	bool unique;
	unsigned format;
	struct schema **any_of;
	size_t nany;
	/* annotations, for rhc explain */
	const char *description;
	const char *pattern_text;
	const struct node *examples;
	/* root only: what schema_free releases */
	struct pattern **patterns;
	size_t npatterns;
	struct def *defs;
	size_t ndefs;
	const char *file;
};

struct def {
	const char *name;
	struct schema *schema;
};

struct compiler {
	struct arena *a;
	struct diags *d;
	const char *file;
	struct schema *root;
	size_t errors;
};

static struct loc nloc(const struct compiler *c, const struct node *n)
{
	return (struct loc){c->file, n ? n->line : 0, n ? n->col : 0, n ? n->width : 0};
}

static void bad(struct compiler *c, const struct node *n, const char *msg, const char *arg)
{
	diags_error(c->d, nloc(c, n), NULL, "schema: %s%s", msg, arg ? arg : "");
	c->errors++;
}

static bool scalar_int(const struct node *n, long long *out)
{
	if (!n || n->kind != NODE_SCALAR || !n->plain || !n->len)
		return false;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(n->text, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static void own_pattern(struct compiler *c, struct pattern *p)
{
	struct schema *r = c->root;
	struct pattern **v = realloc(r->patterns, (r->npatterns + 1) * sizeof(*v));
	if (!v)
		abort();
	v[r->npatterns++] = p;
	r->patterns = v;
}

static struct schema *compile(struct compiler *c, const struct node *n);

static unsigned type_bit(const struct node *n)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"null", T_NULL},	   {"boolean", T_BOOL}, {"integer", T_INT},
		     {"string", T_STR},	   {"array", T_ARR},	{"object", T_OBJ}};
	if (n->kind != NODE_SCALAR)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(n->text, names[i].name))
			return names[i].bit;
	return 0;
}

static void compile_ref(struct compiler *c, struct schema *s, const struct node *v)
{
	static const char prefix[] = "#/$defs/";
	if (v->kind != NODE_SCALAR || strncmp(v->text, prefix, sizeof(prefix) - 1)) {
		bad(c, v, "only local references '#/$defs/NAME' are supported", NULL);
		return;
	}
	const char *name = v->text + sizeof(prefix) - 1;
	for (size_t i = 0; i < c->root->ndefs; i++) {
		if (!strcmp(c->root->defs[i].name, name)) {
			*s = *c->root->defs[i].schema;
			return;
		}
	}
	bad(c, v, "unknown (or not yet defined) $defs entry: ", name);
}

static void compile_properties(struct compiler *c, struct schema *s, const struct node *v)
{
	if (v->kind != NODE_MAP) {
		bad(c, v, "'properties' must be an object", NULL);
		return;
	}
	s->props = arena_alloc(c->a, v->count * sizeof(*s->props));
	for (const struct node *p = v->first; p; p = p->next) {
		struct prop *pr = &s->props[s->nprops++];
		pr->name = p->key->text;
		pr->schema = compile(c, p);
	}
}

static void compile_required(struct compiler *c, struct schema *s, const struct node *v)
{
	if (v->kind != NODE_SEQ) {
		bad(c, v, "'required' must be an array", NULL);
		return;
	}
	for (const struct node *r = v->first; r; r = r->next) {
		size_t i = 0;
		while (i < s->nprops && strcmp(s->props[i].name, r->text))
			i++;
		if (i == s->nprops)
			bad(c, r, "required property is not in 'properties': ", r->text);
		else
			s->props[i].required = true;
	}
}

static void compile_keyword(struct compiler *c, struct schema *s, const struct node *v)
{
	const char *k = v->key->text;
	long long num = 0;
	if (!strcmp(k, "$schema") || !strcmp(k, "$id") || !strcmp(k, "title") ||
	    !strcmp(k, "$comment") || !strcmp(k, "$ref") || !strcmp(k, "required") ||
	    !strcmp(k, "$defs")) {
		return; /* annotations, or handled around this loop */
	} else if (!strcmp(k, "description")) {
		if (v->kind != NODE_SCALAR || v->plain)
			bad(c, v, "'description' must be a string", NULL);
		s->description = v->text;
	} else if (!strcmp(k, "examples")) {
		if (v->kind != NODE_SEQ || !v->count)
			bad(c, v, "'examples' must be a non-empty array", NULL);
		s->examples = v;
	} else if (!strcmp(k, "type")) {
		s->types = 0;
		if (v->kind == NODE_SEQ)
			for (const struct node *t = v->first; t; t = t->next)
				s->types |= type_bit(t);
		else
			s->types = type_bit(v);
		if (!s->types)
			bad(c, v, "unsupported 'type'", NULL);
	} else if (!strcmp(k, "properties")) {
		compile_properties(c, s, v);
	} else if (!strcmp(k, "additionalProperties")) {
		if (v->kind != NODE_SCALAR || strcmp(v->text, "false"))
			bad(c, v, "only \"additionalProperties\": false is supported", NULL);
		s->closed = true;
	} else if (!strcmp(k, "default")) {
		s->dflt = v;
	} else if (!strcmp(k, "enum")) {
		if (v->kind != NODE_SEQ || !v->count)
			bad(c, v, "'enum' must be a non-empty array", NULL);
		s->enums = v;
	} else if (!strcmp(k, "pattern")) {
		char err[256];
		struct pattern *p = v->kind == NODE_SCALAR ? pattern_compile(v->text, err, sizeof(err)) : NULL;
		if (!p) {
			bad(c, v, v->kind == NODE_SCALAR ? err : "'pattern' must be a string", NULL);
			return;
		}
		own_pattern(c, p);
		s->pattern = p;
		s->pattern_text = v->text;
	} else if (!strcmp(k, "format")) {
		if (v->kind == NODE_SCALAR && !strcmp(v->text, "ipv4"))
			s->format = F_IPV4;
		else if (v->kind == NODE_SCALAR && !strcmp(v->text, "ipv6"))
			s->format = F_IPV6;
		else
			bad(c, v, "unsupported 'format' (ipv4 and ipv6 are)", NULL);
	} else if (!strcmp(k, "anyOf")) {
		if (v->kind != NODE_SEQ || !v->count) {
			bad(c, v, "'anyOf' must be a non-empty array", NULL);
			return;
		}
		s->any_of = arena_alloc(c->a, v->count * sizeof(*s->any_of));
		for (const struct node *b = v->first; b; b = b->next)
			s->any_of[s->nany++] = compile(c, b);
	} else if (!strcmp(k, "items")) {
		s->items = compile(c, v);
	} else if (!strcmp(k, "uniqueItems")) {
		s->unique = v->kind == NODE_SCALAR && !strcmp(v->text, "true");
	} else if (!strcmp(k, "x-rhc-expects")) {
		s->expects = v->text;
	} else if (scalar_int(v, &num) && !strcmp(k, "minimum")) {
		s->has_min = true, s->min = num;
	} else if (scalar_int(v, &num) && !strcmp(k, "maximum")) {
		s->has_max = true, s->max = num;
	} else if (scalar_int(v, &num) && !strcmp(k, "minLength")) {
		s->min_len = num;
	} else if (scalar_int(v, &num) && !strcmp(k, "maxLength")) {
		s->max_len = num;
	} else if (scalar_int(v, &num) && !strcmp(k, "minItems")) {
		s->min_items = num;
	} else if (scalar_int(v, &num) && !strcmp(k, "maxItems")) {
		s->max_items = num;
	} else {
		bad(c, v->key, "unsupported keyword (or value) '", arena_printf(c->a, "%s'", k));
	}
}

static bool default_valid(struct compiler *c, const struct schema *s, const struct node *v);


static struct schema *compile(struct compiler *c, const struct node *n)
{
	struct schema *s = arena_alloc(c->a, sizeof(*s));
	s->min_len = s->max_len = s->min_items = s->max_items = -1;
	if (n->kind != NODE_MAP) {
		bad(c, n, "a schema must be an object", NULL);
		return s;
	}
	const struct node *ref = node_member(n, "$ref");
	if (ref)
		compile_ref(c, s, ref);
	for (const struct node *v = n->first; v; v = v->next)
		compile_keyword(c, s, v);
	const struct node *req = node_member(n, "required");
	if (req)
		compile_required(c, s, req);
	if (s->unique && (s->max_items < 0 || s->max_items > UNIQUE_MAX_ITEMS))
		bad(c, n, "uniqueItems needs maxItems of at most 1024", NULL);
	if (s->dflt && !c->errors && !default_valid(c, s, s->dflt))
		bad(c, s->dflt, "the default does not satisfy its own schema", NULL);
	for (const struct node *e = s->examples ? s->examples->first : NULL; e && !c->errors; e = e->next)
		if (!default_valid(c, s, e))
			bad(c, e, "an example does not satisfy its own schema", NULL);
	return s;
}

struct schema *schema_compile(struct arena *a, const char *file, const struct node *root,
			      struct diags *d)
{
	struct schema *r = arena_alloc(a, sizeof(*r));
	struct compiler c = {.a = a, .d = d, .file = file, .root = r};
	const struct node *defs = node_member(root, "$defs");
	if (defs) {
		r->defs = arena_alloc(a, defs->count * sizeof(*r->defs));
		for (const struct node *v = defs->first; v; v = v->next) {
			struct schema *s = compile(&c, v);
			r->defs[r->ndefs++] = (struct def){v->key->text, s};
		}
	}
	struct schema *body = compile(&c, root);
	struct pattern **patterns = r->patterns;
	size_t npatterns = r->npatterns;
	struct def *saved_defs = r->defs;
	size_t ndefs = r->ndefs;
	*r = *body;
	r->patterns = patterns;
	r->npatterns = npatterns;
	r->defs = saved_defs;
	r->ndefs = ndefs;
	if (c.errors) {
		schema_free(r);
		return NULL;
	}
	return r;
}

void schema_free(struct schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npatterns; i++)
		pattern_free(s->patterns[i]);
	free(s->patterns);
	s->patterns = NULL;
	s->npatterns = 0;
}

const struct schema *schema_property(const struct schema *s, size_t i, const char **name,
				     bool *required)
{
	if (!s || i >= s->nprops)
		return NULL;
	*name = s->props[i].name;
	if (required)
		*required = s->props[i].required;
	return s->props[i].schema;
}

static const char *const type_names[] = {"null", "boolean", "integer", "string", "array", "object"};

void schema_describe(const struct schema *s, struct schema_info *out)
{
	unsigned types = s->types;
	for (size_t i = 0; i < s->nany; i++)
		types |= s->any_of[i]->types;
	*out = (struct schema_info){
		.description = s->description,
		.expects = s->expects,
		.pattern = s->pattern_text,
		.dflt = s->dflt,
		.enums = s->enums,
		.examples = s->examples,
		.has_min = s->has_min,
		.has_max = s->has_max,
		.min = s->min,
		.max = s->max,
		.min_len = s->min_len,
		.max_len = s->max_len,
		.min_items = s->min_items,
		.max_items = s->max_items,
		.unique = s->unique,
		.items = s->items,
		.nprops = s->nprops,
	};
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (types & (1u << i))
			out->types[out->ntypes++] = type_names[i];
	unsigned format = s->format;
	for (size_t i = 0; i < s->nany; i++)
		format |= s->any_of[i]->format;
	out->ipv4 = format & F_IPV4;
	out->ipv6 = format & F_IPV6;
}

size_t schema_property_count(const struct schema *s, const char *path)
{
	char part[DOTTED_PART_MAX];
	while (s && *path) {
		if (!dotted_next(&path, part))
			return 0;
		const struct schema *next = NULL;
		for (size_t i = 0; i < s->nprops; i++)
			if (!strcmp(s->props[i].name, part))
				next = s->props[i].schema;
		s = next;
	}
	return s ? s->nprops : 0;
}

/* ---- applying the schema to a spec ---- */

/* Where a value sits in the spec, built on the stack and printed only for a
 * diagnostic, so a large spec costs no path strings. */
struct path {
	const struct path *parent;
	const char *key; /* or NULL for an index */
	size_t index;
};

struct applier {
	struct arena *a;
	struct diags *d;
	const char *file;
	size_t errors;
	bool silent; /* inside anyOf: count, do not report */
};

static void path_format(const struct path *p, struct buf *b)
{
	if (!p)
		return;
	path_format(p->parent, b);
	if (p->key)
		buf_printf(b, "%s%s", p->parent ? "." : "", p->key);
	else
		buf_printf(b, "[%zu]", p->index);
}

static void fail(struct applier *ap, const struct node *n, const struct path *p, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));

static void fail(struct applier *ap, const struct node *n, const struct path *p, const char *fmt, ...)
{
	ap->errors++;
	if (ap->silent)
		return;
	struct buf path = {0};
	path_format(p, &path);
	va_list va;
	va_start(va, fmt);
	char *text = NULL;
	if (vasprintf(&text, fmt, va) < 0)
		abort();
	va_end(va);
	struct loc loc = {ap->file, n ? n->line : 1, n ? n->col : 1, n ? n->width : 0};
	diags_error(ap->d, loc, path.len ? path.data : NULL, "%s", text);
	free(text);
	buf_free(&path);
}

/* The other end of a duplicate that fail() just reported. */
static void note_first(struct applier *ap, const struct node *n, const struct path *p)
{
	if (ap->silent)
		return;
	struct buf path = {0};
	path_format(p, &path);
	diags_note(ap->d, (struct loc){ap->file, n->line, n->col, n->width},
		   path.len ? path.data : NULL, "first here");
	buf_free(&path);
}

static size_t index_of(const struct node *seq, const struct node *item)
{
	size_t i = 0;
	for (const struct node *c = seq->first; c && c != item; c = c->next)
		i++;
	return i;
}

/* A user's value, quoted for a message: control bytes escaped, long text cut. */
static const char *shown(struct applier *ap, const char *s, size_t n)
{
	struct buf b = {0};
	buf_putc(&b, '\'');
	size_t max = n > 64 ? 60 : n;
	for (size_t i = 0; i < max; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f || ch == '\\' || ch == '\'')
			buf_printf(&b, "\\x%02x", ch);
		else
			buf_putc(&b, (char)ch);
	}
	if (max < n)
		buf_puts(&b, "...");
	buf_putc(&b, '\'');
	const char *r = arena_strndup(ap->a, b.data, b.len);
	buf_free(&b);
	return r;
}

static bool is_bool_literal(const struct node *n, bool *out)
{
	static const char *const t[] = {"true", "True", "TRUE"}, *const f[] = {"false", "False", "FALSE"};
	for (int i = 0; i < 3; i++) {
		if (!strcmp(n->text, t[i]))
			return *out = true, true;
		if (!strcmp(n->text, f[i]))
			return *out = false, true;
	}
	return false;
}

static bool looks_yaml11_bool(const char *s)
{
	static const char *const words[] = {"yes", "no", "on", "off", "y", "n", "Yes", "No",
					    "On", "Off", "YES", "NO", "ON", "OFF"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

static const char *type_words(unsigned types)
{
	if (types & T_OBJ)
		return "a mapping";
	if (types & T_ARR)
		return "a sequence";
	if (types & T_INT)
		return "an integer";
	if (types & T_BOOL)
		return "a boolean (true or false)";
	return "a string";
}

static struct val *apply(struct applier *ap, const struct schema *s, const struct node *n,
			 const struct path *p);

static struct val *apply_object(struct applier *ap, const struct schema *s, const struct node *n,
				const struct path *p)
{
	size_t before = ap->errors;
	/* on the stack for the usual small object: 100,000 node mappings would
	 * leave their tables in the arena */
	const struct node *small[32] = {0};
	const struct node **seen =
		s->nprops < 32 ? small : arena_alloc(ap->a, (s->nprops + 1) * sizeof(*seen));
	for (const struct node *c = n->first; c; c = c->next) {
		struct path cp = {p, c->key->text, 0};
		size_t i = 0;
		const char *key = c->key->text;
		while (i < s->nprops && (s->props[i].name[0] != key[0] || strcmp(s->props[i].name, key)))
			i++;
		if (i == s->nprops) {
			const char *names[64];
			size_t nn = 0;
			for (size_t k = 0; k < s->nprops && nn < 64; k++)
				names[nn++] = s->props[k].name;
			const char *hint = suggest(c->key->text, names, nn);
			if (hint)
				fail(ap, c->key, &cp, "unknown key; did you mean '%s'?", hint);
			else
				fail(ap, c->key, &cp, "unknown key");
			continue;
		}
		if (seen[i]) {
			fail(ap, c->key, &cp, "duplicate key (first at line %d)", seen[i]->key->line);
			note_first(ap, seen[i]->key, &cp);
			continue;
		}
		seen[i] = c;
	}
	struct val *out = val_new(ap->a, VAL_MAP);
	out->line = n->line;
	out->col = n->col;
	out->width = n->width;
	for (size_t i = 0; i < s->nprops; i++) {
		const struct prop *pr = &s->props[i];
		const struct node *c = seen[i];
		struct path cp = {p, pr->name, 0};
		struct val *v = NULL;
		if (c && !node_is_null(c)) {
			v = apply(ap, pr->schema, c, &cp);
		} else if (pr->required) {
			if (c)
				fail(ap, c->key, &cp, "needs a value");
			else
				fail(ap, n, p, "missing required key '%s'", pr->name);
		} else if (pr->schema->dflt) {
			bool silent = ap->silent;
			v = apply(ap, pr->schema, pr->schema->dflt, &cp);
			ap->silent = silent;
			if (v)
				v->line = v->col = 0;
		} else if (pr->schema->types & T_OBJ) {
			static const struct node empty = {.kind = NODE_MAP};
			v = apply(ap, pr->schema, &empty, &cp);
		}
		if (v)
			val_add(out, pr->name, v);
	}
	return ap->errors == before ? out : NULL;
}

static struct val *apply_array(struct applier *ap, const struct schema *s, const struct node *n,
			       const struct path *p)
{
	size_t before = ap->errors;
	if (s->min_items >= 0 && (long long)n->count < s->min_items)
		fail(ap, n, p, "needs at least %lld item%s", s->min_items, s->min_items == 1 ? "" : "s");
	bool too_many = s->max_items >= 0 && (long long)n->count > s->max_items;
	if (too_many)
		fail(ap, n, p, "has %zu items; at most %lld are allowed", n->count, s->max_items);
	if (n->typed || n->typed_errors) {
		/* typed item by item while loading (schema_apply_item) */
		ap->errors += n->typed_errors;
		if (n->typed) {
			n->typed->line = n->line;
			n->typed->col = n->col;
		}
		return ap->errors == before ? n->typed : NULL;
	}
	struct val *out = val_new(ap->a, VAL_LIST);
	out->line = n->line;
	out->col = n->col;
	out->width = n->width;
	size_t i = 0;
	/* past maxItems only the allowed items are typed, as when streaming */
	for (const struct node *c = n->first; c && !(too_many && (long long)i >= s->max_items);
	     c = c->next, i++) {
		struct path cp = {p, NULL, i};
		struct val *v = s->items ? apply(ap, s->items, c, &cp) : NULL;
		if (s->unique && c->kind == NODE_SCALAR) {
			for (const struct node *e = n->first; e != c; e = e->next) {
				if (e->kind == NODE_SCALAR && !strcmp(e->text, c->text)) {
					fail(ap, c, &cp, "duplicate item %s (also at line %d)",
					     shown(ap, c->text, c->len), e->line);
					struct path ep = {p, NULL, index_of(n, e)};
					note_first(ap, e, &ep);
					break;
				}
			}
		}
		if (v)
			val_add(out, NULL, v);
	}
	return ap->errors == before ? out : NULL;
}

static bool enum_has(const struct node *enums, const char *text)
{
	for (const struct node *e = enums->first; e; e = e->next)
		if (e->kind == NODE_SCALAR && !strcmp(e->text, text))
			return true;
	return false;
}

static void fail_enum(struct applier *ap, const struct schema *s, const struct node *n,
		      const struct path *p)
{
	struct buf list = {0};
	const char *names[64];
	size_t nn = 0;
	for (const struct node *e = s->enums->first; e; e = e->next) {
		buf_printf(&list, "%s%s", list.len ? ", " : "", e->text);
		if (nn < 64)
			names[nn++] = e->text;
	}
	const char *hint = suggest(n->text, names, nn);
	fail(ap, n, p, "%s is not one of: %s%s%s%s", shown(ap, n->text, n->len), list.data,
	     hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
	buf_free(&list);
}

static bool format_ok(unsigned format, const char *s)
{
	unsigned char addr[16];
	if ((format & F_IPV4) && inet_pton(AF_INET, s, addr) == 1)
		return true;
	if ((format & F_IPV6) && inet_pton(AF_INET6, s, addr) == 1)
		return true;
	return false;
}

static struct val *apply_string(struct applier *ap, const struct schema *s, const struct node *n,
				const struct path *p)
{
	size_t chars = 0;
	for (size_t i = 0; i < n->len; i++)
		chars += ((unsigned char)n->text[i] & 0xC0) != 0x80;
	if (s->max_len >= 0 && (long long)chars > s->max_len) {
		fail(ap, n, p, "is %zu characters long; at most %lld are allowed", chars, s->max_len);
		return NULL;
	}
	if (s->min_len >= 0 && (long long)chars < s->min_len) {
		fail(ap, n, p, "must not be empty");
		return NULL;
	}
	if (s->enums && !enum_has(s->enums, n->text)) {
		fail_enum(ap, s, n, p);
		return NULL;
	}
	bool pattern_ok = !s->pattern || pattern_match(s->pattern, n->text, n->len);
	bool fmt_ok = !s->format || format_ok(s->format, n->text);
	if (!pattern_ok || !fmt_ok) {
		if (s->expects)
			fail(ap, n, p, "%s is not %s", shown(ap, n->text, n->len), s->expects);
		else if (!fmt_ok)
			fail(ap, n, p, "%s is not an %s address", shown(ap, n->text, n->len),
			     s->format == F_IPV4 ? "IPv4" : "IPv6");
		else
			fail(ap, n, p, "%s does not match the schema's pattern",
			     shown(ap, n->text, n->len));
		return NULL;
	}
	struct val *v = val_strn(ap->a, n->text, n->len);
	v->line = n->line;
	v->col = n->col;
	v->width = n->width;
	return v;
}

static struct val *apply_integer(struct applier *ap, const struct schema *s, const struct node *n,
				 const struct path *p)
{
	const char *t = n->text;
	const char *digits = *t == '-' ? t + 1 : t;
	bool numeric = *digits && strspn(digits, "0123456789") == strlen(digits);
	if (!n->plain || !numeric) {
		fail(ap, n, p, "expected an integer, got %s%s", n->plain ? "" : "the quoted string ",
		     shown(ap, t, n->len));
		return NULL;
	}
	if (digits[0] == '0' && digits[1]) {
		fail(ap, n, p, "%s: write integers in decimal without leading zeros",
		     shown(ap, t, n->len));
		return NULL;
	}
	errno = 0;
	long long v = strtoll(t, NULL, 10);
	if (errno == ERANGE || (s->has_min && v < s->min) || (s->has_max && v > s->max)) {
		if (s->has_min && s->has_max)
			fail(ap, n, p, "%s is out of range (%lld to %lld)", shown(ap, t, n->len),
			     s->min, s->max);
		else if (s->has_min)
			fail(ap, n, p, "%s is out of range (at least %lld)", shown(ap, t, n->len), s->min);
		else
			fail(ap, n, p, "%s is out of range", shown(ap, t, n->len));
		return NULL;
	}
	struct val *out = val_int(ap->a, v);
	out->line = n->line;
	out->col = n->col;
	out->width = n->width;
	return out;
}

static struct val *apply_any_of(struct applier *ap, const struct schema *s, const struct node *n,
				const struct path *p)
{
	bool silent = ap->silent;
	size_t errors = ap->errors;
	ap->silent = true;
	struct val *v = NULL;
	for (size_t i = 0; i < s->nany && !v; i++) {
		size_t before = ap->errors;
		v = apply(ap, s->any_of[i], n, p);
		if (ap->errors != before)
			v = NULL;
	}
	ap->silent = silent;
	ap->errors = errors;
	if (!v) {
		if (n->kind == NODE_SCALAR)
			fail(ap, n, p, "%s is not %s", shown(ap, n->text, n->len),
			     s->expects ? s->expects : "any of the allowed forms");
		else
			fail(ap, n, p, "expected %s, got %s",
			     s->expects ? s->expects : "another form", node_kind_name(n->kind));
	}
	return v;
}

static struct val *apply(struct applier *ap, const struct schema *s, const struct node *n,
			 const struct path *p)
{
	if (s->nany)
		return apply_any_of(ap, s, n, p);
	switch (n->kind) {
	case NODE_MAP:
		if (s->types & T_OBJ)
			return apply_object(ap, s, n, p);
		break;
	case NODE_SEQ:
		if (s->types & T_ARR)
			return apply_array(ap, s, n, p);
		break;
	case NODE_SCALAR: {
		bool b;
		if (s->types & T_INT)
			return apply_integer(ap, s, n, p);
		if (s->types & T_BOOL) {
			if (n->plain && is_bool_literal(n, &b)) {
				struct val *v = val_bool(ap->a, b);
				v->line = n->line;
				v->col = n->col;
				v->width = n->width;
				return v;
			}
			if (n->plain && looks_yaml11_bool(n->text))
				fail(ap, n, p, "expected true or false, got %s (YAML 1.1 booleans are not read as booleans)",
				     shown(ap, n->text, n->len));
			else
				fail(ap, n, p, "expected true or false, got %s", shown(ap, n->text, n->len));
			return NULL;
		}
		if (s->types & T_STR)
			return apply_string(ap, s, n, p);
		break;
	}
	}
	if (n->kind == NODE_SCALAR)
		fail(ap, n, p, "expected %s, got %s", type_words(s->types), shown(ap, n->text, n->len));
	else
		fail(ap, n, p, "expected %s, got %s", type_words(s->types), node_kind_name(n->kind));
	return NULL;
}

/* V (a default or an example) is a value S accepts. */
static bool default_valid(struct compiler *c, const struct schema *s, const struct node *v)
{
	struct applier ap = {.a = c->a, .d = c->d, .file = c->file, .silent = true};
	return apply(&ap, s, v, NULL) && !ap.errors;
}

struct val *schema_apply(const struct schema *s, struct arena *a, const char *file,
			 const struct node *doc, struct diags *d)
{
	struct applier ap = {.a = a, .d = d, .file = file};
	struct val *v = apply(&ap, s, doc, NULL);
	return ap.errors ? NULL : v;
}

const struct schema *schema_stream_items(const struct schema *s, const char *key)
{
	if (!s || s->nany || !(s->types & T_OBJ))
		return NULL;
	for (size_t i = 0; i < s->nprops; i++) {
		const struct schema *a = s->props[i].schema;
		if (!strcmp(s->props[i].name, key))
			return a->types == T_ARR && !a->nany && !a->unique && a->items ? a : NULL;
	}
	return NULL;
}

void schema_apply_item(const struct schema *array, struct arena *a, const char *file,
		       const char *key, size_t index, const struct node *item, struct node *seq,
		       struct diags *d)
{
	if (array->max_items >= 0 && (long long)index >= array->max_items)
		return; /* apply_array reports the count */
	struct applier ap = {.a = a, .d = d, .file = file};
	struct path top = {NULL, key, 0};
	struct path p = {&top, NULL, index};
	struct val *v = apply(&ap, array->items, item, &p);
	seq->typed_errors += ap.errors;
	if (!v || ap.errors || seq->typed_errors)
		return; /* after an error the list is not used: keep no more of it */
	if (!seq->typed)
		seq->typed = val_new(a, VAL_LIST);
	val_add(seq->typed, NULL, v);
}
