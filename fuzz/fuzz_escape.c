/* Each escaper's promise: what it writes, its consumer reads back as exactly
 * the input (or it refuses). The first byte picks the context; the rest is
 * the value. The readers are rhc's own (YAML loader, JSON and nginx readers)
 * and, for the shell, a model of POSIX quoting; tests/unit/test_escape.c
 * checks the same property against a real /bin/sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "json.h"
#include "load.h"
#include "nginx_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool utf8_text(const char *s, size_t n)
{
	struct arena a = {0};
	struct diags d = {0};
	/* the loader's own check: no NUL, valid UTF-8 */
	struct buf doc = {0};
	buf_puts(&doc, "k: x\n# ");
	for (size_t i = 0; i < n; i++)
		buf_putc(&doc, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
	buf_putc(&doc, '\n');
	bool ok = memchr(s, '\0', n) == NULL && load_yaml(&a, "t", doc.data, doc.len, &d) != NULL;
	buf_free(&doc);
	diags_free(&d);
	arena_free(&a);
	return ok;
}

/* POSIX: '...' is literal; outside quotes a backslash quotes the next byte. */
static void sh_unquote(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'') {
			while (++i < n && s[i] != '\'')
				buf_putc(out, s[i]);
		} else if (s[i] == '\\' && i + 1 < n) {
			buf_putc(out, s[++i]);
		} else {
			buf_putc(out, s[i]);
		}
	}
}

static void same(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn || memcmp(a, b, an))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	struct arena a = {0};
	struct diags d = {0};
	struct buf out = {0}, back = {0};
	switch (data[0] % 4) {
	case 0:
		escape_sh_word(&out, s, n);
		sh_unquote(out.data, out.len, &back);
		same(back.data ? back.data : "", back.len, s, n);
		break;
	case 1:
		if (!utf8_text(s, n))
			break;
		buf_puts(&back, "k: ");
		escape_yaml_string(&back, s, n);
		buf_putc(&back, '\n');
		struct node *root = load_yaml(&a, "t.yml", back.data, back.len, &d);
		if (!root || !root->first)
			abort();
		same(root->first->text, root->first->len, s, n);
		break;
	case 2:
		if (!utf8_text(s, n))
			break;
		escape_json_string(&out, s, n);
		struct node *j = json_parse(&a, "t.json", out.data, out.len, &d);
		if (!j)
			abort();
		same(j->text, j->len, s, n);
		break;
	case 3:
		buf_puts(&out, "x ");
		if (!escape_nginx_word(&out, s, n))
			break;
		buf_puts(&out, ";\n");
		struct nginx_directive *x = nginx_conf_parse(&a, "t.conf", out.data, out.len, &d);
		if (!x || x->nargs != 1)
			abort();
		same(x->args[0].text, x->args[0].len, s, n);
		break;
	}
	buf_free(&out);
	buf_free(&back);
	diags_free(&d);
	arena_free(&a);
	return 0;
}
