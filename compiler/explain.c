#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dotted.h"
#include "suggest.h"

/* A value from the schema (a default, an example, an allowed value) as a
 * spec would write it, on one line. */
static void put_value(struct buf *out, const struct node *n)
{
	if (n->kind == NODE_SCALAR) {
		if (!n->plain && (!n->len || strpbrk(n->text, ":#,[]{}\"'") || n->text[0] == ' '))
			buf_printf(out, "\"%s\"", n->text); /* "" and text YAML would misread */
		else
			buf_puts(out, n->text);
		return;
	}
	buf_putc(out, n->kind == NODE_SEQ ? '[' : '{');
	for (const struct node *c = n->first; c; c = c->next) {
		if (c != n->first)
			buf_puts(out, ", ");
		if (n->kind == NODE_MAP)
			buf_printf(out, "%s: ", c->key->text);
		put_value(out, c);
	}
	buf_putc(out, n->kind == NODE_SEQ ? ']' : '}');
}

static void put_type(struct buf *out, const struct schema *s)
{
	struct schema_info si;
	schema_describe(s, &si);
	for (size_t i = 0; i < si.ntypes; i++)
		buf_printf(out, "%s%s", i ? " or " : "", si.types[i]);
	if (si.items) {
		buf_puts(out, " of ");
		put_type(out, si.items);
	}
}

/* TEXT wrapped to 76 columns, each line indented by INDENT spaces. */
static void put_wrapped(struct buf *out, const char *text, int indent, size_t max)
{
	size_t col = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " ");
		if (col && col + 1 + n > 76 - (size_t)indent)
			buf_putc(out, '\n'), col = 0;
		if (col)
			buf_putc(out, ' '), col++;
		else
			buf_printf(out, "%*s", indent, "");
		buf_put(out, p, n);
		col += n;
		p += n;
		while (*p == ' ')
			p++;
		if (max && (size_t)(p - text) >= max)
			break;
	}
	buf_putc(out, '\n');
}

/* The first sentence of a description: what a list of fields shows. */
static size_t first_sentence(const char *text)
{
	for (const char *p = text; *p; p++)
		if (*p == '.' && (p[1] == ' ' || !p[1]))
			return (size_t)(p - text) + 1;
	return strlen(text);
}

static void put_fields(struct buf *out, const struct schema *obj)
{
	buf_puts(out, "\nFIELDS:\n");
	const char *name;
	bool required;
	const struct schema *c;
	for (size_t i = 0; (c = schema_property(obj, i, &name, &required)); i++) {
		buf_printf(out, "    %s <", name);
		put_type(out, c);
		buf_printf(out, ">%s\n", required ? ", required" : "");
		struct schema_info ci;
		schema_describe(c, &ci);
		if (ci.description)
			put_wrapped(out, ci.description, 8, first_sentence(ci.description));
	}
}

static void put_range(struct buf *out, const char *label, long long min, long long max,
		      const char *unit)
{
	if (min < 0 && max < 0)
		return;
	buf_printf(out, "%-10s", label);
	if (min >= 0 && max >= 0 && min == max)
		buf_printf(out, "exactly %lld", min);
	else if (min > 0 && max >= 0)
		buf_printf(out, "%lld to %lld", min, max);
	else if (max >= 0)
		buf_printf(out, "at most %lld", max);
	else
		buf_printf(out, "at least %lld", min);
	buf_printf(out, " %s\n", unit);
}

static void put_field(struct buf *out, const char *path, const struct schema *s, bool required)
{
	struct schema_info si;
	schema_describe(s, &si);
	buf_printf(out, "%-10s%s\n", "FIELD:", *path ? path : "(the whole spec)");
	buf_printf(out, "%-10s", "TYPE:");
	put_type(out, s);
	buf_putc(out, '\n');
	if (required)
		buf_printf(out, "%-10s%s\n", "REQUIRED:", "yes");
	if (si.dflt) {
		buf_printf(out, "%-10s", "DEFAULT:");
		put_value(out, si.dflt);
		buf_putc(out, '\n');
	}
	/* a list of strings from a fixed set: the set is what a user needs */
	struct schema_info ii = {0};
	if (si.items)
		schema_describe(si.items, &ii);
	const struct node *enums = si.enums ? si.enums : ii.enums;
	if (enums) {
		buf_printf(out, "%-10s", "ALLOWED:");
		for (const struct node *e = enums->first; e; e = e->next) {
			if (e != enums->first)
				buf_puts(out, ", ");
			put_value(out, e);
		}
		buf_putc(out, '\n');
	}
	const char *expects = si.expects ? si.expects : ii.expects;
	if (expects)
		buf_printf(out, "%-10s%s\n", "VALUE:", expects);
	if (si.ipv4 || si.ipv6)
		buf_printf(out, "%-10s%s\n", "FORMAT:",
			   si.ipv4 && si.ipv6 ? "IPv4 or IPv6 address" : si.ipv4 ? "IPv4 address" : "IPv6 address");
	if (si.pattern)
		buf_printf(out, "%-10s%s\n", "PATTERN:", si.pattern);
	if (si.has_min || si.has_max) {
		buf_printf(out, "%-10s", "RANGE:");
		if (si.has_min && si.has_max)
			buf_printf(out, "%lld to %lld\n", si.min, si.max);
		else if (si.has_min)
			buf_printf(out, "at least %lld\n", si.min);
		else
			buf_printf(out, "at most %lld\n", si.max);
	}
	put_range(out, "LENGTH:", si.min_len, si.max_len, "characters");
	put_range(out, "ITEMS:", si.min_items, si.max_items, si.unique ? "items, each unique" : "items");
	if (si.items && (ii.has_min || ii.has_max))
		buf_printf(out, "%-10s%lld to %lld (each item)\n", "RANGE:", ii.min, ii.max);
	for (const struct node *e = si.examples ? si.examples->first : NULL; e; e = e->next) {
		buf_printf(out, "%-10s", e == si.examples->first ? "EXAMPLE:" : "");
		put_value(out, e);
		buf_putc(out, '\n');
	}
	if (si.description) {
		buf_puts(out, "\nDESCRIPTION:\n");
		put_wrapped(out, si.description, 4, 0);
	}
	const struct schema *obj = si.nprops ? s : ii.nprops ? si.items : NULL;
	if (obj)
		put_fields(out, obj);
}

/* A field below the top level whose own name is NAME (EXACT) or close to
 * it (the user left out its parents: "failTimeout"), as a path in HINT. */
static bool find_anywhere(const struct schema *s, const char *prefix, const char *name,
			  bool exact, char *hint, size_t size)
{
	struct schema_info si;
	schema_describe(s, &si);
	if (si.items && !si.nprops) {
		char p[256];
		snprintf(p, sizeof(p), "%s[]", prefix);
		return find_anywhere(si.items, p, name, exact, hint, size);
	}
	const char *pn;
	const struct schema *c;
	for (size_t i = 0; (c = schema_property(s, i, &pn, NULL)); i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s%s%s", prefix, *prefix ? "." : "", pn);
		if (*prefix && (exact ? !strcmp(pn, name) : suggest(name, &pn, 1) != NULL)) {
			snprintf(hint, size, "%s", p);
			return true;
		}
		if (find_anywhere(c, p, name, exact, hint, size))
			return true;
	}
	return false;
}

/* Property NAME of object S, or NULL with an error naming PATH. */
static const struct schema *step(const struct schema *root, const struct schema *s,
				 const char *name, const char *path, bool *required, struct diags *d)
{
	const char *names[128];
	size_t n = 0;
	const char *pn;
	const struct schema *c;
	for (size_t i = 0; (c = schema_property(s, i, &pn, required)); i++) {
		if (!strcmp(pn, name))
			return c;
		if (n < 128)
			names[n++] = pn;
	}
	struct loc nowhere = {NULL, 0, 0, 0};
	struct schema_info si;
	schema_describe(s, &si);
	char where[256];
	const char *hint = n ? suggest(name, names, n) : NULL;
	if (s == root && find_anywhere(root, "", name, true, where, sizeof(where)))
		diags_error(d, nowhere, path, "no such field; did you mean '%s'?", where);
	else if (hint)
		diags_error(d, nowhere, path, "no such field; did you mean '%s'?", hint);
	else if (si.items)
		diags_error(d, nowhere, path, "no such field: the value above it is a list; step into its items with []");
	else if (s == root && find_anywhere(root, "", name, false, where, sizeof(where)))
		diags_error(d, nowhere, path, "no such field; did you mean '%s'?", where);
	else if (!n)
		diags_error(d, nowhere, path, "no such field: the value above it has no fields");
	else
		diags_error(d, nowhere, path, "no such field ('rhc explain \"\"' lists the top-level fields)");
	return NULL;
}

bool explain_path(const struct schema *root, const char *path, struct buf *out, struct diags *d)
{
	const struct schema *s = root;
	bool required = false;
	struct buf shown = {0}; /* the path as explained: [N] shown as [] */
	char part[DOTTED_PART_MAX];
	const char *rest = path;
	bool ok = true;
	while (ok && *rest) {
		if (!dotted_next(&rest, part) || !*part) {
			diags_error(d, (struct loc){NULL, 0, 0, 0}, path, "not a field path (write it as loadBalancer.failTimeout or nodes[].roles)");
			ok = false;
			break;
		}
		char *bracket = strchr(part, '[');
		bool items = false;
		if (bracket) {
			/* [] or [N], and only at the end of a part */
			size_t digits = strspn(bracket + 1, "0123456789");
			if (bracket[1 + digits] != ']' || bracket[2 + digits]) {
				diags_error(d, (struct loc){NULL, 0, 0, 0}, path, "a list index is [] or [N]");
				ok = false;
				break;
			}
			*bracket = '\0';
			items = true;
		}
		buf_printf(&shown, "%s%s", shown.len ? "." : "", part);
		s = step(root, s, part, shown.data, &required, d);
		if (!s) {
			ok = false;
			break;
		}
		if (items) {
			struct schema_info si;
			schema_describe(s, &si);
			if (!si.items) {
				diags_error(d, (struct loc){NULL, 0, 0, 0}, shown.data, "is not a list; write it without []");
				ok = false;
				break;
			}
			buf_puts(&shown, "[]");
			s = si.items;
			required = false;
		}
	}
	if (ok)
		put_field(out, shown.len ? shown.data : "", s, required);
	buf_free(&shown);
	return ok;
}
